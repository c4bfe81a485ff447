/// How standard errors are computed.
public enum VarianceMethod: Sendable {
    /// Taylor linearization with calibration residuals (``LinearizationVariance``).
    case linearization
    /// Replicate weights (jackknife, bootstrap, BRR), each already re-calibrated.
    case replicates(ReplicateWeights)
}

/// Weighted estimates (means, proportions, totals, ratios, quantiles), overall and by domain, each with a
/// design-based standard error, a confidence interval and a design effect.
///
/// Missing values of a variable are excluded for that variable only (as R's `na.rm = TRUE`: the records stay
/// in the design, with zero weight in the estimating function), and counted in ``Estimate/missing``.
/// Domain estimates use the whole design (Lumley 2010, §2.3): the influence values are zero outside the domain.
public struct SurveyEstimator: Sendable {
    /// The data.
    public let table: Table
    /// The design (weights, strata, clusters, fpc, calibration).
    public let design: SurveyDesign
    /// Linearization or replicate weights.
    public var variance: VarianceMethod
    /// Interval method for proportions (numeric variables always use Wald intervals).
    public var interval: IntervalMethod
    /// Confidence level, e.g. 0.95.
    public var level: Double
    /// Threads estimating several variables at once (the estimates do not depend on it); default: the
    /// processors online.
    public var threads: Int = ParallelWork.processors

    /// Creates an estimator.
    public init(table: Table, design: SurveyDesign, variance: VarianceMethod = .linearization,
                interval: IntervalMethod = .logit, level: Double = 0.95) {
        self.table = table
        self.design = design
        self.variance = variance
        self.interval = interval
        self.level = level
    }

    /// Estimates a statistic for each variable, overall (empty `by`) or for each domain of `by`.
    public func estimate(variables: [String], statistic: StatisticKind, by: [String] = []) throws -> [Estimate] {
        guard level > 0 && level < 1 else { throw EstimationError.invalidLevel(level) }
        let domains = try Domains(table: table, by: by)
        let rows = domains.rows()
        var out: [Estimate] = []
        let domainDF = DomainDegreesOfFreedom()
        if case .replicates(let reps) = variance, reps.isOnDemand, variables.count > 1 {
            // Replicates made on demand are built once for all variables.
            let pending = try variables.map { try estimateVariable($0, statistic: statistic, domains: domains, rows: rows, domainDF: domainDF) }
            for (p, se) in zip(pending, try standardErrors(pending)) { out += try p.finish(se) }
            return out
        }
        // A few variables at a time (one per worker): each one's per-record arrays are released before the next
        // one's are built; the results are taken in variable order, so the first error is the first variable's.
        let workers = min(variables.count, Self.workers(records: table.rowCount, threads: threads))
        let results = ParallelWork.map(variables.count, threads: workers) { k in
            Result {
                let p = try estimateVariable(variables[k], statistic: statistic, domains: domains, rows: rows, domainDF: domainDF)
                return try p.finish(try standardErrors(influence: p.influence, value: p.value))
            }
        }
        for result in results { out += try result.get() }
        return out
    }

    /// Workers estimating variables at once: `threads`, as long as their per-record arrays (about 48 bytes a
    /// record each: values, record lists, influence values) stay within 256 MiB together; else one.
    static func workers(records: Int, threads: Int) -> Int {
        max(1, min(threads, (256 << 20) / max(1, 48 * records)))
    }

    /// One variable's estimates waiting for their standard errors: the influence values and the estimator
    /// (for the replicates) of each, and the step that builds the estimates from the standard errors.
    struct PendingVariable {
        var influence: [SparseInfluence]
        var value: (_ weights: [Double], _ k: Int) -> Double
        var finish: (_ se: [Double]) throws -> [Estimate]
    }

