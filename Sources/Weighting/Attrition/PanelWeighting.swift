import Foundation

/// Weights for every wave of a panel survey: the wave-1 calibration, cross-sectional weights of each later wave,
/// longitudinal weights of those present throughout, and bootstrap replicates carrying the whole chain.
///
/// Wave 1 is calibrated to the population margins. For wave `k`, the wave-1 respondents who answered again are
/// weighted by an ``AttritionAdjustment`` (a response-propensity model on wave-1 covariates, an inverse-propensity
/// or propensity-class factor, then a two-phase calibration to the margins and to wave-1 weighted totals), as in
/// Särndal & Lundström (2005, ch. 8–10) and Kalton & Flores-Cervantes (2003). The bootstrap (Rao & Wu 1988)
/// re-runs the wave-1 calibration and every adjustment in each replicate (``AttritionBootstrap``).
///
/// ```swift
/// let weighting = try PanelWeighting(waves: [wave1, wave2, wave3], idColumn: "code_commune",
///                                    calibrator: Calibrator(margins: margins, method: .raking),
///                                    covariates: ["region", "taille"])
/// let result = try weighting.run(replicates: 200, seed: 1)
/// let wave3 = result.crossSectional[1].weights      // one weight per row of wave 3, 0 outside the panel
/// let panelWeights = result.longitudinal.weights     // wave-1 rows present in every wave
/// ```
public struct PanelWeighting: Sendable {
    /// The waves, linked by ``Panel/idColumn``.
    public let panel: Panel
    /// The wave-1 calibration (its margins are also those of every later wave's second phase).
    public var calibrator: Calibrator
    /// The wave-1 base weight column (all 1 when `nil`).
    public var wave1Weight: String?
    /// Wave-1 covariates of the response model.
    public var covariates: [String]
    /// Inverse propensity or propensity classes.
    public var adjustment: NonresponseAdjustment
    /// Cap on the adjustment factors (`nil`: none).
    public var maxFactor: Double?
    /// Wave-1 variables whose wave-1 weighted totals the later waves reproduce.
    public var calibrateToWave1: [String]

    /// Links the waves by `idColumn` (``Panel``) and records how to weight them.
    ///
    /// - Throws: ``PanelError`` when there are fewer than two waves, an id is missing or repeated within a wave.
    public init(waves: [Table], idColumn: String, calibrator: Calibrator, wave1Weight: String? = nil,
                covariates: [String], adjustment: NonresponseAdjustment = .propensityClasses(5),
                maxFactor: Double? = nil, calibrateToWave1: [String] = []) throws {
        self.init(panel: try Panel(waves: waves, idColumn: idColumn), calibrator: calibrator, wave1Weight: wave1Weight,
                  covariates: covariates, adjustment: adjustment, maxFactor: maxFactor, calibrateToWave1: calibrateToWave1)
    }

    /// Weighting of waves already linked.
    public init(panel: Panel, calibrator: Calibrator, wave1Weight: String? = nil, covariates: [String],
                adjustment: NonresponseAdjustment = .propensityClasses(5), maxFactor: Double? = nil,
                calibrateToWave1: [String] = []) {
        self.panel = panel
        self.calibrator = calibrator
        self.wave1Weight = wave1Weight
        self.covariates = covariates
        self.adjustment = adjustment
        self.maxFactor = maxFactor
        self.calibrateToWave1 = calibrateToWave1
    }

    /// The waves.
    public var waves: [Table] { panel.waves }

    /// Weights of one later wave.
    public struct WaveWeights: Sendable {
        /// The wave (2, 3, ...).
        public var wave: Int
        /// One weight per row of the wave's table: the adjusted weight of a wave-1 respondent, 0 for a row
        /// without a wave-1 record.
        public var weights: [Double]
        /// 1 for the rows of wave-1 respondents, 0 for the others.
        public var inPanel: [Double]
        /// The attrition adjustment's report.
        public var report: AttritionReport
    }

