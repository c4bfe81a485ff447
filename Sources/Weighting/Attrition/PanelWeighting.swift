import Foundation

/// What becomes of a later wave's respondents who have no wave-1 record (newcomers).
public enum NewcomerTreatment: Sendable, Equatable {
    /// Weight 0: the wave's cross-sectional weights cover the panel members only.
    case exclude
    /// Combined with the wave's panel members by the composite factor, then the whole wave calibrated to the
    /// population margins (``CrossSectionalCombination``): every respondent of the wave gets a weight.
    case combine(CompositeFactor)
}

/// Weights for every wave of a panel survey: the wave-1 calibration, cross-sectional weights of each later wave,
/// longitudinal weights of those present in a chosen set of waves, and bootstrap replicates carrying the whole
/// chain.
///
/// Wave 1 is calibrated to the population margins. For wave `k`, the wave-1 respondents who answered again
/// (whatever waves they skipped in between) are weighted by an ``AttritionAdjustment`` (a response-propensity
/// model on wave-1 covariates, an inverse-propensity or propensity-class factor, then a two-phase calibration to
/// the margins and to wave-1 weighted totals), as in Särndal & Lundström (2005, ch. 8–10) and Kalton &
/// Flores-Cervantes (2003). Respondents of wave `k` without a wave-1 record are either left out (weight 0) or
/// combined with the panel part by a composite factor and the wave calibrated to the margins
/// (``CrossSectionalCombination``: Hartley 1962, Kish 1999, O'Muircheartaigh & Pedlow 2002), so every respondent
/// gets a weight. Longitudinal weights cover the respondents present in every wave of ``longitudinalWaves``:
/// from wave 1 by the attrition adjustment, or from a later first wave m by ``LongitudinalFromLaterWave`` (wave
/// m's cross-sectional weights adjusted for absence from the other chosen waves). The bootstrap (Rao & Wu 1988)
/// re-runs the wave-1 calibration and the longitudinal adjustment in each replicate (``AttritionBootstrap``).
///
/// For estimation, a later wave's panel part (``panelPart(wave:wave1:)``) comes with its two-phase linearization
/// (``twoPhase(_:wave1:estimatedPropensities:leverage:)``: phase 1 the calibrated wave 1, phase 2 staying; Särndal,
/// Swensson & Wretman 1992, ch. 9; the response model's estimation, Kim & Kim 2007) and with the design of its
/// change from wave 1 (``change(toWave:wave1:strata:bootstrap:leverage:)``, by linearization or the bootstrap of the whole
/// chain). ``laterWaveMargins`` and ``combinedWaveCalibrator`` let the later waves' second phase and the combined
/// waves use other margins than wave 1's.
///
/// ```swift
/// var weighting = try PanelWeighting(waves: [wave1, wave2, wave3], idColumn: "code_commune",
///                                    calibrator: Calibrator(margins: margins, method: .raking),
///                                    covariates: ["region", "taille"])
/// weighting.newcomers = .combine(.effectiveSize)   // wave-2/3 respondents without a wave-1 answer
/// weighting.longitudinalWaves = [1, 3]             // present at waves 1 and 3, whatever they did at wave 2
/// let result = try weighting.run(replicates: 200, seed: 1)
/// let wave3 = result.crossSectional[1].weights      // one weight per row of wave 3
/// let panelWeights = result.longitudinal.weights     // wave-1 rows present at waves 1 and 3
/// ```
public struct PanelWeighting: Sendable {
    /// The waves, linked by ``Panel/idColumn``.
    public let panel: Panel
    /// The wave-1 calibration (its margins are also those of every later wave's second phase, and those the
    /// combined waves are calibrated to).
    public var calibrator: Calibrator
    /// The wave-1 base weight column (all 1 when `nil`).
    public var wave1Weight: String?
    /// Covariates of the response model (columns of wave 1, or of the first longitudinal wave when it is not 1).
    public var covariates: [String]
    /// Inverse propensity or propensity classes.
    public var adjustment: NonresponseAdjustment
    /// Cap on the adjustment factors (`nil`: none).
    public var maxFactor: Double?
    /// Wave-1 variables whose wave-1 weighted totals the later waves reproduce.
    public var calibrateToWave1: [String]
    /// Respondents of later waves without a wave-1 record (default: combined, composite factor `n_P / n`).
    public var newcomers: NewcomerTreatment = .combine(.sampleSize)
    /// Population margins of the later waves' second-phase calibration, besides the wave-1 weighted totals of
    /// ``calibrateToWave1`` (`nil`: the wave-1 calibrator's margins). Empty margins calibrate the panel part to
    /// the wave-1 totals only, as the barometer demo does.
    public var laterWaveMargins: Margins?
    /// The calibration of a later wave as a whole when its newcomers are combined with the panel part
    /// (``NewcomerTreatment/combine(_:)``). `nil`: the wave-1 calibrator, applied only to a wave that has newcomers
    /// (the panel part already meets its margins). Given: every later wave is combined and calibrated with it,
    /// newcomers or not (e.g. margins of a frame variable that wave 1 was not calibrated on).
    public var combinedWaveCalibrator: Calibrator?
    /// Missing values of the response model's covariates (default: refused).
    public var missingCovariates: MissingCovariatePolicy = .fail
    /// The waves (1-based) whose respondents the longitudinal weights cover, e.g. `[1, 3]` or `[2, 3]`;
    /// `nil`: every wave.
    public var longitudinalWaves: [Int]?

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

