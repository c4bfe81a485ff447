/// Several estimates made on one design, with their joint covariance matrix: what contrasts, domain
/// comparisons and Wald tests are computed from.
///
/// Estimates of different domains of one sample are correlated (a domain is part of the whole; after
/// calibration every domain shares the calibration residuals; with clusters, domains share PSUs), so a
/// difference needs the covariance, not only the two standard errors (Lumley 2010, §3.4 and §6.1).
///
/// - Linearization: with influence values `z_k` of estimate `k` (after calibration, their residuals on the
///   calibration auxiliaries, as for one estimate), PSU totals `z_hjk` in stratum `h` with `n_h` PSUs and
///   sampling fraction `f_h`: `V_kl = Σ_h (1 − f_h) n_h/(n_h − 1) Σ_j (z_hjk − z̄_hk)(z_hjl − z̄_hl)`
///   (R survey's `svyrecvar` on a matrix of influence values), with the design's lonely-PSU policy.
/// - Replicates: `V_kl = scale Σ_r rscale_r (θ̂_rk − c_k)(θ̂_rl − c_l)`, `c` the full-sample estimates (mse)
///   or the replicate means (R's `svrVar` on a matrix of replicate estimates).
public struct JointEstimates: Sendable {
    /// Name of each estimate: the domain's level (its full label `a=x & b=y` for crossed domains), or
    /// ``JointEstimates/wholeName`` for the whole population.
    public var names: [String]
    /// The estimates.
    public var values: [Double]
    /// Their covariance matrix (k x k).
    public var covariance: Matrix
    /// Degrees of freedom for tests and intervals: the design's (PSUs minus strata over the whole sample) with
    /// linearization, the rank of the replicate weights minus one with replicates.
    public var degreesOfFreedom: Double
    /// Respondents with a value behind each estimate.
    public var counts: [Int]
    /// Records of each estimate's domain left out because the variable is missing (empty when not counted).
    public var missing: [Int] = []
    /// The statistic: `mean`, `proportion`, `total` or `ratio`.
    public var statistic: String
    /// The variable (for a proportion, `variable=level`).
    public var variable: String

    /// Name of the whole population among the estimates.
    public static let wholeName = "all"

    /// Creates joint estimates from their parts.
    public init(names: [String], values: [Double], covariance: Matrix, degreesOfFreedom: Double, counts: [Int],
                statistic: String, variable: String) {
        precondition(covariance.rows == values.count && covariance.columns == values.count && names.count == values.count)
        self.names = names
        self.values = values
        self.covariance = covariance
        self.degreesOfFreedom = degreesOfFreedom
        self.counts = counts
        self.statistic = statistic
        self.variable = variable
    }

    /// Standard error of estimate `k`.
    public func standardError(_ k: Int) -> Double { max(0, covariance[k, k]).squareRoot() }

    /// Index of an estimate by name.
    public func index(of name: String) -> Int? { names.firstIndex(of: name) }
}

/// One estimate as a ratio of weighted totals over some records, `Σ w y / Σ w x` (`x = 1`: a mean or a
/// proportion), or a weighted total `Σ w y`. `y` is either values or the indicator `code_i == cell` of a
/// code array shared by several targets (the cells of a table, without one array per cell).
struct RatioTarget {
    var y: [Double]
    var x: [Double]?
    var rows: [Int]
    var isTotal: Bool
    var cellCodes: [Int32]? = nil
    var cell: Int32 = 0

    init(y: [Double], x: [Double]?, rows: [Int], isTotal: Bool) {
        self.y = y
        self.x = x
        self.rows = rows
        self.isTotal = isTotal
    }

    /// The proportion of records of `rows` whose code is `cell`.
    init(cellCodes: [Int32], cell: Int32, rows: [Int]) {
        self.y = []
        self.x = nil
        self.rows = rows
        self.isTotal = false
        self.cellCodes = cellCodes
        self.cell = cell
    }

    @inline(__always) func yValue(_ i: Int) -> Double {
        if let cellCodes { return cellCodes[i] == cell ? 1 : 0 }
        return y[i]
    }

    func value(_ w: [Double]) -> Double {
        var sy = 0.0, sx = 0.0
        for i in rows { sy += w[i] * yValue(i); sx += w[i] * (x?[i] ?? 1) }
        return isTotal ? sy : sy / sx
    }

