import Foundation

/// How the wave-1 weights of those who stayed are raised to stand for those who left.
public enum NonresponseAdjustment: Sendable, Equatable {
    /// `w_k = w_1 / p̂`, with `p̂` the fitted response propensity.
    case inversePropensity
    /// Weighting classes on quantiles of `p̂` (Little 1986; Eltinge & Yansaneh 1997): within class `c`,
    /// `w_k = w_1 · Σ_{c} w_1 / Σ_{c ∩ respondents} w_1`.
    case propensityClasses(Int)
}

/// Balance of one covariate between the full wave-1 sample and the wave-k respondents.
public struct BalanceDiagnostic: Sendable, Equatable, Codable {
    /// `variable` or `variable=level`.
    public var covariate: String
    /// Absolute standardized mean difference with wave-1 weights on the respondents (before adjustment).
    public var before: Double
    /// After adjustment (and calibration).
    public var after: Double
}

/// Everything the attrition adjustment did, for the report.
public struct AttritionReport: Sendable, Equatable, Codable {
    /// Wave the weights are for.
    public var wave: Int
    /// Wave-1 respondents and those still present.
    public var wave1Respondents: Int
    /// Respondents present in every wave up to `wave`.
    public var retained: Int
    /// The response model.
    public var model: LogisticFit
    /// Adjustment used (`inverse propensity` or `k propensity classes`).
    public var adjustment: String
    /// Adjustment factors `w_k / w_1` before calibration: summary.
    public var factors: WeightSummary
    /// Number of factors capped by `maxFactor`.
    public var cappedFactors: Int
    /// Balance of each covariate before and after.
    public var balance: [BalanceDiagnostic]
    /// The two-phase calibration.
    public var calibration: CalibrationReport
}

/// Attrition weighting for wave `k` of a panel: a response-propensity model on wave-1 covariates, an
/// inverse-propensity or propensity-class adjustment, optional capping of the factors, then a two-phase
/// calibration of the retained respondents to the population margins and to the wave-1 weighted totals of
/// chosen wave-1 answers (Särndal & Lundström 2005, ch. 8–10; Kalton & Flores-Cervantes 2003).
public struct AttritionAdjustment: Sendable {
    /// Wave-1 data (covariates, margins variables, wave-1 answers).
    public var wave1: Table
    /// Wave-1 records present in every wave from 1 to k.
    public var retained: [Bool]
    /// Covariates of the response model (wave-1 variables).
    public var covariates: [String]
    /// Adjustment method.
    public var adjustment: NonresponseAdjustment
    /// Largest allowed adjustment factor (nil: no cap).
    public var maxFactor: Double?
    /// Population margins.
    public var margins: Margins
    /// Wave-1 variables whose wave-1 weighted totals the respondents must reproduce.
    public var calibrateToWave1: [String]
    /// Calibration method of the second phase.
    public var method: CalibrationMethod
    /// The wave number (for the report).
    public var wave: Int
    /// Options of the second-phase calibration (iterations, tolerance, trimming, cell collapsing); zero base
    /// weights are always allowed (replicates leave records out).
    public var calibrationOptions = CalibrationOptions()

    /// Creates the adjustment.
    public init(wave1: Table, retained: [Bool], covariates: [String], adjustment: NonresponseAdjustment = .propensityClasses(5),
                maxFactor: Double? = nil, margins: Margins, calibrateToWave1: [String] = [], method: CalibrationMethod = .raking,
                wave: Int) {
        self.wave1 = wave1
        self.retained = retained
        self.covariates = covariates
        self.adjustment = adjustment
        self.maxFactor = maxFactor
        self.margins = margins
        self.calibrateToWave1 = calibrateToWave1
        self.method = method
        self.wave = wave
    }