    /// The standard errors of every variable's estimates. Replicates are visited once for all variables
    /// (a replicate made on demand is built once), each estimate computed with each replicate as before.
    func standardErrors(_ pending: [PendingVariable]) throws -> [[Double]] {
        guard case .replicates(let reps) = variance else {
            return try pending.map { try standardErrors(influence: $0.influence, value: $0.value) }
        }
        var owner: [(variable: Int, k: Int)] = []
        for (v, p) in pending.enumerated() { for k in p.influence.indices { owner.append((v, k)) } }
        let thetas = reps.replicateEstimates(count: owner.count) { w, j in pending[owner[j].variable].value(w, owner[j].k) }
        var out = pending.map { [Double](repeating: 0, count: $0.influence.count) }
        for (j, o) in owner.enumerated() {
            let full = pending[o.variable].value(design.weights, o.k)
            out[o.variable][o.k] = reps.variance(replicateEstimates: thetas[j], fullSample: full).squareRoot()
        }
        return out
    }

    // MARK: - One variable

    /// A quantity to estimate: values `y` (NaN = missing) within a domain.
    ///
    /// Only the domain's records are listed (no mask over all records), so memory is O(records) per variable
    /// however many domains there are.
    struct Target {
        var variable: String
        var level: String?
        var domain: String?
        var domainIndex: Int
        var y: [Double]
        /// The domain's records with a value, in increasing order (loops over a domain cost its size only).
        var rows: [Int]
        var n: Int
        var missing: Int
        /// Whether `rows` are all the domain's records (no value missing there).
        var wholeDomain: Bool
    }

    /// Degrees of freedom of each domain's whole set of records, computed once for all variables without a
    /// missing value there (the count of PSUs, a pass over the domain, is the same for each).
    final class DomainDegreesOfFreedom: @unchecked Sendable {
        private var known: [Int: Double] = [:]
        private let lock = NSLockLike()
        func value(domain: Int, _ compute: () -> Double) -> Double {
            if let v = lock.locked({ known[domain] }) { return v }
            let v = compute()
            lock.locked { known[domain] = v }
            return v
        }
    }

    func targets(_ variable: String, domains: Domains, rows domainRows: [[Int]], asProportions: inout Bool) throws -> [Target] {
        let j = try table.index(of: variable)
        _ = j
        // Numeric if every value parses; otherwise categorical (levels become proportions / counts).
        let numeric: NumericColumn? = try? table.numeric(variable)
        var out: [Target] = []
        let n = table.rowCount
        if let numeric {
            asProportions = false
            let missingCount = numeric.missingCount
            if missingCount == n { throw EstimationError.allMissing(variable: variable) }
            let hasMissing = missingCount > 0
            var counts = [Int](repeating: 0, count: domains.labels.count), missings = counts
            for i in 0..<n {
                if numeric.values[i].isNaN { missings[Int(domains.recordDomain[i])] += 1 } else { counts[Int(domains.recordDomain[i])] += 1 }
            }
            for (k, label) in domains.labels.enumerated() {
                var rows = domainRows[k]
                if hasMissing { rows = rows.filter { !numeric.values[$0].isNaN } }
                let count = counts[k], missing = missings[k]
                out.append(Target(variable: variable, level: nil, domain: label.isEmpty ? nil : label, domainIndex: k,
                                  y: numeric.values, rows: rows, n: count, missing: missing, wholeDomain: missing == 0))
            }
        } else {
            asProportions = true
            let c = try table.categorical(variable)
            if c.levels.isEmpty { throw EstimationError.allMissing(variable: variable) }
            let indicators = c.levels.indices.map { l in c.codes.map { $0 == UInt32(l) ? 1.0 : 0.0 } }
            let hasMissing = c.missingCount > 0
            var counts = [Int](repeating: 0, count: domains.labels.count), missings = counts
            for i in 0..<n {
                if c.codes[i] == CategoricalColumn.missing { missings[Int(domains.recordDomain[i])] += 1 } else { counts[Int(domains.recordDomain[i])] += 1 }
            }
            for (k, label) in domains.labels.enumerated() {
                var rows = domainRows[k]
                if hasMissing { rows = rows.filter { c.codes[$0] != CategoricalColumn.missing } }
                let count = counts[k], missing = missings[k]
                for (l, levelName) in c.levels.enumerated() {
                    let y = indicators[l]
                    out.append(Target(variable: variable, level: levelName, domain: label.isEmpty ? nil : label,
                                      domainIndex: k, y: y, rows: rows, n: count, missing: missing, wholeDomain: missing == 0))
                }
            }
        }
        return out
    }