    /// Longitudinal weights: wave-1 respondents present in every wave.
    public struct LongitudinalWeights: Sendable {
        /// Their rows in wave 1.
        public var rows: [Int]
        /// Their weights (same order).
        public var weights: [Double]
        /// The adjustment that made them (replicated by ``PanelWeighting/replicates(of:wave1:count:seed:)``).
        public var adjustment: AttritionAdjustment
        /// Its report.
        public var report: AttritionReport
        /// Its two-phase calibration.
        public var calibration: CalibrationResult
    }

    /// Everything ``run(replicates:seed:)`` computes.
    public struct Result: Sendable {
        /// The wave-1 calibration.
        public var wave1: CalibrationResult
        /// Cross-sectional weights of waves 2, 3, ... (in order).
        public var crossSectional: [WaveWeights]
        /// Longitudinal weights of those present in every wave.
        public var longitudinal: LongitudinalWeights
        /// Bootstrap replicates of the whole chain, when asked for.
        public var replicates: AttritionBootstrap.Result?
    }

    /// Calibrates wave 1 to the margins.
    public func calibrateWave1() throws -> CalibrationResult {
        try calibrator.calibrate(waves[0], weightColumn: wave1Weight)
    }

    /// The attrition adjustment of the wave-1 records flagged `retained`, for wave `k`.
    public func adjustment(retained: [Bool], wave k: Int) -> AttritionAdjustment {
        AttritionAdjustment(wave1: waves[0], retained: retained, covariates: covariates, adjustment: adjustment,
                            maxFactor: maxFactor, margins: calibrator.margins, calibrateToWave1: calibrateToWave1,
                            method: calibrator.method, wave: k)
    }

    /// Cross-sectional weights of wave `k` (≥ 2): the wave-1 respondents present at wave `k`, whatever they did
    /// in between, adjusted from their wave-1 weights `wave1`.
    public func crossSectional(wave k: Int, wave1: CalibrationResult) throws -> WaveWeights {
        precondition(k >= 2 && k <= waves.count, "a later wave of the panel")
        let present = panel.rowInWave.map { $0[k - 1] != nil }
        let (w, rows, report, _) = try adjustment(retained: present, wave: k).run(wave1Weights: wave1.weights)
        var weights = [Double](repeating: 0, count: waves[k - 1].rowCount)
        var inPanel = weights
        for (j, r) in rows.enumerated() {
            let row = panel.rowInWave[r][k - 1]!
            weights[row] = w[j]
            inPanel[row] = 1
        }
        return WaveWeights(wave: k, weights: weights, inPanel: inPanel, report: report)
    }

    /// Longitudinal weights through wave `k` (default: the last): the wave-1 respondents present in every wave
    /// from 1 to `k`.
    public func longitudinal(through k: Int? = nil, wave1: CalibrationResult) throws -> LongitudinalWeights {
        let k = k ?? waves.count
        let adj = adjustment(retained: panel.retained(through: k), wave: k)
        let (w, rows, report, calibration) = try adj.run(wave1Weights: wave1.weights)
        return LongitudinalWeights(rows: rows, weights: w, adjustment: adj, report: report, calibration: calibration)
    }

    /// Bootstrap replicates of the wave-1 calibration and of the longitudinal adjustment, each replicate
    /// re-calibrated and re-adjusted (``AttritionBootstrap``).
    ///
    /// - Throws: ``AttritionReplicateFailure`` when too few replicates can be calibrated.
    public func replicates(of longitudinal: LongitudinalWeights, wave1: CalibrationResult, count: Int,
                           seed: UInt64) throws -> AttritionBootstrap.Result {
        try AttritionBootstrap(replicates: count, seed: seed).run(calibrator: calibrator, wave1: wave1,
                                                                  adjustments: [longitudinal.adjustment])
    }

    /// Wave 1 calibrated, every later wave's cross-sectional weights, the longitudinal weights and, with
    /// `replicates ≥ 2`, their bootstrap replicates.
    public func run(replicates: Int = 0, seed: UInt64 = 1) throws -> Result {
        let first = try calibrateWave1()
        let cross = try (2...max(2, waves.count)).map { try crossSectional(wave: $0, wave1: first) }
        let long = try longitudinal(wave1: first)
        let reps = replicates >= 2 ? try self.replicates(of: long, wave1: first, count: replicates, seed: seed) : nil
        return Result(wave1: first, crossSectional: cross, longitudinal: long, replicates: reps)
    }
}