    /// The population margins of the later waves' second phase: ``laterWaveMargins``, or the wave-1 calibrator's.
    public var secondPhaseMargins: Margins { laterWaveMargins ?? calibrator.margins }

    /// The wave-1 respondents present at a later wave `k` (whatever they did in between) with their wave-1 weights
    /// adjusted for attrition: the panel part of wave `k`, the second phase of a two-phase design whose first
    /// phase is the calibrated wave 1 (Särndal, Swensson & Wretman 1992, ch. 9).
    ///
    /// The weights are `w_i = w1_i · f_i · g_i`: `w1` the wave-1 calibrated weight, `f_i = 1/p̂_i` or the
    /// propensity class's inverse weighted staying rate (``NonresponseAdjustment``), `g_i` the second-phase
    /// calibration's ratio to ``secondPhaseMargins`` and to the wave-1 weighted totals of ``calibrateToWave1``.
    public struct PanelPart: Sendable {
        /// The wave (2, 3, ...).
        public var wave: Int
        /// Rows in wave 1 of the wave-1 respondents present at ``wave``, increasing.
        public var wave1Rows: [Int]
        /// Their rows in the wave's table (same order).
        public var rows: [Int]
        /// Their adjusted, calibrated weights (same order).
        public var weights: [Double]
        /// The adjustment that made them (response model, factors, second-phase calibration), replayed by
        /// ``AttritionBootstrap`` in each replicate.
        public var adjustment: AttritionAdjustment
        /// Its second-phase calibration (base weights `w1 · f`, final weights ``weights``).
        public var calibration: CalibrationResult
        /// The adjustment's report.
        public var report: AttritionReport
    }

    /// Weights of one later wave.
    public struct WaveWeights: Sendable {
        /// The wave (2, 3, ...).
        public var wave: Int
        /// One weight per row of the wave's table: the adjusted weight of a wave-1 respondent; for a row without
        /// a wave-1 record, its combined weight (``NewcomerTreatment/combine(_:)``) or 0
        /// (``NewcomerTreatment/exclude``).
        public var weights: [Double]
        /// 1 for the rows of wave-1 respondents, 0 for the others.
        public var inPanel: [Double]
        /// The panel part: the wave-1 respondents present at the wave, adjusted for attrition (their weights
        /// before any combination with the newcomers).
        public var panelPart: PanelPart
        /// The attrition adjustment's report.
        public var report: AttritionReport
        /// How the newcomers were combined with the panel part; `nil` when they are excluded, or when the wave
        /// has none and no ``PanelWeighting/combinedWaveCalibrator`` is given.
        public var newcomers: CrossSectionalCombination.Report?
    }

    /// Longitudinal weights: respondents present in every wave of a set.
    public struct LongitudinalWeights: Sendable {
        /// The waves they are present in (1-based, increasing).
        public var waves: [Int]
        /// The wave whose rows ``rows`` are (the first of ``waves``).
        public var baseWave: Int { waves[0] }
        /// Their rows in the base wave.
        public var rows: [Int]
        /// Their weights (same order).
        public var weights: [Double]
        /// The adjustment that made them (replicated by ``PanelWeighting/replicates(of:wave1:count:seed:)``
        /// when the base wave is 1).
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
        /// One sentence per response-model covariate whose missing values were dealt with
        /// (``missingCovariates``).
        public var covariateNotes: [String]
        /// Cross-sectional weights of waves 2, 3, ... (in order).
        public var crossSectional: [WaveWeights]
        /// Longitudinal weights of those present in every wave of ``PanelWeighting/longitudinalWaves``.
        public var longitudinal: LongitudinalWeights
        /// Bootstrap replicates of the whole chain, when asked for.
        public var replicates: AttritionBootstrap.Result?
    }

    /// Calibrates wave 1 to the margins.
    public func calibrateWave1() throws -> CalibrationResult {
        try calibrator.calibrate(waves[0], weightColumn: wave1Weight)
    }