    func estimateVariable(_ variable: String, statistic: StatisticKind, domains: Domains,
                          rows: [[Int]], domainDF: DomainDegreesOfFreedom = .init()) throws -> PendingVariable {
        var proportions = false
        var targets = try targets(variable, domains: domains, rows: rows, asProportions: &proportions)
        targets = targets.filter { $0.n > 0 || $0.missing > 0 }
        let w = design.weights
        switch statistic {
        case .mean, .total:
            let isTotal: Bool = { if case .total = statistic { return true }; return false }()
            var values: [Double] = [], influence: [SparseInfluence] = [], sizes: [Double] = [], weightedSums: [Double] = []
            var squares: [Double] = []
            // A numeric variable over several domains: every domain's sums in two passes over the records in
            // file order, instead of two scattered passes per domain.
            let passes = !proportions && domains.labels.count > 1 && !targets.isEmpty
                ? DomainPasses(weights: w, values: targets[0].y, recordDomain: domains.recordDomain,
                               domainCount: domains.labels.count, isTotal: isTotal)
                : nil
            for t in targets {
                let sw: Double, swy: Double, ss: Double, z: [Double]
                if let passes {
                    let d = t.domainIndex
                    (sw, swy, ss, z) = (passes.weightSums[d], passes.weightedValueSums[d], passes.squares[d], passes.influence[d])
                } else {
                    // Through buffer pointers (no bounds check per record); the same operations in the same order.
                    (sw, swy) = Self.weightedSums(w, t.y, t.rows)
                    let mean = sw > 0 ? swy / sw : .nan
                    // The influence values and the design effect's Σ w (y − ȳ)², in one pass over the domain.
                    var sum = 0.0
                    z = w.withUnsafeBufferPointer { w in
                        t.y.withUnsafeBufferPointer { y in
                            t.rows.map { i in
                                let wd = w[i] * (y[i] - mean)
                                sum += wd * (y[i] - mean)
                                return isTotal ? w[i] * y[i] : wd / sw
                            }
                        }
                    }
                    ss = sum
                }
                let mean = sw > 0 ? swy / sw : .nan
                values.append(isTotal ? swy : mean)
                sizes.append(sw)
                weightedSums.append(swy)
                squares.append(ss)
                influence.append(SparseInfluence(rows: t.rows, values: z))
            }
            let value: (_ weights: [Double], _ k: Int) -> Double = { weights, k in
                let t = targets[k]
                var sw = 0.0, swy = 0.0
                for i in t.rows { sw += weights[i]; swy += weights[i] * t.y[i] }
                return isTotal ? swy : swy / sw
            }
            return PendingVariable(influence: influence, value: value) { se in
                // The levels of a categorical variable share their domain's records: one count of degrees of freedom
                // per domain.
                var dfOfDomain: [Int: Double] = [:]
                return targets.indices.map { k in
                    let t = targets[k]
                    let statName = isTotal ? "total" : (proportions ? "proportion" : "mean")
                    let deff = designEffect(t, se: se[k], total: isTotal, populationSize: sizes[k], sums: (sizes[k], weightedSums[k]),
                                            squares: squares[k])
                    let df: Double
                    if proportions, let known = dfOfDomain[t.domainIndex] { df = known } else if t.wholeDomain {
                        df = domainDF.value(domain: t.domainIndex) { degreesOfFreedom(rows: t.rows) }
                    } else {
                        df = degreesOfFreedom(rows: t.rows)
                        dfOfDomain[t.domainIndex] = df
                    }
                    let (lo, hi, note, method) = interval(value: values[k], se: se[k], df: df, n: t.n,
                                                  proportion: proportions && !isTotal, total: isTotal, populationSize: sizes[k])
                    return Estimate(variable: t.variable, level: t.level, domain: t.domain, statistic: statName,
                                    estimate: values[k], se: se[k], ciLow: lo, ciHigh: hi, deff: deff, n: t.n,
                                    missing: t.missing, df: df, note: note, intervalMethod: method)
                }
            }
        case .ratio(let denominatorName):
            guard !proportions else { throw EstimationError.notNumeric(variable: variable, statistic: "ratio") }
            let den = try table.numeric(denominatorName).values
            var values: [Double] = [], influence: [SparseInfluence] = [], rowsOf: [[Int]] = []
            for t in targets {
                let rows = t.rows.filter { !den[$0].isNaN }
                var sy = 0.0, sx = 0.0
                for i in rows { sy += w[i] * t.y[i]; sx += w[i] * den[i] }
                if sx == 0 { throw EstimationError.zeroDenominator(variable: denominatorName, domain: t.domain) }
                let r = sy / sx
                values.append(r)
                rowsOf.append(rows)
                influence.append(SparseInfluence(rows: rows, values: rows.map { i in w[i] * (t.y[i] - r * den[i]) / sx }))
            }
            let value: (_ weights: [Double], _ k: Int) -> Double = { weights, k in
                var sy = 0.0, sx = 0.0
                for i in rowsOf[k] { sy += weights[i] * targets[k].y[i]; sx += weights[i] * den[i] }
                return sy / sx
            }
            return PendingVariable(influence: influence, value: value) { se in targets.indices.map { k in
                let t = targets[k]
                let n = rowsOf[k].count
                let df = degreesOfFreedom(rows: rowsOf[k])
                let (lo, hi, note, method) = interval(value: values[k], se: se[k], df: df, n: n, proportion: false, total: false,
                                              populationSize: 0)
                return Estimate(variable: "\(t.variable)/\(denominatorName)", level: nil, domain: t.domain,
                                statistic: "ratio", estimate: values[k], se: se[k], ciLow: lo, ciHigh: hi, deff: nil,
                                n: n, missing: t.missing + (t.n - n), df: df, note: note, intervalMethod: method)
            } }
        case .quantile(let probabilities):
            guard !proportions else { throw EstimationError.notNumeric(variable: variable, statistic: "quantile") }
            // Each quantile's interval needs its own pass over the replicates (Woodruff): no shared pass.
            var out: [Estimate] = []
            for t in targets where t.n > 0 {
                for p in probabilities {
                    out.append(try quantileEstimate(t, p: p))
                }
            }
            return PendingVariable(influence: [], value: { _, _ in .nan }) { _ in out }
        }
    }

