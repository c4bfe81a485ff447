import Foundation

/// A cap on every calibrated weight relative to the mean or the median weight: `w_i ≤ k · mean(w)` or
/// `w_i ≤ k · median(w)`, `k ≥ 1`.
///
/// The cap is kept inside the calibration as trimming is (``TrimmingBounds/maxWeight``): the weights are
/// calibrated with every weight at most `M`, so the margins are still met (or the unreachable ones named). As the
/// mean and median are those of the *capped* weights, `M` is found by a fixed point: `M₀ = k · stat(w⁰)` from the
/// uncapped calibration, then `M_{j+1} = k · stat(w^j)` from the calibration capped at `M_j`, until
/// `|M_{j+1} − M_j| ≤ 1e-9 M_j` (at most 50 rounds). When the margins are met the mean weight is `N/n` whatever
/// the cap, so a mean cap is found in one round; a median cap moves with the median.
/// Potter (1990) and Kish (1992) discuss such caps; a common rule is `5 × mean`.
public enum RelativeCap: Sendable, Equatable, CustomStringConvertible {
    /// `w ≤ k · mean(w)`.
    case mean(Double)
    /// `w ≤ k · median(w)`.
    case median(Double)

    /// The multiple `k`.
    public var multiple: Double {
        switch self { case .mean(let k), .median(let k): return k }
    }

    /// `5 × mean`.
    public var description: String {
        switch self {
        case .mean(let k): return "\(Table.format(k)) × mean"
        case .median(let k): return "\(Table.format(k)) × median"
        }
    }

    /// `k` times the mean or median of `w`.
    func bound(for w: [Double]) -> Double {
        switch self {
        case .mean(let k): return k * w.reduce(0, +) / Double(max(1, w.count))
        case .median(let k): return k * WeightSummary(w).median
        }
    }
}

/// The result of a capped calibration: the calibration and the calibrator holding the absolute cap reached
/// (to re-calibrate replicates with the same cap).
public struct CappedCalibration: Sendable {
    /// The calibration with every weight at most ``cap``.
    public var result: CalibrationResult
    /// The calibrator whose trimming holds the absolute cap.
    public var calibrator: Calibrator
    /// The absolute cap `M` on the weights.
    public var cap: Double
    /// Rounds of the fixed point.
    public var rounds: Int
}

extension Calibrator {
    /// Calibrates with every weight capped relative to the mean or median calibrated weight (``RelativeCap``).
    ///
    /// - Throws: ``CalibrationError/invalidOption(_:)`` for a multiple below 1; the calibration's errors
    ///   (e.g. ``CalibrationError/trimmingInfeasible(rounds:reason:)`` when the margins cannot be met under the cap).
    public func calibrate(_ table: Table, baseWeights d: [Double], cap: RelativeCap, weightColumn: String? = nil) throws -> CappedCalibration {
        guard cap.multiple >= 1, cap.multiple.isFinite else {
            throw CalibrationError.invalidOption("a cap of \(cap) is below the \(cap.description.split(separator: " ").last!) weight: the multiple must be at least 1")
        }
        var result = try calibrate(table, baseWeights: d, weightColumn: weightColumn)
        var bound = cap.bound(for: result.weights)
        var capped = self
        var rounds = 0
        while rounds < 50 {
            rounds += 1
            var trimming = options.trimming ?? TrimmingBounds()
            trimming.maxWeight = min(trimming.maxWeight ?? .infinity, bound)
            capped.options.trimming = trimming
            do {
                result = try capped.calibrate(table, baseWeights: d, weightColumn: weightColumn)
            } catch CalibrationError.infeasible(let unmet, _) {
                throw CalibrationError.infeasible(unmet, bounds: "every weight at most \(cap) = \(String(format: "%.6g", bound))")
            }
            let next = cap.bound(for: result.weights)
            if abs(next - bound) <= 1e-9 * bound { break }
            bound = next
        }
        result.report.notes.append("weights capped at \(cap) = \(String(format: "%.6g", bound)) (\(rounds) round(s) of the fixed point)")
        return CappedCalibration(result: result, calibrator: capped, cap: bound, rounds: rounds)
    }
}

/// A common factor applied to the weights written: sum to the population size or to the number of respondents
/// (mean 1). Every weight is multiplied by the same factor, so ratios, means and proportions are unchanged while
/// totals (and the margins) are met up to that factor.
public enum WeightScaling: Sendable, Equatable {
    /// `Σ w = N`, the margins' population size.
    case population
    /// `Σ w = n` (mean weight 1).
    case sampleSize

    /// The weights scaled.
    ///
    /// - Throws: ``CalibrationError/invalidOption(_:)`` when scaling to the population and the margins give no
    ///   population size (numeric totals only).
    public func apply(to w: [Double], margins: Margins) throws -> [Double] {
        let f = try factor(sum: w.reduce(0, +), count: w.count, margins: margins)
        return w.map { $0 * f }
    }

    /// The factor `goal / Σ w` for weights summing to `sum` over `count` records.
    func factor(sum: Double, count: Int, margins: Margins) throws -> Double {
        let goal: Double
        switch self {
        case .population:
            guard let n = margins.populationSize else {
                throw CalibrationError.invalidOption(CalibrationError.Advice.scalePopulation + " needs a categorical margin for the population size; the margins hold numeric totals only")
            }
            goal = n
        case .sampleSize: goal = Double(count)
        }
        guard sum > 0, sum.isFinite else { throw CalibrationError.nonFinite("the sum of the weights to scale") }
        return goal / sum
    }

    /// Every replicate's weights scaled as the full sample's are (each to sum to `N`, or to `n`).
    ///
    /// When the margins fix the sum of the calibrated weights (a categorical margin gives `N`), every replicate
    /// re-calibrated to them sums to `N` too, so this is the full sample's factor applied to every replicate, and
    /// replicate variances of totals scale by its square. Otherwise each replicate gets its own factor, and the
    /// scaling is a ratio adjustment the replicates reproduce (Lumley 2010, section 7.4: re-apply every weight
    /// adjustment in each replicate).
    ///
    /// - Throws: as scaling one set of weights (``CalibrationError/invalidOption(_:)``, ``CalibrationError/nonFinite(_:)``).
    public func apply(to replicates: ReplicateWeights, margins: Margins) throws -> ReplicateWeights {
        guard replicates.isOnDemand else {
            var out = replicates
            out.weights = try replicates.weights.map { try apply(to: $0, margins: margins) }
            return out
        }
        // Made on demand: each replicate's factor now (its sum, as above), its weights scaled when built.
        let sums = replicates.replicateEstimates(count: 1) { w, _ in w.reduce(0, +) }[0]
        let n = replicates.recordCount
        let factors = try sums.map { try factor(sum: $0, count: n, margins: margins) }
        return replicates.mapped { r, w in w.map { $0 * factors[r] } }
    }
}