    /// The wave-1 covariates of the response model with their missing values dealt with under
    /// ``missingCovariates`` (imputed means weighted by the wave-1 weights `wave1`).
    public func responseModelCovariates(wave1: CalibrationResult) throws -> ResponseModelCovariates {
        try ResponseModelCovariates(table: waves[0], covariates: covariates, weights: wave1.weights, policy: missingCovariates)
    }

    /// The attrition adjustment of the wave-1 records flagged `retained`, for wave `k`, on the covariates as
    /// given (no missing value allowed).
    public func adjustment(retained: [Bool], wave k: Int) -> AttritionAdjustment {
        adjustment(retained: retained, wave: k, model: ResponseModelCovariates.unchanged(waves[0], covariates: covariates))
    }

    func adjustment(retained: [Bool], wave k: Int, model: ResponseModelCovariates) -> AttritionAdjustment {
        AttritionAdjustment(wave1: model.table, retained: retained, covariates: model.covariates, adjustment: adjustment,
                            maxFactor: maxFactor, margins: secondPhaseMargins, calibrateToWave1: calibrateToWave1,
                            method: calibrator.method, wave: k)
    }

    /// Cross-sectional weights of wave `k` (≥ 2): the wave-1 respondents present at wave `k`, whatever they did
    /// in between, adjusted from their wave-1 weights `wave1`; the wave's newcomers treated as ``newcomers`` says.
    ///
    /// - Throws: ``PanelError/newcomersWithoutCalibrationVariable(wave:newcomers:variable:)`` when newcomers are
    ///   to be combined and the wave lacks a calibration variable; the adjustment's and calibration's errors.
    public func crossSectional(wave k: Int, wave1: CalibrationResult) throws -> WaveWeights {
        try crossSectional(wave: k, wave1: wave1, model: try responseModelCovariates(wave1: wave1))
    }

    /// The panel part of wave `k` (≥ 2): the wave-1 respondents present at wave `k`, whatever they did in
    /// between, their wave-1 weights `wave1` adjusted for attrition and calibrated (``AttritionAdjustment``).
    ///
    /// - Throws: the adjustment's and the calibration's errors (``AttritionError``, ``LogisticError``,
    ///   ``CalibrationError``).
    public func panelPart(wave k: Int, wave1: CalibrationResult) throws -> PanelPart {
        try panelPart(wave: k, wave1: wave1, model: try responseModelCovariates(wave1: wave1))
    }

    func panelPart(wave k: Int, wave1: CalibrationResult, model: ResponseModelCovariates) throws -> PanelPart {
        precondition(k >= 2 && k <= waves.count, "a later wave of the panel")
        let present = panel.rowInWave.map { $0[k - 1] != nil }
        let adjustment = adjustment(retained: present, wave: k, model: model)
        let (w, rows, report, calibration) = try adjustment.run(wave1Weights: wave1.weights)
        return PanelPart(wave: k, wave1Rows: rows, rows: rows.map { panel.rowInWave[$0][k - 1]! }, weights: w,
                         adjustment: adjustment, calibration: calibration, report: report)
    }

    func crossSectional(wave k: Int, wave1: CalibrationResult, model: ResponseModelCovariates) throws -> WaveWeights {
        let part = try panelPart(wave: k, wave1: wave1, model: model)
        var weights = [Double](repeating: 0, count: waves[k - 1].rowCount)
        var inPanel = weights
        for (row, w) in zip(part.rows, part.weights) {
            weights[row] = w
            inPanel[row] = 1
        }
        var combined: CrossSectionalCombination.Report?
        if case .combine(let composite) = newcomers, inPanel.contains(0) || combinedWaveCalibrator != nil {
            let whole = combinedWaveCalibrator ?? calibrator
            if let absent = whole.margins.variables.first(where: { !waves[k - 1].has($0) }) {
                throw PanelError.newcomersWithoutCalibrationVariable(wave: k, newcomers: inPanel.filter { $0 == 0 }.count, variable: absent)
            }
            let combination = CrossSectionalCombination(
                wave: waves[k - 1], panelWeights: inPanel.indices.map { inPanel[$0] == 1 ? weights[$0] : nil },
                composite: composite, calibrator: whole)
            let (c, summary) = try combination.run()
            weights = c
            combined = summary
        }
        return WaveWeights(wave: k, weights: weights, inPanel: inPanel, panelPart: part, report: part.report, newcomers: combined)
    }

    /// Longitudinal weights through wave `k` (default: the last): the wave-1 respondents present in every wave
    /// from 1 to `k`.
    public func longitudinal(through k: Int? = nil, wave1: CalibrationResult) throws -> LongitudinalWeights {
        let k = k ?? waves.count
        return try longitudinal(waves: Array(1...k), wave1: wave1, model: try responseModelCovariates(wave1: wave1), crossSectional: [])
    }