    /// Adds the influence values into PSU totals, `totals[psu[i] * stride + offset] += z_i`.
    func addInfluence(_ w: [Double], into totals: inout [Double], psu: [Int], stride: Int, offset: Int) {
        if isTotal {
            for i in rows { totals[psu[i] * stride + offset] += w[i] * yValue(i) }
            return
        }
        var sy = 0.0, sx = 0.0
        for i in rows { sy += w[i] * yValue(i); sx += w[i] * (x?[i] ?? 1) }
        let r = sy / sx
        for i in rows { totals[psu[i] * stride + offset] += w[i] * (yValue(i) - r * (x?[i] ?? 1)) / sx }
    }

    /// Influence values: `w_i y_i` for a total, `w_i (y_i − r x_i)/X̂` for a ratio (Lumley 2010, §2.3, §3.2).
    func influence(_ w: [Double]) -> [Double] {
        var z = [Double](repeating: 0, count: w.count)
        if isTotal {
            for i in rows { z[i] = w[i] * yValue(i) }
            return z
        }
        var sy = 0.0, sx = 0.0
        for i in rows { sy += w[i] * yValue(i); sx += w[i] * (x?[i] ?? 1) }
        let r = sy / sx
        for i in rows { z[i] = w[i] * (yValue(i) - r * (x?[i] ?? 1)) / sx }
        return z
    }
}

/// Problems with a comparison or test request.
public enum ComparisonError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A categorical variable needs the level whose proportion is compared.
    case levelNeeded(variable: String, levels: [String])
    /// The level is not a level of the variable.
    case unknownLevel(variable: String, level: String, levels: [String])
    /// A contrast names an estimate that does not exist.
    case unknownName(name: String, in: String, known: [String])
    /// A contrast could not be read.
    case malformedContrast(String, reason: String)
    /// A test needs a variable with a given number of levels.
    case wrongLevelCount(variable: String, expected: String, found: [String])
    /// The covariance of the contrasts is singular (a contrast is redundant or has no variance).
    case singularCovariance(String)
    /// A domain or a whole has no respondent with a value.
    case emptyDomain(variable: String, domain: String)

    /// The message shown to the user: what went wrong, where, and what to do about it.
    public var description: String {
        func list(_ xs: [String]) -> String { xs.prefix(20).map { "'\($0)'" }.joined(separator: ", ") + (xs.count > 20 ? ", …" : "") }
        switch self {
        case .levelNeeded(let v, let ls): return "variable '\(v)' is categorical: give the level whose proportion to compare, one of \(list(ls))"
        case .unknownLevel(let v, let l, let ls): return "variable '\(v)' has no level '\(l)' (levels: \(list(ls)))"
        case .unknownName(let n, let c, let known): return "contrast '\(c)': unknown level '\(n)' (known: \(list(known.filter { $0 != JointEstimates.wholeName })), and '\(JointEstimates.wholeName)' for the whole population)"
        case .malformedContrast(let c, let r): return "contrast '\(c)' cannot be read: \(r) (write e.g. 'A - B', 'A + B - 2*C' or 'A / B')"
        case .wrongLevelCount(let v, let e, let f): return "variable '\(v)' must have \(e) levels, it has \(f.count) (\(list(f)))"
        case .singularCovariance(let s): return "\(s): the covariance matrix of the contrasts is singular (a contrast is redundant or has no variance)"
        case .emptyDomain(let v, let d): return "variable '\(v)' has no value in domain \(d)"
        }
    }
}

extension SurveyEstimator {
    /// The estimates of `variable` in every domain of `by` (and in the whole population, last, when
    /// `includingWhole`), with their joint covariance.
    ///
    /// - Parameters:
    ///   - variable: a numeric variable (mean, total, ratio), or a categorical one with `level` (its proportion
    ///     or count).
    ///   - level: the level of a categorical `variable` whose proportion or count is estimated.
    ///   - statistic: `.mean`, `.total` or `.ratio(denominator:)` (quantiles are not linear: refused).
    ///   - by: the domain variables.
    ///   - includingWhole: whether the whole population is added as a last domain.
    ///
    /// Missing values are left out of the estimate (R's `na.rm = TRUE`), the records staying in the design.
    public func jointEstimates(variable: String, level: String? = nil, statistic: StatisticKind, by: [String],
                               includingWhole: Bool = true) throws -> JointEstimates {
        let domains = try Domains(table: table, by: by)
        let single = by.count == 1
        let names = domains.labels.map { label -> String in
            guard single, let eq = label.firstIndex(of: "=") else { return label }
            return String(label[label.index(after: eq)...])
        }
        var groups = domains.rows()
        var groupNames = names
        if includingWhole || by.isEmpty {
            if by.isEmpty { groups = [] ; groupNames = [] }
            groups.append(Array(0..<table.rowCount))
            groupNames.append(JointEstimates.wholeName)
        }
        return try jointEstimates(variable: variable, level: level, statistic: statistic, groups: groups, names: groupNames)
    }

