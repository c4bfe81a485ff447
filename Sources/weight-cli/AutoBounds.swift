import ArgumentParser
import Foundation
import WeightingIO
import WeightingReports
import WeightingSimulation
import Weighting

/// `--bounds auto[:SLACK]`: the bounds of a logit or truncated calibration taken from the tightest feasible ones
/// (``BoundAdvisor``) widened by a relative slack, `[L*(1 − s), U*(1 + s)]`, `s` = 0.1 unless given.
enum AutoBounds {
    /// The slack used by `--bounds auto`.
    static let defaultSlack = 0.1

    /// The slack when `text` asks for automatic bounds (`auto` or `auto:S`), `nil` otherwise.
    static func slack(_ text: String?) throws -> Double? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), text.lowercased().hasPrefix("auto") else { return nil }
        let rest = text.dropFirst(4)
        if rest.isEmpty { return defaultSlack }
        guard rest.first == ":", let s = Double(rest.dropFirst()), s.isFinite, s > 0, s < 1 else {
            throw ValidationError("--bounds auto takes an optional slack between 0 and 1 (exclusive), as auto:0.1; got \(Echo.quoted(text))")
        }
        return s
    }

    /// The widened tightest bounds for calibrating `table` (base weights `d`) to `margins`.
    ///
    /// - Throws: ``BoundAdvisorError/unreachableAtAnyBounds`` (exit 2) when no non-negative weights meet the targets.
    static func resolve(table: Table, margins: Margins, baseWeights d: [Double], slack: Double) throws -> (Double, Double) {
        guard let tight = try BoundAdvisor.tightestBounds(table, margins: margins, baseWeights: d) else {
            throw BoundAdvisorError.unreachableAtAnyBounds
        }
        let w = tight.widened(by: slack)
        Diagnostics.note("--bounds auto: tightest feasible bounds on w/d \(tight); calibrating within [\(String(format: "%.6g", w.lower)), \(String(format: "%.6g", w.upper))] (slack \(Table.format(slack)))")
        return w
    }

    /// The base weights of `table`: the column `weight`, or 1.
    static func baseWeights(_ table: Table, weight: String?) throws -> [Double] {
        try weight.map { try table.numeric($0).values } ?? [Double](repeating: 1, count: table.rowCount)
    }
}
