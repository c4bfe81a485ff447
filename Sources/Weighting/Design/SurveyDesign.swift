/// What to do with a stratum that has a single primary sampling unit, as R survey's `survey.lonely.psu`.
public enum LonelyPSUPolicy: String, Sendable, CaseIterable {
    /// Refuse with a message naming the stratum (R's default).
    case fail
    /// The stratum contributes nothing to the variance.
    case remove
    /// Treat the PSU as sampled with certainty: contributes nothing.
    case certainty
    /// Centre the lonely PSU at the grand mean (zero for estimating functions) instead of its stratum mean.
    case adjust
    /// Replace the stratum's contribution by the average of the other strata (scale up by strata / strata with ≥ 2 PSUs).
    case average
}

/// Errors in the description of a survey design.
public enum DesignError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stratum with one PSU under the `fail` policy.
    case lonelyPSU(stratum: String)
    /// The fpc is not constant within a stratum, or not valid.
    case invalidFPC(stratum: String, reason: String)
    /// A design variable has missing values.
    case missingDesignValue(variable: String, firstSeen: SourceLocation)
    /// A replicate-weight specification is unusable.
    case invalidReplicates(String)
    /// Replicate weights asked of a design whose weights were already adjusted, without re-applying the
    /// adjustments in each replicate (R's `as.svrepdesign` refuses a calibrated design too).
    case replicatesOfAdjustedDesign(adjustments: [String])
    /// An adjustment's base weights are not the design's current weights (it was computed from other weights).
    case adjustmentBaseWeightsDiffer(adjustment: String, firstRecord: Int, design: Double, adjustmentBase: Double)
    /// A vector given to a design does not have one value per record.
    case lengthMismatch(what: String, expected: Int, found: Int)
    /// An adjustment cannot be re-applied to replicate weights (no calibrator recorded, or not a calibration).
    case adjustmentNotReplicable(String)

    /// The message shown to the user: what went wrong, where, and what to do about it.
    public var description: String {
        switch self {
        case .lonelyPSU(let s):
            return "stratum \(Echo.quoted(s)) has only one PSU, so its variance cannot be estimated; choose a treatment of lonely PSUs: remove, certainty, adjust or average (as R's options(survey.lonely.psu))"
        case .invalidFPC(let s, let r): return "finite population correction in stratum \(Echo.quoted(s)): \(r)"
        case .missingDesignValue(let v, let loc): return "design variable \(Echo.quoted(v)) is missing at \(loc)"
        case .invalidReplicates(let s): return "replicate weights: \(s)"
        case .replicatesOfAdjustedDesign(let a):
            return "replicate weights cannot be built from a design already adjusted by \(a.joined(separator: ", ")): build them from the unadjusted design with withReplicates(_:), which re-applies every adjustment in each replicate"
        case .adjustmentBaseWeightsDiffer(let a, let i, let d, let b):
            return "the \(a) started from other base weights than the design's (record \(i + 1): design weight \(Table.format(d)), base weight of the adjustment \(Table.format(b))); calibrate the design's own weights"
        case .lengthMismatch(let what, let expected, let found):
            return "\(what) has \(found) values for \(expected) records"
        case .adjustmentNotReplicable(let s): return "cannot re-apply to replicate weights: \(s)"
        }
    }
}