    /// Weights of the retained respondents (in wave-1 row order of those retained) and the report.
    public func run(wave1Weights w1: [Double]) throws -> (weights: [Double], rows: [Int], report: AttritionReport, calibration: CalibrationResult) {
        let n = wave1.rowCount
        precondition(w1.count == n && retained.count == n)
        let rows = (0..<n).filter { retained[$0] }
        guard !rows.isEmpty else { throw AttritionError.nobodyStayed(wave: wave, wave1Respondents: n) }
        // Nobody left: the response model has nothing to separate (every level would "perfectly predict"
        // staying), so say what happened instead of reporting separation.
        guard rows.count < n else { throw AttritionError.nobodyLeft(wave: wave, wave1Respondents: n) }
        let mm = try ModelMatrix(table: wave1, covariates: covariates)
        let y = retained.map { $0 ? 1.0 : 0.0 }
        try checkSeparation()
        // Survey-weighted fit with the weights normalized to the sample size, so the model-based standard errors
        // in the report stay on the sample's scale (the coefficients do not depend on the normalization).
        let scale = Double(n) / w1.reduce(0, +)
        let fit = try LogisticRegression.fit(x: mm.x, terms: mm.terms, y: y, weights: w1.map { $0 * scale })
        var factor = [Double](repeating: 0, count: n)
        switch adjustment {
        case .inversePropensity:
            for i in rows { factor[i] = 1 / fit.fitted[i] }
        case .propensityClasses(let k):
            guard k >= 1 else { throw CalibrationError.invalidOption("the number of propensity classes must be at least 1") }
            let classes = AttritionAdjustment.quantileClasses(fit.fitted, count: k)
            var all = [Double](repeating: 0, count: k), kept = [Double](repeating: 0, count: k)
            for i in 0..<n { all[classes[i]] += w1[i]; if retained[i] { kept[classes[i]] += w1[i] } }
            for c in 0..<k where all[c] > 0 && kept[c] == 0 {
                throw CalibrationError.invalidOption("propensity class \(c + 1) of \(k) has no respondent at wave \(wave); use fewer classes")
            }
            for i in rows { factor[i] = all[classes[i]] / kept[classes[i]] }
        }
        var capped = 0
        if let cap = maxFactor {
            for i in rows where factor[i] > cap { factor[i] = cap; capped += 1 }
        }
        let adjusted = rows.map { w1[$0] * factor[$0] }
        // Phase two: population margins plus the wave-1 estimates of the chosen wave-1 answers.
        var allMargins = margins
        for v in calibrateToWave1 {
            if let numeric = try? wave1.numeric(v) {
                if numeric.missingCount > 0 { throw CalibrationError.missingValues(variable: v, count: numeric.missingCount, firstSeen: wave1.location(row: numeric.values.firstIndex { $0.isNaN }!, column: try wave1.index(of: v))) }
                allMargins.numeric.append(NumericTotal(v, total: zip(numeric.values, w1).reduce(0) { $0 + $1.0 * $1.1 }))
            } else {
                let c = try wave1.categorical(v)
                var totals = [Double](repeating: 0, count: c.levels.count)
                for i in 0..<n where c.codes[i] != CategoricalColumn.missing { totals[Int(c.codes[i])] += w1[i] }
                if c.missingCount > 0 {
                    throw CalibrationError.missingValues(variable: v, count: c.missingCount, firstSeen: wave1.location(row: c.codes.firstIndex(of: CategoricalColumn.missing)!, column: try wave1.index(of: v)))
                }
                allMargins.categorical.append(CategoricalMargin(checkedVariables: [v], levels: c.levels.map { [$0] }, targets: totals))
            }
        }
        let respondents = try wave1.subset(rows)
        var options = calibrationOptions
        options.allowsZeroBaseWeights = true  // replicates leave records out
        let result = try Calibrator(margins: allMargins, method: method, options: options).calibrate(respondents, baseWeights: adjusted)
        let balance = try balanceDiagnostics(w1: w1, rows: rows, final: result.weights)
        let report = AttritionReport(wave: wave, wave1Respondents: n, retained: rows.count, model: fit,
                                     adjustment: { if case .propensityClasses(let k) = adjustment { return "\(k) propensity classes" }; return "inverse propensity" }(),
                                     factors: WeightSummary(rows.map { factor[$0] }), cappedFactors: capped, balance: balance,
                                     calibration: result.report)
        return (result.weights, rows, report, result)
    }

    /// A level of a categorical covariate in which everyone stayed, or everyone left, makes the response model
    /// diverge (complete separation): named here before fitting.
    func checkSeparation() throws {
        for v in covariates {
            guard (try? wave1.numeric(v)) == nil else { continue }
            let c = try wave1.categorical(v)
            var total = [Int](repeating: 0, count: c.levels.count), stayed = total
            for i in 0..<c.count where c.codes[i] != CategoricalColumn.missing {
                total[Int(c.codes[i])] += 1
                if retained[i] { stayed[Int(c.codes[i])] += 1 }
            }
            for (l, level) in c.levels.enumerated() where total[l] > 0 && (stayed[l] == 0 || stayed[l] == total[l]) {
                throw LogisticError.separation("\(Echo.text(v))=\(Echo.text(level)) (all \(total[l]) record(s) \(stayed[l] == 0 ? "dropped out" : "stayed") at wave \(wave))")
            }
        }
    }

