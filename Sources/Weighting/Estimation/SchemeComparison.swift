import Foundation

/// One candidate weighting: margins, method (with its bounds), options (trimming, costs) and an optional cap.
public struct WeightingScheme: Sendable {
    /// The name shown in the table and chart.
    public var name: String
    /// The calibrator (margins, method, options).
    public var calibrator: Calibrator
    /// A cap relative to the mean or median weight.
    public var cap: RelativeCap?

    /// Creates a scheme.
    public init(name: String, calibrator: Calibrator, cap: RelativeCap? = nil) {
        self.name = name
        self.calibrator = calibrator
        self.cap = cap
    }
}

/// Balance of one covariate not used as a margin: the absolute standardized mean difference between the
/// weighted sample and the population, `|x̄_w − x̄_N| / s_N` for a numeric covariate and the largest
/// `|p_w − p_N| / √(p_N(1 − p_N))` over the levels of a categorical one (Austin 2009; 0.1 is the usual
/// threshold of good balance).
public struct CovariateBalance: Sendable, Equatable {
    /// The covariate.
    public var variable: String
    /// Its ASMD.
    public var asmd: Double
}

/// What a scheme gives on the data: feasibility, iterations, range of `w/d`, Kish design effect and effective
/// n, the shift of the indicators (raw → weighted, with calibration-aware intervals) and the balance.
public struct SchemeOutcome: Sendable {
    /// The scheme's name.
    public var name: String
    /// The method as written (`logit [0.5, 2]`).
    public var method: String
    /// Why the calibration failed, when it did.
    public var failure: String?
    /// Iterations of the calibration.
    public var iterations: Int = 0
    /// Smallest and largest `w/d`.
    public var ratioRange: ClosedRange<Double>?
    /// Kish design effect `1 + cv²(w)` and effective sample size (Kish 1965).
    public var kish: KishDiagnostics?
    /// Raw against weighted estimates of the indicators, with linearization intervals that account for the
    /// calibration (residuals on the auxiliaries).
    public var indicators: [ComparisonRow] = []
    /// Balance of the covariates not used as margins.
    public var balance: [CovariateBalance] = []

    /// Whether the calibration succeeded.
    public var feasible: Bool { failure == nil }
    /// The largest absolute shift of an indicator (points for proportions).
    public var largestShift: Double { indicators.map { abs($0.shift) }.max() ?? 0 }
    /// The largest ASMD over the covariates, `nil` without covariates.
    public var largestASMD: Double? { balance.map(\.asmd).max() }
}

/// Runs candidate weighting schemes on the same sample and recommends one by a stated rule.
public enum SchemeComparison {
    /// ASMD below which a covariate counts as balanced.
    public static let balanceThreshold = 0.1

    /// Calibrates with each scheme and measures it.
    ///
    /// - Parameters:
    ///   - table: the sample.
    ///   - d: the design weights.
    ///   - schemes: the candidate schemes, in the order of the report.
    ///   - indicators: variables whose raw and weighted means or proportions are compared.
    ///   - population: records of the population (e.g. the sampling frame) for the balance of `covariates`;
    ///     the covariates must be columns of both tables.
    ///   - covariates: variables whose balance against `population` is measured (ASMD).
    public static func run(table: Table, baseWeights d: [Double], schemes: [WeightingScheme], indicators: [String],
                           covariates: [String] = [], population: Table? = nil) throws -> [SchemeOutcome] {
        let references = try population.map { p in try covariates.map { try CovariateReference(variable: $0, population: p) } } ?? []
        return try schemes.map { scheme in
            let m = scheme.calibrator.method
            var out = SchemeOutcome(name: scheme.name, method: m.bounds.map { "\(m.name) [\(String(format: "%.4g", $0.lower)), \(String(format: "%.4g", $0.upper))]" } ?? m.name)
            let result: CalibrationResult
            do {
                if let cap = scheme.cap {
                    result = try scheme.calibrator.calibrate(table, baseWeights: d, cap: cap).result
                } else {
                    result = try scheme.calibrator.calibrate(table, baseWeights: d)
                }
            } catch let e as CalibrationError {
                out.failure = e.description
                return out
            } catch let e as BoundAdvisorError {
                out.failure = e.description
                return out
            }
            out.iterations = result.report.iterations
            let g = result.ratios.filter(\.isFinite)
            out.ratioRange = (g.min() ?? .nan)...(g.max() ?? .nan)
            out.kish = KishDiagnostics(weights: result.weights)
            let design = try SurveyDesign(weights: d).calibrated(result)
            out.indicators = try Comparison.compare(table: table, weighted: design, variables: indicators)
            out.balance = try references.map { CovariateBalance(variable: $0.variable, asmd: try $0.asmd(table: table, weights: result.weights)) }
            return out
        }
    }