/// A probability sample as the variance estimators need it: weights, strata, first-stage clusters (PSUs),
/// finite population correction, and the calibration applied to the weights.
///
/// Like R survey's design objects (Lumley 2010, ch. 1–2), the design carries everything needed for the
/// variance, so every estimate made from a calibrated design accounts for the calibration.
/// Only the first stage enters the variance (ultimate-cluster approximation, with-replacement within strata
/// unless an fpc is given).
public struct SurveyDesign: Sendable {
    /// Analysis weights (after any calibration).
    public var weights: [Double]
    /// Stratum code of each record (0 when unstratified).
    public let strata: [Int32]
    /// Stratum labels.
    public let strataLabels: [String]
    /// PSU code of each record, unique across strata (each record is its own PSU without clusters).
    public let clusters: [Int32]
    /// Number of PSUs in the sample, per stratum.
    public let psuCount: [Int]
    /// Sampling fraction of PSUs per stratum (0 without fpc).
    public let samplingFraction: [Double]
    /// Whether the design has clusters.
    public let isClustered: Bool
    /// The adjustments applied to the base weights, in order (post-stratification, calibrations, attrition
    /// adjustment, two-phase calibration); the linearized variance residualizes on each in turn.
    public internal(set) var adjustments: [DesignAdjustment] = []
    /// Replicate weights carrying every adjustment (``withReplicates(_:)``), when asked for.
    public internal(set) var replicates: ReplicateWeights?
    /// The last calibration applied, whose auxiliaries enter the linearized variance (with the earlier ones,
    /// ``adjustments``).
    public var calibration: CalibrationResult? { adjustments.last?.result }
    /// What to do with single-PSU strata.
    public var lonelyPSU: LonelyPSUPolicy

    /// Number of records.
    public var count: Int { weights.count }

    /// A design from columns of a table.
    ///
    /// - Parameters:
    ///   - table: the data.
    ///   - weight: base weight column (all 1 when `nil`).
    ///   - strata: stratum column.
    ///   - cluster: first-stage cluster (PSU) column; PSUs are nested in strata.
    ///   - fpc: per record, the number of PSUs in the stratum's population (values > 1) or the sampling
    ///     fraction (values ≤ 1), constant within a stratum.
    ///   - lonelyPSU: what to do with a stratum of one PSU.
    public init(table: Table, weight: String? = nil, strata: String? = nil, cluster: String? = nil,
                fpc: String? = nil, lonelyPSU: LonelyPSUPolicy = .fail) throws {
        let n = table.rowCount
        let w = try weight.map { try table.numeric($0).values } ?? [Double](repeating: 1, count: n)
        try AuxiliaryDesign.checkBaseWeights(w, table: table, column: weight)
        var strataCodes = [Int32](repeating: 0, count: n)
        var labels = ["(unstratified)"]
        if let strata {
            let c = try table.categorical(strata)
            if let i = c.codes.firstIndex(of: CategoricalColumn.missing) {
                throw DesignError.missingDesignValue(variable: strata, firstSeen: table.location(row: i, column: try table.index(of: strata)))
            }
            strataCodes = c.codes.map { Int32($0) }
            labels = c.levels
        }
        var psu: [Int32]?  // without clusters each record is its own PSU (numbered 0..<n by the designated init)
        if let cluster {
            var ids32 = [Int32](repeating: 0, count: n)
            let c = try table.categorical(cluster)
            if let i = c.codes.firstIndex(of: CategoricalColumn.missing) {
                throw DesignError.missingDesignValue(variable: cluster, firstSeen: table.location(row: i, column: try table.index(of: cluster)))
            }
            var ids: [Int64: Int32] = [:]
            for i in 0..<n {
                let key = Int64(strataCodes[i]) << 32 | Int64(c.codes[i])
                if let id = ids[key] { ids32[i] = id } else { let id = Int32(ids.count); ids[key] = id; ids32[i] = id }
            }
            psu = ids32
        }
        var fpcValues: [Double]?
        if let fpc { fpcValues = try table.numeric(fpc).values }
        try self.init(weights: w, strata: strataCodes, strataLabels: labels, clusters: psu, isClustered: cluster != nil,
                      fpc: fpcValues, lonelyPSU: lonelyPSU)
    }