    /// Joint estimates over explicit groups of records (each a list of record indices in increasing order).
    func jointEstimates(variable: String, level: String?, statistic: StatisticKind, groups: [[Int]],
                        names: [String]) throws -> JointEstimates {
        let (y, label, proportion) = try values(of: variable, level: level)
        var x: [Double]? = nil
        var isTotal = false
        var statName = proportion ? "proportion" : "mean"
        switch statistic {
        case .mean: break
        case .total: isTotal = true; statName = "total"
        case .ratio(let denominator):
            x = try table.numeric(denominator).values
            statName = "ratio"
        case .quantile:
            throw EstimationError.notNumeric(variable: variable, statistic: "contrast of quantiles (quantiles are not estimated jointly)")
        }
        var targets: [RatioTarget] = []
        for (g, rows) in zip(names, groups) {
            let kept = rows.filter { !y[$0].isNaN && !(x?[$0].isNaN ?? false) }
            if kept.isEmpty { throw ComparisonError.emptyDomain(variable: label, domain: g) }
            targets.append(RatioTarget(y: y, x: x, rows: kept, isTotal: isTotal))
        }
        let w = design.weights
        let values = targets.map { $0.value(w) }
        let cov = try covariance(targets)
        let df: Double
        switch variance {
        case .linearization: df = Double(design.degreesOfFreedom())
        case .replicates(let reps): df = Double(reps.degreesOfFreedom)
        }
        let variableName: String
        if case .ratio(let d) = statistic { variableName = "\(label)/\(d)" } else { variableName = label }
        return JointEstimates(names: names, values: values, covariance: cov, degreesOfFreedom: df,
                              counts: targets.map { $0.rows.count }, statistic: statName, variable: variableName)
    }

    /// The values of a numeric variable (NaN = missing), or the indicator of one level of a categorical one.
    func values(of variable: String, level: String?) throws -> (y: [Double], label: String, proportion: Bool) {
        _ = try table.index(of: variable)
        if let numeric = try? table.numeric(variable), level == nil {
            if numeric.missingCount == table.rowCount { throw EstimationError.allMissing(variable: variable) }
            return (numeric.values, variable, false)
        }
        let c = try table.categorical(variable)
        guard let level else { throw ComparisonError.levelNeeded(variable: variable, levels: c.levels.sorted()) }
        guard let code = c.levels.firstIndex(of: level) else {
            throw ComparisonError.unknownLevel(variable: variable, level: level, levels: c.levels.sorted())
        }
        let y = c.codes.map { $0 == CategoricalColumn.missing ? Double.nan : ($0 == UInt32(code) ? 1.0 : 0.0) }
        return (y, "\(variable)=\(level)", true)
    }

    /// Joint covariance of several ratio targets by linearization or replicates.
    func covariance(_ targets: [RatioTarget]) throws -> Matrix {
        let w = design.weights
        switch variance {
        case .linearization where design.calibration == nil:
            // PSU totals of the influence values accumulated target by target, over its records only.
            let k = targets.count
            return try LinearizationVariance(design: design).covariance(count: k) { recordPSU, totals in
                for (j, t) in targets.enumerated() { t.addInfluence(w, into: &totals, psu: recordPSU, stride: k, offset: j) }
            }
        case .linearization:
            // Calibrated: the influence values residualized a block of targets at a time (the projection is
            // column by column), so memory holds 16 vectors of the sample's length, not one per target.
            let k = targets.count, block = 16
            let design = self.design
            return try LinearizationVariance(design: design).covariance(count: k) { recordPSU, totals in
                for start in stride(from: 0, to: k, by: block) {
                    let range = start..<min(k, start + block)
                    let zz = try design.calibrationResiduals(range.map { targets[$0].influence(w) })
                    for (j, zj) in zip(range, zz) { for i in zj.indices where zj[i] != 0 { totals[recordPSU[i] * k + j] += zj[i] } }
                }
            }
        case .replicates(let reps):
            let full = targets.map { $0.value(w) }
            let byEstimate = reps.replicateEstimates(count: targets.count) { rw, k in targets[k].value(rw) }
            let thetas = (0..<reps.count).map { r in byEstimate.map { $0[r] } }
            return reps.covariance(replicateEstimates: thetas, fullSample: full)
        }
    }
}