    // MARK: - Variance

    /// Standard errors from influence values (linearization) or by recomputing with each replicate.
    func standardErrors(influence: [SparseInfluence], value: (_ weights: [Double], _ k: Int) -> Double) throws -> [Double] {
        switch variance {
        case .linearization:
            return try LinearizationVariance(design: design).variances(sparse: influence).map { $0.squareRoot() }
        case .replicates(let reps):
            let thetas = reps.replicateEstimates(count: influence.count, value)
            return (0..<influence.count).map { k in
                reps.variance(replicateEstimates: thetas[k], fullSample: value(design.weights, k)).squareRoot()
            }
        }
    }

    /// Degrees of freedom of a domain given by its records.
    func degreesOfFreedom(rows: [Int]) -> Double {
        switch variance {
        case .linearization: return Double(design.degreesOfFreedom(rows: rows))
        case .replicates(let reps): return Double(reps.degreesOfFreedom)
        }
    }

    /// Design effect against SRSWOR of the same size, as R survey (`deff = TRUE`).
    ///
    /// Mean: `V / (s² (N̂ − n)/(N̂ n))`; total: `V / (s² N̂² (N̂ − n)/(N̂ n))`, with
    /// `s² = n/(n−1) Σ w (y − ȳ)² / Σ w` over the domain. Undefined when `N̂ ≤ n` (weights not scaled to the
    /// population) or `s² = 0`.
    ///
    /// `sums` are `(Σ w, Σ w y)` over the domain when the caller has them, `squares` the sum `Σ w (y − ȳ)²` (the
    /// same sums in the same order).
    func designEffect(_ t: Target, se: Double, total: Bool, populationSize nHat: Double,
                      sums: (Double, Double)? = nil, squares: Double? = nil) -> Double? {
        let n = Double(t.n)
        guard t.n > 1, nHat > n else { return nil }
        let w = design.weights
        let (sw, swy) = sums ?? Self.weightedSums(w, t.y, t.rows)
        let mean = swy / sw
        var ss = 0.0
        if let squares { ss = squares } else {
            w.withUnsafeBufferPointer { w in
                t.y.withUnsafeBufferPointer { y in
                    for i in t.rows { ss += w[i] * (y[i] - mean) * (y[i] - mean) }
                }
            }
        }
        let s2 = ss / sw * n / (n - 1)
        guard s2 > 0 else { return nil }
        var vsrs = s2 * (nHat - n) / (nHat * n)
        if total { vsrs *= nHat * nHat }
        return se * se / vsrs
    }

