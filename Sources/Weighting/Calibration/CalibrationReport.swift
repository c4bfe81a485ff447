/// Summary of a set of weights (or of ratios `w/d`): extremes, quartiles (R's type 7), mean and sum.
public struct WeightSummary: Sendable, Equatable, Codable {
    /// Number of values.
    public var count: Int
    /// Smallest value.
    public var min: Double
    /// First quartile.
    public var q1: Double
    /// Median.
    public var median: Double
    /// Third quartile.
    public var q3: Double
    /// Largest value.
    public var max: Double
    /// Mean.
    public var mean: Double
    /// Sum.
    public var sum: Double

    /// Summarizes values (none may be NaN).
    public init(_ values: [Double]) {
        let s = Self.sortedFew(values) ?? values.sorted()
        count = s.count
        func q(_ p: Double) -> Double {
            guard !s.isEmpty else { return .nan }
            let h = Double(s.count - 1) * p
            let lo = Int(h.rounded(.down)), hi = Swift.min(lo + 1, s.count - 1)
            return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
        }
        min = s.first ?? .nan
        max = s.last ?? .nan
        q1 = q(0.25)
        median = q(0.5)
        q3 = q(0.75)
        sum = s.reduce(0, +)
        mean = s.isEmpty ? .nan : sum / Double(s.count)
    }
}

extension WeightSummary {
    /// The values in increasing order when they take at most `limit` distinct values (weights are constant within
    /// calibration cells: a few hundred values for a million records), by counting each distinct value in a small
    /// hash table and writing it out as often as it occurs: O(n + k log k) for k distinct values, the same array
    /// as `sorted()`. `nil` when there are more distinct values, or a NaN or a negative zero (whose place among
    /// equal values a sort decides), for the caller to sort.
    static func sortedFew(_ values: [Double], limit: Int = 4096) -> [Double]? {
        let capacity = 2 * limit  // a power of 2 (limit is one)
        let shift = UInt64(64 - capacity.trailingZeroBitCount)
        var keys = [UInt64](repeating: 0, count: capacity), counts = [Int](repeating: 0, count: capacity)
        var used = [Bool](repeating: false, count: capacity)
        var distinct = 0
        let ok: Bool = values.withUnsafeBufferPointer { v in
            for x in v {
                let bits = x.bitPattern
                if x.isNaN || bits == (-0.0).bitPattern { return false }
                var slot = Int(truncatingIfNeeded: (bits &* 0x9E3779B97F4A7C15) >> shift) & (capacity - 1)
                while used[slot] && keys[slot] != bits { slot = (slot + 1) & (capacity - 1) }
                if !used[slot] {
                    distinct += 1
                    if distinct > limit { return false }
                    used[slot] = true
                    keys[slot] = bits
                }
                counts[slot] += 1
            }
            return true
        }
        guard ok else { return nil }
        let present = (0..<capacity).filter { used[$0] }.sorted { Double(bitPattern: keys[$0]) < Double(bitPattern: keys[$1]) }
        var out: [Double] = []
        out.reserveCapacity(values.count)
        for slot in present { out.append(contentsOf: repeatElement(Double(bitPattern: keys[slot]), count: counts[slot])) }
        return out
    }
}

/// The effect of weighting on precision (Kish 1965).
public struct KishDiagnostics: Sendable, Equatable, Codable {
    /// Design effect due to unequal weights: `n Σw² / (Σw)² = 1 + CV²` (CV with divisor n).
    public var designEffect: Double
    /// Effective sample size `(Σw)² / Σw² = n / deff`.
    public var effectiveSampleSize: Double

    /// Computes the diagnostics of a set of weights.
    public init(weights w: [Double]) {
        var s = 0.0, s2 = 0.0
        for v in w { s += v; s2 += v * v }
        let n = Double(w.count)
        designEffect = n * s2 / (s * s)
        effectiveSampleSize = s * s / s2
    }
}

