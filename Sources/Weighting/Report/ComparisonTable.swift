import Foundation

/// Renders a raw-versus-weighted comparison as CSV, JSON or Markdown.
public enum ComparisonTable {
    /// CSV: `variable,level,domain,statistic,raw,weighted,se,ci_low,ci_high,shift,raw_outside_ci,n`.
    public static func csv(_ rows: [ComparisonRow]) -> String {
        var s = "variable,level,domain,statistic,raw,weighted,se,ci_low,ci_high,shift,raw_outside_ci,n\n"
        for r in rows {
            let f = [r.variable, r.level ?? "", r.domain ?? "", r.statistic, EstimateTable.number(r.raw), EstimateTable.number(r.weighted),
                     EstimateTable.number(r.se), r.ciLow.map(EstimateTable.number) ?? "", r.ciHigh.map(EstimateTable.number) ?? "",
                     EstimateTable.number(r.shift), r.rawOutsideInterval ? "yes" : "no", String(r.n)]
            s += f.map(EstimateTable.quote).joined(separator: ",") + "\n"
        }
        return s
    }

    /// JSON array.
    public static func json(_ rows: [ComparisonRow]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(rows), as: UTF8.self) + "\n"
    }

    /// Markdown table; proportions in percent.
    public static func markdown(_ rows: [ComparisonRow], level: Double) -> String {
        var s = "| indicator | domain | raw | weighted | \(Number.fixed(100 * level, 0))% CI | shift | raw outside CI |\n|---|---|---:|---:|---|---:|:---:|\n"
        for r in rows {
            let pct = r.statistic == "proportion"
            func f(_ x: Double) -> String { pct ? Number.fixed(100 * x, 1) + " %" : Number.fixed(x, 3) }
            let name = r.level.map { "\(r.variable) = \($0)" } ?? r.variable
            let ci = (r.ciLow.map(f) ?? "–") + " – " + (r.ciHigh.map(f) ?? "–")
            s += "| \(name) | \(r.domain ?? "") | \(f(r.raw)) | \(f(r.weighted)) | \(ci) | \(Number.fixed(r.shift, pct ? 1 : 3))\(pct ? " pts" : "") | \(r.rawOutsideInterval ? "yes" : "") |\n"
        }
        return s
    }
}