    /// `(Σ w_i, Σ w_i y_i)` over `rows`, in their order.
    /// The sums a mean or a total needs in every domain of a partition of the records, computed in two passes
    /// over the records in file order: Σ w and Σ w y over the records with a value, then the influence values
    /// z = w (y − ȳ) / Σ w (a mean; z = w y for a total, Woodruff 1971) and the design effect's Σ w (y − ȳ)².
    ///
    /// Each domain's accumulators see its records in increasing order, as a pass over that domain's rows does,
    /// so every sum and value has the same bits as the per-domain computation.
    struct DomainPasses {
        /// Σ w of each domain's records with a value.
        var weightSums: [Double]
        /// Σ w y of each domain's records with a value.
        var weightedValueSums: [Double]
        /// Σ w (y − ȳ)² of each domain.
        var squares: [Double]
        /// The influence values of each domain's records with a value, in increasing record order.
        var influence: [[Double]]

        init(weights: [Double], values: [Double], recordDomain: [Int32], domainCount m: Int, isTotal: Bool) {
            var sw = [Double](repeating: 0, count: m), swy = sw, squares = sw
            var count = [Int](repeating: 0, count: m)
            // Each domain's influence values in a buffer of its own while the records are visited, then moved
            // into its array one domain at a time: memory holds the values once plus one domain's.
            var buffers: [UnsafeMutablePointer<Double>] = []
            weights.withUnsafeBufferPointer { w in
              values.withUnsafeBufferPointer { y in
                recordDomain.withUnsafeBufferPointer { domain in
                  sw.withUnsafeMutableBufferPointer { sw in
                    swy.withUnsafeMutableBufferPointer { swy in
                      count.withUnsafeMutableBufferPointer { count in
                        for i in 0..<w.count where !y[i].isNaN {
                            let d = Int(domain[i])
                            sw[d] += w[i]
                            swy[d] += w[i] * y[i]
                            count[d] &+= 1
                        }
                        buffers = (0..<m).map { UnsafeMutablePointer<Double>.allocate(capacity: max(1, count[$0])) }
                      }
                      let mean = (0..<m).map { sw[$0] > 0 ? swy[$0] / sw[$0] : .nan }
                      var cursor = [Int](repeating: 0, count: m)
                      squares.withUnsafeMutableBufferPointer { squares in
                          for i in 0..<w.count where !y[i].isNaN {
                              let d = Int(domain[i])
                              let wd = w[i] * (y[i] - mean[d])
                              squares[d] += wd * (y[i] - mean[d])
                              buffers[d][cursor[d]] = isTotal ? w[i] * y[i] : wd / sw[d]
                              cursor[d] &+= 1
                          }
                      }
                    }
                  }
                }
              }
            }
            weightSums = sw
            weightedValueSums = swy
            self.squares = squares
            influence = (0..<m).map { d in
                defer { buffers[d].deallocate() }
                return Array(UnsafeBufferPointer(start: buffers[d], count: count[d]))
            }
        }
    }