extension ReplicateWeights {
    /// Covariance of several estimates from their replicate values (`thetas[r][k]`, replicate `r`, estimate `k`):
    /// `scale Σ_r rscale_r (θ̂_r − c)(θ̂_r − c)'` (Wolter 2007; R's `svrVar`).
    public func covariance(replicateEstimates thetas: [[Double]], fullSample theta: [Double]) -> Matrix {
        let k = theta.count
        var centre = theta
        if !mse {
            centre = [Double](repeating: 0, count: k)
            for t in thetas { for j in 0..<k { centre[j] += t[j] } }
            for j in 0..<k { centre[j] /= Double(thetas.count) }
        }
        var v = Matrix(rows: k, columns: k)
        for (r, t) in thetas.enumerated() {
            for a in 0..<k { for b in a..<k { v[a, b] += rscales[r] * (t[a] - centre[a]) * (t[b] - centre[b]) } }
        }
        for a in 0..<k { for b in a..<k { v[a, b] *= scale; v[b, a] = v[a, b] } }
        return v
    }
}

extension LinearizationVariance {
    /// Covariance matrix of several estimators from their influence values `z[k]`: the calibration residuals
    /// (when the design is calibrated), then `Σ_h (1 − f_h) n_h/(n_h − 1) Σ_j (z_hj − z̄_h)(z_hj − z̄_h)'` on the
    /// PSU totals, with the lonely-PSU policy (as ``variances(_:)``, whose diagonal it reproduces).
    ///
    /// - Complexity: O(n k) for the PSU totals, O(PSUs k²) for the cross-products.
    public func covariance(_ z: [[Double]]) throws -> Matrix {
        let k = z.count
        guard k > 0 else { return Matrix(rows: 0, columns: 0) }
        var zz = z
        zz = try design.calibrationResiduals(zz)
        return try covariance(count: k) { recordPSU, totals in
            for j in 0..<k { let zj = zz[j]; for i in zj.indices where zj[i] != 0 { totals[recordPSU[i] * k + j] += zj[i] } }
        }
    }

    /// Covariance matrix of `k` estimators of an uncalibrated design from their PSU totals, which `fill` adds
    /// into `totals[psu * k + j]` given the PSU of each record (so that no influence vector of the sample's
    /// length need exist).
    func covariance(count k: Int, fill: (_ recordPSU: [Int], _ totals: inout [Double]) throws -> Void) throws -> Matrix {
        let n = design.count
        // PSU index of each record, PSU totals (psu x k) and the PSU's stratum.
        var psuIndex: [Int32: Int] = [:]
        var recordPSU = [Int](repeating: 0, count: n)
        var psuStratum: [Int] = []
        for i in 0..<n {
            let key = design.clusters[i]
            if let p = psuIndex[key] { recordPSU[i] = p } else {
                let p = psuStratum.count
                psuIndex[key] = p
                psuStratum.append(Int(design.strata[i]))
                recordPSU[i] = p
            }
        }
        let m = psuStratum.count
        var totals = [Double](repeating: 0, count: m * k)
        try fill(recordPSU, &totals)
        let strataCount = design.psuCount.count
        var sums = [Double](repeating: 0, count: strataCount * k)
        for p in 0..<m { for j in 0..<k { sums[psuStratum[p] * k + j] += totals[p * k + j] } }
        var v = Matrix(rows: k, columns: k)
        var okStrata = 0
        var averageNeeded = false
        var factor = [Double](repeating: 0, count: strataCount)
        var centred = [Bool](repeating: true, count: strataCount)
        for h in 0..<strataCount {
            let nh = design.psuCount[h]
            if nh == 0 { continue }
            if nh == 1 {
                switch design.lonelyPSU {
                case .fail: throw DesignError.lonelyPSU(stratum: design.strataLabels[h])
                case .remove, .certainty: okStrata += 1
                case .adjust: factor[h] = 1 - design.samplingFraction[h]; centred[h] = false; okStrata += 1
                case .average: averageNeeded = true
                }
                continue
            }
            factor[h] = (1 - design.samplingFraction[h]) * Double(nh) / Double(nh - 1)
            okStrata += 1
        }
        for p in 0..<m {
            let h = psuStratum[p]
            let f = factor[h]
            if f == 0 { continue }
            let nh = Double(design.psuCount[h])
            for a in 0..<k {
                let da = totals[p * k + a] - (centred[h] ? sums[h * k + a] / nh : 0)
                if da == 0 { continue }
                for b in a..<k {
                    let db = totals[p * k + b] - (centred[h] ? sums[h * k + b] / nh : 0)
                    v[a, b] += f * da * db
                }
            }
        }
        var scaleUp = 1.0
        if averageNeeded && okStrata > 0 {
            let present = design.psuCount.filter { $0 > 0 }.count
            scaleUp = Double(present) / Double(okStrata)
        }
        for a in 0..<k { for b in a..<k { v[a, b] *= scaleUp; v[b, a] = v[a, b] } }
        return v
    }
}
