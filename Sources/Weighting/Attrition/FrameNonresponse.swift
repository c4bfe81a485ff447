import Foundation

/// Balance of one frame covariate between the whole frame and the respondents, before and after weighting.
public struct FrameBalance: Sendable, Equatable, Codable {
    /// `variable` (numeric) or `variable=level` (categorical).
    public var covariate: String
    /// Whether the variable is in the response model.
    public var inModel: Bool
    /// Whether the variable is a calibration margin.
    public var inMargins: Bool
    /// Absolute standardized mean difference `|x̄_resp − x̄_frame| / s_frame`, respondents unweighted (before) and
    /// with their final weights (after); `s_frame` the frame's standard deviation (Austin 2009).
    public var asmdBefore: Double, asmdAfter: Double
    /// Kolmogorov–Smirnov distance `sup_x |F_resp(x) − F_frame(x)|` of a numeric covariate, before and after (nil for
    /// a level of a categorical one).
    public var ksBefore: Double?, ksAfter: Double?
}

/// Nonresponse of a survey against the full frame of units it was addressed to: a logistic response model among all
/// frame units on frame covariates (e.g. type, region, size, log population), an inverse-propensity or
/// propensity-class adjustment of the respondents (capped), then calibration to the population margins
/// (Särndal & Lundström 2005, ch. 9–10; Little 1986; Haziza & Beaumont 2017). The frame units' design weights
/// are 1 (everyone was invited). Balance is reported on frame covariates, including those used neither in the model
/// nor in the margins.
public struct FrameNonresponse: Sendable {
    /// The frame: one row per unit, with the covariates, the margin variables and the balance covariates.
    public var frame: Table
    /// Whether each frame unit responded.
    public var responded: [Bool]
    /// Covariates of the response model.
    public var covariates: [String]
    /// Adjustment.
    public var adjustment: NonresponseAdjustment
    /// Cap on the adjustment factors.
    public var maxFactor: Double?
    /// Population margins (variables of the frame).
    public var margins: Margins
    /// Calibration method.
    public var method: CalibrationMethod
    /// Covariates whose balance is reported (default: the model's and the margins').
    public var balanceCovariates: [String]
    /// Options of the calibration (iterations, tolerance, trimming, cell collapsing).
    public var calibrationOptions = CalibrationOptions()

    /// Creates the adjustment.
    public init(frame: Table, responded: [Bool], covariates: [String], adjustment: NonresponseAdjustment = .propensityClasses(5),
                maxFactor: Double? = nil, margins: Margins, method: CalibrationMethod = .raking, balanceCovariates: [String] = []) {
        self.frame = frame
        self.responded = responded
        self.covariates = covariates
        self.adjustment = adjustment
        self.maxFactor = maxFactor
        self.margins = margins
        self.method = method
        self.balanceCovariates = balanceCovariates
    }

    /// What the adjustment produced.
    public struct Result: Sendable {
        /// Frame rows of the respondents, increasing.
        public var rows: [Int]
        /// Weights after the adjustment only (frame weight 1 times the factor), per respondent.
        public var adjustedWeights: [Double]
        /// Final weights, per respondent.
        public var weights: [Double]
        /// Response model, factors and calibration (as for attrition; wave 1).
        public var report: AttritionReport
        /// Balance of every reported covariate: unweighted respondents, adjusted, and calibrated.
        public var balance: [FrameBalance]
    }

    /// Runs the model, the adjustment, the calibration and the balance diagnostics.
    public func run() throws -> Result {
        let n = frame.rowCount
        precondition(responded.count == n)
        var adj = AttritionAdjustment(wave1: frame, retained: responded, covariates: covariates, adjustment: adjustment,
                                      maxFactor: maxFactor, margins: margins, calibrateToWave1: [], method: method, wave: 1)
        adj.calibrationOptions = calibrationOptions
        let (weights, rows, report, calibration) = try adj.run(wave1Weights: [Double](repeating: 1, count: n))
        let marginVariables = Set(margins.categorical.flatMap(\.variables) + margins.numeric.map(\.variable))
        var names = balanceCovariates
        for v in covariates + marginVariables.sorted() where !names.contains(v) { names.append(v) }
        var balance: [FrameBalance] = []
        let ones = [Double](repeating: 1, count: rows.count)
        for v in names {
            if let numeric = try? frame.numeric(v) {
                let x = numeric.values
                let (m, sd) = Self.meanSD(x)
                guard sd > 0 else { continue }
                let xr = rows.map { x[$0] }
                balance.append(FrameBalance(covariate: v, inModel: covariates.contains(v), inMargins: marginVariables.contains(v),
                                            asmdBefore: abs(Self.mean(xr, ones) - m) / sd, asmdAfter: abs(Self.mean(xr, weights) - m) / sd,
                                            ksBefore: Self.kolmogorovSmirnov(frame: x, sample: xr, weights: ones),
                                            ksAfter: Self.kolmogorovSmirnov(frame: x, sample: xr, weights: weights)))
            } else {
                let c = try frame.categorical(v)
                for (l, level) in c.levels.enumerated() {
                    let x = c.codes.map { $0 == UInt32(l) ? 1.0 : 0.0 }
                    let p = x.reduce(0, +) / Double(n)
                    guard p > 0 && p < 1 else { continue }
                    let sd = (p * (1 - p)).squareRoot(), xr = rows.map { x[$0] }
                    balance.append(FrameBalance(covariate: "\(v)=\(level)", inModel: covariates.contains(v), inMargins: marginVariables.contains(v),
                                                asmdBefore: abs(Self.mean(xr, ones) - p) / sd, asmdAfter: abs(Self.mean(xr, weights) - p) / sd,
                                                ksBefore: nil, ksAfter: nil))
                }
            }
        }
        return Result(rows: rows, adjustedWeights: calibration.baseWeights, weights: weights, report: report, balance: balance)
    }

    static func mean(_ x: [Double], _ w: [Double]) -> Double {
        var s = 0.0, sw = 0.0
        for i in x.indices { s += w[i] * x[i]; sw += w[i] }
        return s / sw
    }

    static func meanSD(_ x: [Double]) -> (Double, Double) {
        let m = x.reduce(0, +) / Double(x.count)
        return (m, (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)).squareRoot())
    }

    /// `sup_x |F_w(x) − F_frame(x)|`: the largest gap between the weighted empirical distribution function of the
    /// sample and the frame's, evaluated after every distinct value.
    public static func kolmogorovSmirnov(frame: [Double], sample: [Double], weights: [Double]) -> Double {
        let f = frame.sorted()
        let order = sample.indices.sorted { sample[$0] < sample[$1] }
        let total = weights.reduce(0, +)
        var values = Array(Set(frame + sample)).sorted()
        if values.isEmpty { values = [0] }
        var i = 0, j = 0, cw = 0.0, d = 0.0
        for v in values {
            while i < f.count && f[i] <= v { i += 1 }
            while j < order.count && sample[order[j]] <= v { cw += weights[order[j]]; j += 1 }
            d = max(d, abs(cw / total - Double(i) / Double(f.count)))
        }
        return d
    }
}