    static func weightedSums(_ w: [Double], _ y: [Double], _ rows: [Int]) -> (Double, Double) {
        var sw = 0.0, swy = 0.0
        w.withUnsafeBufferPointer { w in
            y.withUnsafeBufferPointer { y in
                rows.withUnsafeBufferPointer { rows in
                    for i in rows { sw += w[i]; swy += w[i] * y[i] }
                }
            }
        }
        return (sw, swy)
    }

    // MARK: - Intervals

    func interval(value: Double, se: Double, df: Double, n: Int, proportion: Bool, total: Bool,
                  populationSize: Double) -> (Double?, Double?, String?, String?) {
        guard df >= 1 else { return (nil, nil, "no interval: \(Int(df)) degrees of freedom", nil) }
        guard value.isFinite, se.isFinite else { return (nil, nil, "no interval", nil) }  // the undefined value is noted
        let alpha = 1 - level
        let t = StudentT(degreesOfFreedom: df).quantile(1 - alpha / 2)
        let method = proportion ? interval : .wald
        switch method {
        case .wald:
            return (value - t * se, value + t * se, nil, IntervalMethod.wald.label)
        case .logit:
            guard value > 0, value < 1 else {
                let (lo, hi) = ProportionIntervals.beta(p: value, se: se, n: n, df: df, level: level)
                return (lo, hi, "logit undefined at \(Table.format(value)): Korn-Graubard interval", IntervalMethod.beta.label)
            }
            let (lo, hi) = ProportionIntervals.logit(p: value, se: se, df: df, level: level)
            return (lo, hi, nil, IntervalMethod.logit.label)
        case .wilson:
            let (lo, hi) = ProportionIntervals.wilson(p: value, se: se, n: n, df: df, level: level)
            return (lo, hi, nil, IntervalMethod.wilson.label)
        case .beta:
            let (lo, hi) = ProportionIntervals.beta(p: value, se: se, n: n, df: df, level: level)
            return (lo, hi, nil, IntervalMethod.beta.label)
        }
    }

    // MARK: - Quantiles

    /// Quantile by R's `qrule = "math"` (the smallest value whose weighted CDF reaches `p`), with a Woodruff
    /// (1952) interval: the interval of the proportion below the estimate, mapped back through the weighted
    /// CDF; `se = (upper − lower) / (2 t)` as R's `svyquantile`.
    func quantileEstimate(_ t: Target, p: Double) throws -> Estimate {
        guard p > 0 && p < 1 else { throw EstimationError.invalidQuantile(p) }
        let w = design.weights
        let q = WeightedQuantile(values: t.y, weights: w, rows: t.rows)
        let qhat = q.quantile(p)
        let df = degreesOfFreedom(rows: t.rows)
        let stat = "quantile \(Table.format(p))"
        // Proportion of the domain at or below q̂, and its standard error.
        var sw = 0.0, swy = 0.0
        for i in t.rows { sw += w[i]; swy += w[i] * (t.y[i] <= qhat ? 1 : 0) }
        let pm = swy / sw
        let z = t.rows.map { i in w[i] * ((t.y[i] <= qhat ? 1 : 0) - pm) / sw }
        let sePm = try standardErrors(influence: [SparseInfluence(rows: t.rows, values: z)]) { weights, _ in
            var a = 0.0, b = 0.0
            for i in t.rows { a += weights[i]; b += weights[i] * (t.y[i] <= qhat ? 1 : 0) }
            return b / a
        }[0]
        guard df >= 1 else {
            return Estimate(variable: t.variable, level: nil, domain: t.domain, statistic: stat, estimate: qhat, se: 0,
                            ciLow: nil, ciHigh: nil, deff: nil, n: t.n, missing: t.missing, df: df,
                            note: "no interval: \(Int(df)) degrees of freedom")
        }
        let tq = StudentT(degreesOfFreedom: df).quantile(1 - (1 - level) / 2)
        let pl = pm - tq * sePm, pu = pm + tq * sePm
        let lower: Double? = pl < 0 ? nil : q.quantile(pl)
        let upper: Double? = pu > 1 ? nil : q.quantile(pu)
        var se = 0.0
        var note: String?
        if let lower, let upper { se = (upper - lower) / (2 * tq) } else {
            note = "interval runs past the range of the data"
            se = .nan
        }
        if se.isNaN { se = 0; note = note ?? "standard error undefined" }
        return Estimate(variable: t.variable, level: nil, domain: t.domain, statistic: stat, estimate: qhat, se: se,
                        ciLow: lower, ciHigh: upper, deff: nil, n: t.n, missing: t.missing, df: df, note: note,
                        intervalMethod: lower != nil || upper != nil ? "woodruff" : nil)
    }
}