    /// A design from codes (strata codes `0..<labels.count`, PSU codes unique across strata).
    public init(weights: [Double], strata: [Int32]? = nil, strataLabels: [String]? = nil, clusters: [Int32]? = nil,
                isClustered: Bool? = nil, fpc: [Double]? = nil, lonelyPSU: LonelyPSUPolicy = .fail) throws {
        let n = weights.count
        for (what, count) in [("strata", strata?.count), ("clusters", clusters?.count), ("fpc", fpc?.count)] {
            if let count, count != n { throw DesignError.lengthMismatch(what: what, expected: n, found: count) }
        }
        if let strataLabels, let m = strata?.max(), Int(m) >= strataLabels.count {
            throw DesignError.lengthMismatch(what: "strataLabels", expected: Int(m) + 1, found: strataLabels.count)
        }
        self.weights = weights
        self.strata = strata ?? [Int32](repeating: 0, count: n)
        let nStrata = Int((self.strata.max() ?? 0) + 1)
        self.strataLabels = strataLabels ?? (0..<nStrata).map { String($0) }
        self.clusters = clusters ?? (0..<n).map { Int32($0) }
        self.isClustered = isClustered ?? (clusters != nil)
        self.lonelyPSU = lonelyPSU
        var counts = [Int](repeating: 0, count: nStrata)
        if clusters == nil {
            // Each record its own PSU (numbered 0..<n): no set needed to count them.
            for i in 0..<n { counts[Int(self.strata[i])] += 1 }
        } else {
            var seen = Set<Int32>()
            for i in 0..<n where seen.insert(self.clusters[i]).inserted { counts[Int(self.strata[i])] += 1 }
        }
        psuCount = counts
        var f = [Double](repeating: 0, count: nStrata)
        if let fpc {
            var given = [Double](repeating: .nan, count: nStrata)
            for i in 0..<n {
                let h = Int(self.strata[i]), v = fpc[i]
                guard v.isFinite, v > 0 else {
                    throw DesignError.invalidFPC(stratum: self.strataLabels[h], reason: "value \(v) at record \(i + 1) is not a positive number")
                }
                if given[h].isNaN { given[h] = v } else if given[h] != v {
                    throw DesignError.invalidFPC(stratum: self.strataLabels[h], reason: "not constant within the stratum (\(Table.format(given[h])) and \(Table.format(v)))")
                }
            }
            for h in 0..<nStrata where !given[h].isNaN {
                let popsize = given[h] <= 1 ? Double(counts[h]) / given[h] : given[h]
                if popsize < Double(counts[h]) {
                    throw DesignError.invalidFPC(stratum: self.strataLabels[h], reason: "population size \(Table.format(popsize)) is smaller than the \(counts[h]) sampled PSUs")
                }
                f[h] = Double(counts[h]) / popsize
            }
        }
        samplingFraction = f
    }

    /// The same design with calibrated weights; the linearized variance then accounts for the calibration
    /// (appended to ``adjustments``). The calibration must have started from the design's weights (a
    /// programming error otherwise; ``adjusted(by:)`` throws instead).
    public func calibrated(_ result: CalibrationResult) -> SurveyDesign {
        precondition(result.weights.count == count, "one calibrated weight per record")
        do {
            return try adjusted(by: DesignAdjustment(.calibration, result: result))
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// Design degrees of freedom: number of PSUs minus number of strata, counting only PSUs and strata with a
    /// record in `mask` (R's `degf` on a subset).
    public func degreesOfFreedom(in mask: [Bool]? = nil) -> Int {
        guard let mask else { return degreesOfFreedom(rows: Array(0..<count)) }
        return degreesOfFreedom(rows: mask.indices.filter { mask[$0] })
    }

    /// Degrees of freedom of the records at `rows` (see ``degreesOfFreedom(in:)``); without clusters each
    /// record is its own PSU.
    func degreesOfFreedom(rows: [Int]) -> Int {
        var strataSeen = [Bool](repeating: false, count: psuCount.count)
        var strataCount = 0
        var psus = Set<Int32>()
        for i in rows {
            if isClustered { psus.insert(clusters[i]) }
            let h = Int(strata[i])
            if !strataSeen[h] { strataSeen[h] = true; strataCount += 1 }
        }
        return (isClustered ? psus.count : rows.count) - strataCount
    }
}
