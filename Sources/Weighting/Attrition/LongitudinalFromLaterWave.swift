/// Longitudinal weights for a set of waves that does not include wave 1 (`--longitudinal 2,3`).
///
/// The cohort is the respondents of the first chosen wave m, with their cross-sectional weights of wave m
/// (``CrossSectionalCombination``: panel members and newcomers alike); those present in every other chosen wave
/// are kept, and their weights adjusted for the others' absence by the same response model, adjustment and
/// calibration to the population margins as ``AttritionAdjustment``, with covariates read from wave m.
public struct LongitudinalFromLaterWave: Sendable {
    /// The linked waves.
    public var panel: Panel
    /// The chosen waves, 1-based, increasing, the first greater than 1.
    public var waves: [Int]
    /// Covariates of the response model (columns of wave m).
    public var covariates: [String]
    /// Adjustment method.
    public var adjustment: NonresponseAdjustment
    /// Cap on the factors.
    public var maxFactor: Double?
    /// Population margins.
    public var margins: Margins
    /// Calibration method.
    public var method: CalibrationMethod
    /// Missing covariates.
    public var policy: MissingCovariatePolicy

    /// Creates the computation.
    public init(panel: Panel, waves: [Int], covariates: [String], adjustment: NonresponseAdjustment, maxFactor: Double?,
                margins: Margins, method: CalibrationMethod, policy: MissingCovariatePolicy = .fail) {
        self.panel = panel
        self.waves = waves
        self.covariates = covariates
        self.adjustment = adjustment
        self.maxFactor = maxFactor
        self.margins = margins
        self.method = method
        self.policy = policy
    }

    /// Weights of the cohort members present in every chosen wave, and their rows in wave m.
    /// - Parameter baseWeights: the cross-sectional weights of wave m's rows.
    public func run(baseWeights: [Double]) throws -> (weights: [Double], rows: [Int]) {
        let (_, w, rows, _, _) = try adjusted(baseWeights: baseWeights)
        return (w, rows)
    }

    /// The adjustment of wave m's respondents for not answering the other chosen waves, with its weights, the
    /// rows (in wave m) of those present in every chosen wave, its report and its calibration.
    /// - Parameter baseWeights: the cross-sectional weights of wave m's rows.
    public func adjusted(baseWeights: [Double]) throws
        -> (adjustment: AttritionAdjustment, weights: [Double], rows: [Int], report: AttritionReport, calibration: CalibrationResult) {
        let m = waves[0] - 1
        let base = panel.waves[m]
        let others = waves.dropFirst().map { Set(panel.ids[$0 - 1]) }
        let retained = panel.ids[m].map { id in others.allSatisfy { $0.contains(id) } }
        let prepared = try ResponseModelCovariates(table: base, covariates: covariates, weights: baseWeights, policy: policy)
        let adjustment = AttritionAdjustment(wave1: prepared.table, retained: retained, covariates: prepared.covariates,
                                             adjustment: self.adjustment, maxFactor: maxFactor, margins: margins,
                                             method: method, wave: waves.last!)
        let (w, rows, report, calibration) = try adjustment.run(wave1Weights: baseWeights)
        return (adjustment, w, rows, report, calibration)
    }
}
