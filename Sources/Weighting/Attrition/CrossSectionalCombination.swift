import Foundation

/// How much of the population each part of a wave stands for when panel members and newcomers are combined.
public enum CompositeFactor: Sendable, Equatable {
    /// `λ = n_P / (n_P + n_N)`: each respondent counts alike (Kish 1999, "cumulating cases").
    case sampleSize
    /// `λ = n*_P / (n*_P + n*_N)` with Kish's effective sizes `(Σw)²/Σw²`: the part whose weights vary more
    /// counts less (O'Muircheartaigh & Pedlow 2002), close to the variance-minimising factor when the parts
    /// estimate the same quantity with variances proportional to `1/n*`.
    case effectiveSize
    /// A fixed `λ` in (0, 1).
    case fixed(Double)
}

/// Cross-sectional weights for every respondent of a later wave, whether or not they answered wave 1.
///
/// The wave holds two samples of the same population: the panel part P (respondents with a wave-1 record,
/// whatever waves they skipped since, weighted by the attrition adjustment of their wave-1 weights) and the
/// newcomers N (no wave-1 record), whose base weights `b_i` (1 by default) are scaled to the population size
/// `N̂`: `d_i = b_i N̂ / Σ_N b`. Each part alone estimates the population; they are combined with a composite
/// factor λ (`λ w_i` in P, `(1 − λ) d_i` in N: Hartley 1962 for overlapping frames, Kish 1999 and
/// O'Muircheartaigh & Pedlow 2002 for combining samples), and the combined weights are calibrated to the
/// population margins (Deville & Särndal 1992) on the wave's own calibration variables, so the wave meets the
/// margins and every respondent has a weight (positive with raking and logit). Newcomers are self-selected:
/// calibration corrects their composition on the margins' variables only, as it does for the first wave.
public struct CrossSectionalCombination: Sendable {
    /// The wave's respondents with the calibration variables (one row per respondent).
    public var wave: Table
    /// The attrition-adjusted weight of each row of the panel part, `nil` for newcomers.
    public var panelWeights: [Double?]
    /// Base weights of the newcomers (indexed like the rows; ignored for panel rows); `nil`: all 1.
    public var newcomerBaseWeights: [Double]?
    /// The composite factor.
    public var composite: CompositeFactor
    /// Calibrates the combined weights.
    public var calibrator: Calibrator

    /// Creates the combination.
    public init(wave: Table, panelWeights: [Double?], newcomerBaseWeights: [Double]? = nil, composite: CompositeFactor = .sampleSize,
                calibrator: Calibrator) {
        self.wave = wave
        self.panelWeights = panelWeights
        self.newcomerBaseWeights = newcomerBaseWeights
        self.composite = composite
        self.calibrator = calibrator
    }

    /// What the combination did.
    public struct Report: Sendable, Equatable, Codable {
        /// Respondents of the panel part and newcomers.
        public var panel: Int, newcomers: Int
        /// The composite factor λ given to the panel part.
        public var lambda: Double
        /// Kish effective sizes of the two parts before combining.
        public var panelEffectiveSize: Double, newcomerEffectiveSize: Double
        /// The calibration of the combined weights.
        public var calibration: CalibrationReport
    }

    /// The combined, calibrated weights (one per row of ``wave``) and the report.
    public func run() throws -> (weights: [Double], report: Report) {
        let n = wave.rowCount
        precondition(panelWeights.count == n)
        let panelRows = (0..<n).filter { panelWeights[$0] != nil }
        let newRows = (0..<n).filter { panelWeights[$0] == nil }
        let population = calibrator.margins.populationSize ?? panelRows.reduce(0) { $0 + panelWeights[$1]! }
        let b = newcomerBaseWeights ?? [Double](repeating: 1, count: n)
        let bSum = newRows.reduce(0) { $0 + b[$1] }
        let pw = panelRows.map { panelWeights[$0]! }
        let nw = newRows.map { b[$0] * population / bSum }
        let neffP = panelRows.isEmpty ? 0 : KishDiagnostics(weights: pw).effectiveSampleSize
        let neffN = newRows.isEmpty ? 0 : KishDiagnostics(weights: nw).effectiveSampleSize
        let lambda: Double
        if newRows.isEmpty { lambda = 1 } else if panelRows.isEmpty { lambda = 0 } else {
            switch composite {
            case .sampleSize: lambda = Double(panelRows.count) / Double(n)
            case .effectiveSize: lambda = neffP / (neffP + neffN)
            case .fixed(let l):
                guard l > 0 && l < 1 else { throw CalibrationError.invalidOption("the composite factor must be between 0 and 1, got \(l)") }
                lambda = l
            }
        }
        var d = [Double](repeating: 0, count: n)
        for (k, i) in panelRows.enumerated() { d[i] = lambda * pw[k] }
        for (k, i) in newRows.enumerated() { d[i] = (1 - lambda) * nw[k] }
        let result = try calibrator.calibrate(wave, baseWeights: d)
        return (result.weights, Report(panel: panelRows.count, newcomers: newRows.count, lambda: lambda,
                                       panelEffectiveSize: neffP, newcomerEffectiveSize: neffN, calibration: result.report))
    }
}