    /// The recommended scheme and the rule that chose it.
    ///
    /// Rule: among the schemes that converged, those whose largest ASMD is at most ``balanceThreshold`` (all
    /// of them when no covariate is measured), the one with the smallest Kish design effect; when none is
    /// balanced, the one with the smallest largest ASMD.
    public static func recommend(_ outcomes: [SchemeOutcome]) -> (index: Int?, rule: String) {
        let feasible = outcomes.indices.filter { outcomes[$0].feasible }
        guard !feasible.isEmpty else { return (nil, "no scheme converged: nothing to recommend") }
        let measured = feasible.contains { outcomes[$0].largestASMD != nil }
        func deff(_ i: Int) -> Double { outcomes[i].kish?.designEffect ?? .infinity }
        if !measured {
            let best = feasible.min { deff($0) < deff($1) }!
            return (best, "the converged scheme with the smallest Kish design effect (no balance covariate was given, so bias is not judged: check the indicator shifts)")
        }
        let balanced = feasible.filter { (outcomes[$0].largestASMD ?? .infinity) <= balanceThreshold }
        if let best = balanced.min(by: { deff($0) < deff($1) }) {
            return (best, "among the converged schemes with every covariate balanced (ASMD ≤ \(balanceThreshold)), the one with the smallest Kish design effect")
        }
        let best = feasible.min { (outcomes[$0].largestASMD ?? .infinity) < (outcomes[$1].largestASMD ?? .infinity) }!
        return (best, "no converged scheme balances every covariate (ASMD ≤ \(balanceThreshold)): the one with the smallest largest ASMD")
    }
}

/// Population means (and standard deviations) of a covariate, for ``CovariateBalance``.
struct CovariateReference {
    let variable: String
    /// Numeric: mean and SD; categorical: the level shares.
    let mean: Double, sd: Double
    let shares: [String: Double]?

    init(variable: String, population p: Table) throws {
        self.variable = variable
        if let x = try? p.numeric(variable).values.filter({ !$0.isNaN }), !x.isEmpty {
            let m = x.reduce(0, +) / Double(x.count)
            mean = m
            sd = (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(1, x.count - 1))).squareRoot()
            shares = nil
        } else {
            let c = try p.categorical(variable)
            var counts = [Double](repeating: 0, count: c.levels.count), total = 0.0
            for code in c.codes where code != CategoricalColumn.missing { counts[Int(code)] += 1; total += 1 }
            shares = Dictionary(uniqueKeysWithValues: zip(c.levels, counts.map { $0 / max(1, total) }))
            mean = 0; sd = 0
        }
    }

    func asmd(table: Table, weights w: [Double]) throws -> Double {
        if let shares {
            let c = try table.categorical(variable)
            var sums = [String: Double](), total = 0.0
            for (i, code) in c.codes.enumerated() where code != CategoricalColumn.missing {
                sums[c.levels[Int(code)], default: 0] += w[i]; total += w[i]
            }
            var worst = 0.0
            for (level, p) in shares where p > 0 && p < 1 {
                worst = max(worst, abs((sums[level] ?? 0) / total - p) / (p * (1 - p)).squareRoot())
            }
            return worst
        }
        let x = try table.numeric(variable).values
        var sw = 0.0, sx = 0.0
        for i in x.indices where !x[i].isNaN { sw += w[i]; sx += w[i] * x[i] }
        return sd > 0 ? abs(sx / sw - mean) / sd : 0
    }
}