    /// Longitudinal weights of the respondents present in every wave of `set` (1-based).
    ///
    /// With wave 1 in the set, the wave-1 respondents present in the other waves of the set are adjusted from
    /// their wave-1 weights. Otherwise the cohort is the first chosen wave m's respondents with their
    /// cross-sectional weights `crossSectional` (from ``crossSectional(wave:wave1:)``, wave 2 first), adjusted
    /// for absence from the other chosen waves (``LongitudinalFromLaterWave``, covariates read from wave m).
    ///
    /// - Throws: ``PanelError/invalidLongitudinalWaves(_:waveCount:)`` for a set that is not two distinct
    ///   existing waves; the adjustment's and calibration's errors.
    public func longitudinal(waves set: [Int], wave1: CalibrationResult, crossSectional: [WaveWeights] = []) throws -> LongitudinalWeights {
        try longitudinal(waves: set, wave1: wave1, model: try responseModelCovariates(wave1: wave1), crossSectional: crossSectional)
    }

    func longitudinal(waves set: [Int], wave1: CalibrationResult, model: ResponseModelCovariates,
                      crossSectional: [WaveWeights]) throws -> LongitudinalWeights {
        let set = try Self.checked(set, waveCount: waves.count)
        if set[0] == 1 {
            let through = panel.rowInWave.map { rows in set.allSatisfy { rows[$0 - 1] != nil } }
            let adj = adjustment(retained: through, wave: set.last!, model: model)
            let (w, rows, report, calibration) = try adj.run(wave1Weights: wave1.weights)
            return LongitudinalWeights(waves: set, rows: rows, weights: w, adjustment: adj, report: report, calibration: calibration)
        }
        guard let base = crossSectional.first(where: { $0.wave == set[0] }) else {
            preconditionFailure("the cross-sectional weights of wave \(set[0]) are needed for longitudinal weights from that wave")
        }
        let (adj, w, rows, report, calibration) = try LongitudinalFromLaterWave(
            panel: panel, waves: set, covariates: covariates, adjustment: adjustment, maxFactor: maxFactor,
            margins: secondPhaseMargins, method: calibrator.method, policy: missingCovariates)
            .adjusted(baseWeights: base.weights)
        return LongitudinalWeights(waves: set, rows: rows, weights: w, adjustment: adj, report: report, calibration: calibration)
    }

    /// The set sorted, without repeats, checked against the number of waves.
    static func checked(_ set: [Int], waveCount: Int) throws -> [Int] {
        let sorted = Array(Set(set)).sorted()
        guard sorted.count >= 2, sorted.first! >= 1, sorted.last! <= waveCount else {
            throw PanelError.invalidLongitudinalWaves(set, waveCount: waveCount)
        }
        return sorted
    }

    /// Bootstrap replicates of the wave-1 calibration and of the longitudinal adjustment, each replicate
    /// re-calibrated and re-adjusted (``AttritionBootstrap``).
    ///
    /// - Throws: ``PanelError/replicatesNeedWaveOne(longitudinalWaves:)`` when the longitudinal weights do not
    ///   start at wave 1; ``AttritionReplicateFailure`` when too few replicates can be calibrated.
    public func replicates(of longitudinal: LongitudinalWeights, wave1: CalibrationResult, count: Int,
                           seed: UInt64) throws -> AttritionBootstrap.Result {
        guard longitudinal.baseWave == 1 else { throw PanelError.replicatesNeedWaveOne(longitudinalWaves: longitudinal.waves) }
        return try AttritionBootstrap(replicates: count, seed: seed).run(calibrator: calibrator, wave1: wave1,
                                                                         adjustments: [longitudinal.adjustment])
    }

    /// Wave 1 calibrated, every later wave's cross-sectional weights, the longitudinal weights of
    /// ``longitudinalWaves`` and, with `replicates ≥ 2`, their bootstrap replicates.
    public func run(replicates: Int = 0, seed: UInt64 = 1) throws -> Result {
        let set = try Self.checked(longitudinalWaves ?? Array(1...waves.count), waveCount: waves.count)
        if replicates >= 2, set[0] != 1 { throw PanelError.replicatesNeedWaveOne(longitudinalWaves: set) }
        let first = try calibrateWave1()
        let model = try responseModelCovariates(wave1: first)
        let cross = try (2...waves.count).map { try crossSectional(wave: $0, wave1: first, model: model) }
        let long = try longitudinal(waves: set, wave1: first, model: model, crossSectional: cross)
        let reps = replicates >= 2 ? try self.replicates(of: long, wave1: first, count: replicates, seed: seed) : nil
        return Result(wave1: first, covariateNotes: model.notes, crossSectional: cross, longitudinal: long, replicates: reps)
    }
}
