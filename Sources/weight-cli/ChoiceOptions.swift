import ArgumentParser
import Foundation
import WeightingIO
import WeightingReports
import WeightingSimulation
import Weighting

/// Penalized (soft) calibration: costs of missing margins (``PenalizedCalibration``).
struct PenaltyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("""
        Meet a margin (or one level) approximately: minimise Σ d G(w/d) + Σ c (achieved − target)², with cost C \
        for MARGIN (e.g. region) or MARGIN=LEVEL (e.g. region=Corse); 0 drops it, inf meets it exactly \
        (repeatable; margins without a cost are met exactly). A 'cost' column in the margins file does the same per row.
        """, valueName: "MARGIN:C"))
    var cost: [String] = []

    func validate() throws { _ = try costs() }

    /// The costs of the margins file's `cost` column (if any) and of `--cost` (which wins), or `nil` for none.
    func costs(marginsFile: String?, dialect: CSVDialect) throws -> ConstraintCosts? {
        let fromFile = try marginsFile.flatMap { try MarginCostsFile.read($0, dialect: dialect) }
        guard let fromOption = try costs() else { return fromFile }
        return ConstraintCosts((fromFile?.costs ?? [:]).merging(fromOption.costs) { $1 })
    }

    /// The costs of `--cost`, or `nil` without it.
    func costs() throws -> ConstraintCosts? {
        guard !cost.isEmpty else { return nil }
        var out: [String: Double] = [:]
        for item in cost {
            guard let colon = item.lastIndex(of: ":") else {
                throw ValidationError("--cost takes MARGIN:C or MARGIN=LEVEL:C (e.g. region:0.01), got \(Echo.quoted(item))")
            }
            let key = item[..<colon].trimmingCharacters(in: .whitespaces)
            let text = item[item.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, let c = Double(text), !c.isNaN else {
                throw ValidationError("--cost takes MARGIN:C or MARGIN=LEVEL:C with C a number ≥ 0 or inf, got \(Echo.quoted(item))")
            }
            guard c >= 0 else {
                throw ValidationError("--cost \(Echo.quoted(item)): a cost must be ≥ 0 (0 drops the margin, inf meets it exactly), got \(text)")
            }
            if out[key] != nil { throw ValidationError("--cost gives \(Echo.quoted(key)) twice") }
            out[key] = c
        }
        return ConstraintCosts(out)
    }
}

/// Caps relative to the mean or median weight, and the scale of the weights written.
struct WeightShapeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("""
        Cap every weight at K times the mean (Kxmean) or median (Kxmedian) calibrated weight, K ≥ 1, kept inside \
        the calibration as --trim-weights (margins still met, or the unreachable ones named).
        """, valueName: "Kxmean|Kxmedian"))
    var cap: String?

    @Option(help: ArgumentHelp("""
        Scale the weights written: 'population' (sum to the margins' population size), 'n' or 'mean1' (sum to the \
        number of respondents, mean 1). Scaling multiplies every weight by one factor: margins are then met up to it.
        """, valueName: "population|n|mean1"))
    var scale: String?

    func validate() throws {
        _ = try relativeCap()
        _ = try weightScaling()
    }

    func relativeCap() throws -> RelativeCap? {
        guard let cap else { return nil }
        let text = cap.trimmingCharacters(in: .whitespaces).lowercased()
        for (suffix, make) in [("xmedian", RelativeCap.median), ("xmean", RelativeCap.mean)] where text.hasSuffix(suffix) {
            guard let k = Double(text.dropLast(suffix.count)), k.isFinite else { break }
            guard k >= 1 else {
                throw ValidationError("--cap \(Echo.quoted(cap)): the multiple must be at least 1 (a cap below the \(suffix.dropFirst()) weight cannot hold for every weight), got \(Table.format(k))")
            }
            return make(k)
        }
        throw ValidationError("--cap takes Kxmean or Kxmedian with K ≥ 1 (e.g. 5xmean), got \(Echo.quoted(cap))")
    }

    func weightScaling() throws -> WeightScaling? {
        guard let scale else { return nil }
        switch scale {
        case "population": return .population
        case "n", "mean1": return .sampleSize
        default: throw ValidationError("--scale must be population, n or mean1, got \(Echo.quoted(scale))")
        }
    }
}

/// Weighting within groups: `--group-by VARIABLE` reads the margins file as grouped margins (a `group` column)
/// and calibrates each group of respondents to its own margins, in one run (``GroupedMargins``).
struct GroupOptions: ParsableArguments {
    @Option(help: ArgumentHelp("""
        Calibrate each group of respondents (the levels of VARIABLE) to its own margins: the margins file then has \
        a column 'group' (group,variable,level,target); the weights written cover every group.
        """, valueName: "variable"))
    var groupBy: String?

    /// The grouped margins, or `nil` without `--group-by`.
    func read(_ marginsOptions: MarginsOptions, dialect: CSVDialect) throws -> GroupedMargins? {
        guard let groupBy else { return nil }
        if marginsOptions.targets != .counts {
            throw ValidationError("--group-by needs targets as counts (each group has its own population size); got --targets \(marginsOptions.targets.rawValue)")
        }
        return try GroupedMargins.read(marginsOptions.margins, groupVariable: groupBy, dialect: dialect)
    }
}

extension GroupedMargins {
    /// The data columns the calibration reads: the group and the margins' variables.
    var categoricalVariables: [String] {
        [groupVariable] + (margins[groups[0]]?.categorical.flatMap(\.variables) ?? [])
    }
    var numericVariables: [String] { margins[groups[0]]?.numeric.map(\.variable) ?? [] }
}