    /// Class (0..<count) of each value by quantiles: equal-count groups of the sorted values.
    static func quantileClasses(_ p: [Double], count k: Int) -> [Int] {
        let order = p.indices.sorted { p[$0] < p[$1] }
        var classes = [Int](repeating: 0, count: p.count)
        for (rank, i) in order.enumerated() { classes[i] = min(k - 1, rank * k / p.count) }
        return classes
    }

    /// Absolute standardized mean differences of the covariates: wave-1 sample (wave-1 weights) against the
    /// respondents, with wave-1 weights (before) and with the final weights (after). Numeric: `|m_k − m_1| / s_1`;
    /// categorical, per level: `|p_k − p_1| / √(p_1(1 − p_1))`.
    func balanceDiagnostics(w1: [Double], rows: [Int], final: [Double]) throws -> [BalanceDiagnostic] {
        var out: [BalanceDiagnostic] = []
        func mean(_ x: [Double], _ idx: [Int], _ w: [Double]) -> Double {
            var s = 0.0, sw = 0.0
            for (k, i) in idx.enumerated() { s += w[k] * x[i]; sw += w[k] }
            return s / sw
        }
        let all = Array(0..<wave1.rowCount)
        let w1Rows = rows.map { w1[$0] }
        for v in covariates {
            if let numeric = try? wave1.numeric(v) {
                let m1 = mean(numeric.values, all, w1)
                var ss = 0.0, sw = 0.0
                for i in all { ss += w1[i] * (numeric.values[i] - m1) * (numeric.values[i] - m1); sw += w1[i] }
                let sd = (ss / sw).squareRoot()
                guard sd > 0 else { continue }
                out.append(BalanceDiagnostic(covariate: v, before: abs(mean(numeric.values, rows, w1Rows) - m1) / sd,
                                             after: abs(mean(numeric.values, rows, final) - m1) / sd))
            } else {
                let c = try wave1.categorical(v)
                for (l, level) in c.levels.enumerated() {
                    let x = c.codes.map { $0 == UInt32(l) ? 1.0 : 0.0 }
                    let p1 = mean(x, all, w1)
                    guard p1 > 0 && p1 < 1 else { continue }
                    let sd = (p1 * (1 - p1)).squareRoot()
                    out.append(BalanceDiagnostic(covariate: "\(v)=\(level)", before: abs(mean(x, rows, w1Rows) - p1) / sd,
                                                 after: abs(mean(x, rows, final) - p1) / sd))
                }
            }
        }
        return out
    }
}

extension AttritionAdjustment {
    /// Replicate weights of the retained respondents that carry the whole adjustment: for each wave-1
    /// replicate, the response model is re-fitted, the classes re-formed, the factors recomputed and the
    /// second-phase calibration redone (in parallel). Replicates that cannot be adjusted are an error naming them.
    public func replicateWeights(_ wave1Replicates: ReplicateWeights) throws -> ReplicateWeights {
        let count = wave1Replicates.weights.count
        let box = ResultBox(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { r in
            do { box.set(r, .success(try run(wave1Weights: wave1Replicates.weights[r]).weights)) } catch { box.set(r, .failure(error)) }
        }
        var out = wave1Replicates
        for r in 0..<count {
            switch box.get(r) {
            case .success(let w): out.weights[r] = w
            case .failure(let e): throw DesignError.invalidReplicates("replicate \(r + 1) of \(count) cannot be adjusted: \(e)")
            }
        }
        return out
    }
}

/// Why a later wave cannot be adjusted for attrition.
public enum AttritionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every wave-1 respondent is present at this wave (the wave repeats wave 1): there is no attrition.
    case nobodyLeft(wave: Int, wave1Respondents: Int)
    /// No wave-1 respondent is present at this wave.
    case nobodyStayed(wave: Int, wave1Respondents: Int)
    /// A covariate of the response model has missing values among the wave-1 respondents.
    case missingCovariate(variable: String, count: Int, firstSeen: SourceLocation)

    /// The message shown to the user: what went wrong, where, and what to do about it.
    public var description: String {
        switch self {
        case .nobodyLeft(let w, let n):
            return "wave \(w): all \(n) wave-1 respondents are present (the wave holds the same respondents as wave 1): nobody left, so there is no attrition to model; check that the right file was given, or use the wave-1 weights for this wave"
        case .nobodyStayed(let w, let n):
            return "wave \(w): none of the \(n) wave-1 respondents is present; check the identifier column and that the files belong to the same panel"
        case .missingCovariate(let v, let n, let loc):
            return "covariate \(Echo.quoted(v)) of the response model is missing for \(n) wave-1 record(s), first at \(loc); impute or drop them, or leave the covariate out of the response model"
        }
    }
}