/// One calibration constraint before and after weighting.
public struct ConstraintDiagnostic: Sendable, Equatable, Codable {
    /// `margin=level`, or the numeric variable.
    public var label: String
    /// The margin (variables joined by `*`) or numeric variable.
    public var margin: String
    /// The level, `nil` for a numeric total.
    public var level: String?
    /// The population target.
    public var target: Double
    /// Number of respondents in the level (all respondents for a numeric total).
    public var respondents: Int
    /// Weighted total with the base weights.
    public var before: Double
    /// Weighted total with the calibrated weights.
    public var after: Double
    /// `|after − target| / (1 + |target|)`.
    public var deviation: Double
    /// Whether the constraint was implied by the others in the sample (left out of the solve, then checked).
    public var redundant: Bool
}

/// Everything a statistician checks after a calibration, as a value (rendered by the report writers).
public struct CalibrationReport: Sendable, Equatable, Codable {
    /// Method name (`raking`, `logit`, …).
    public var method: String
    /// Bounds on `w/d` for the bounded methods.
    public var bounds: [Double]?
    /// Algorithm used: `ipf`, `newton`, `closed-form` or `poststratification`.
    public var algorithm: String
    /// Iterations (Newton steps or IPF sweeps), summed over trimming rounds.
    public var iterations: Int
    /// Whether every target was met within tolerance.
    public var converged: Bool
    /// Largest relative deviation `|Σwx − t| / (1 + |t|)` over all constraints at the end.
    public var maxDeviation: Double
    /// Largest relative deviation after each iteration of the last solve (convergence trace).
    public var trace: [Double]
    /// Per constraint: target, respondents, totals before and after.
    public var constraints: [ConstraintDiagnostic]
    /// Number of respondents.
    public var respondents: Int
    /// Number of units the problem was aggregated into: the cells of the categorical margins, or the records
    /// when numeric totals or trimming give each record its own ratio `g`.
    public var cells: Int
    /// Distribution of the base weights.
    public var baseWeights: WeightSummary
    /// Distribution of the final weights.
    public var weights: WeightSummary
    /// Distribution of the ratios `g = w/d`.
    public var ratios: WeightSummary
    /// Kish design effect and effective sample size of the base weights.
    public var kishBefore: KishDiagnostics
    /// Kish design effect and effective sample size of the final weights.
    public var kishAfter: KishDiagnostics
    /// Post-stratification cells that were collapsed, as sentences.
    public var collapsed: [String]
    /// Whether trimming bounds were applied.
    public var trimmed: Bool
    /// Number of weights held at a trimming bound.
    public var trimmedCount: Int
    /// Remarks worth reading (dropped zero-target levels, redundant constraints, …).
    public var notes: [String]
}

/// Calibrated weights with the record of how they were made.
public struct CalibrationResult: Sendable {
    /// Final weights, one per record.
    public var weights: [Double]
    /// The base weights `d` the calibration started from.
    public var baseWeights: [Double]
    /// The diagnostics.
    public var report: CalibrationReport
    /// The method used.
    public var method: CalibrationMethod
    /// The margins used (after any collapse of empty cells).
    public var margins: Margins
    /// The aggregated auxiliary design (cells, units, split X), kept for variance estimation.
    var design: AuxiliaryDesign
    /// Penalized calibration: `Λ_kk = 1/(2 c_k)` per constraint (0 hard, +∞ dropped), the ridge the
    /// linearization adds to `X'DX` (``PenalizedCalibration``); `nil` for exact calibration.
    var penalty: [Double]? = nil

    /// Ratios `g = w/d`.
    public var ratios: [Double] { zip(weights, baseWeights).map { $0 / $1 } }

    /// The calibration constraints (columns of the auxiliary matrix), in order.
    public var constraints: [CalibrationConstraint] { design.constraints }

    /// The auxiliary values `x_i` of record `i` (one per constraint).
    public func auxiliaries(ofRecord i: Int) -> [Double] {
        design.auxiliaries.row(ofUnit: design.unit(ofRecord: i))
    }
}