/// The weighted empirical distribution of a variable over a domain's records, as R survey's `qs`.
///
/// Values are sorted stably (ties keep the records' order, as R's `order`), records with weight 0 are left out
/// (as `qrule_math`), and the cumulative weights `C_k = Σ_{j≤k} w_(j)` are kept as they are: with negative
/// weights (linear calibration can give them) `C` is not monotone, so the quantile is found by R's rule, not
/// by a binary search that assumes monotonicity.
struct WeightedQuantile {
    let sorted: [Double]
    let cumulative: [Double]
    let total: Double

    /// The distribution of `values[i]` with weights `weights[i]` over `rows`.
    init<Rows: Sequence>(values: [Double], weights: [Double], rows: Rows) where Rows.Element == Int {
        var pairs: [(value: Double, weight: Double, order: Int)] = []
        for i in rows where weights[i] != 0 { pairs.append((values[i], weights[i], i)) }
        pairs.sort { $0.value != $1.value ? $0.value < $1.value : $0.order < $1.order }
        sorted = pairs.map(\.value)
        var acc = 0.0
        cumulative = pairs.map { acc += $0.weight; return acc }
        total = acc
    }

    /// The distribution of `values` over the records where `mask` is true.
    init(values: [Double], weights: [Double], mask: [Bool]) {
        self.init(values: values, weights: weights, rows: mask.indices.lazy.filter { mask[$0] })
    }

    /// R's `qrule_math` (survey 4.1's `qs`): with `pos` the *last* index whose cumulative weight is ≤ `p Σw`
    /// (the first index when there is none), the value there if `p − C_pos/Σw` is exactly 0, else the next
    /// value (the last one at the end). The scan is linear because `C` need not be monotone.
    func quantile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let target = p * total
        var pos = 0
        for k in stride(from: cumulative.count - 1, through: 0, by: -1) where cumulative[k] <= target { pos = k; break }
        if p - cumulative[pos] / total == 0 { return sorted[pos] }
        return sorted[min(pos + 1, sorted.count - 1)]
    }
}

/// Problems with an estimation request.
public enum EstimationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every value of the variable is missing.
    case allMissing(variable: String)
    /// The statistic needs a numeric variable.
    case notNumeric(variable: String, statistic: String)
    /// The denominator of a ratio sums to zero.
    case zeroDenominator(variable: String, domain: String?)
    /// The confidence level is not in (0, 1).
    case invalidLevel(Double)
    /// A quantile probability is not in (0, 1).
    case invalidQuantile(Double)

    /// The message shown to the user: what went wrong, where, and what to do about it.
    public var description: String {
        switch self {
        case .allMissing(let v): return "variable \(Echo.quoted(v)) has no non-missing value"
        case .notNumeric(let v, let s): return "variable \(Echo.quoted(v)) is not numeric, so it has no \(s); use the mean for the proportions of its levels"
        case .zeroDenominator(let v, let d): return "the weighted total of \(Echo.quoted(v)) is 0\(d.map { " in domain \(Echo.text($0))" } ?? ""), so the ratio is undefined"
        case .invalidLevel(let l): return "the confidence level must be between 0 and 1 (e.g. 0.95), got \(l)"
        case .invalidQuantile(let p): return "quantile probabilities must be between 0 and 1, got \(p)"
        }
    }
}

