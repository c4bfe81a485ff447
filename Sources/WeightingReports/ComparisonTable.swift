import Weighting
import WeightingIO
import Foundation

/// Renders a raw-versus-weighted comparison as CSV, JSON or Markdown.
public enum ComparisonTable {
    /// CSV: `variable,level,domain,statistic,raw,weighted,se,ci_low,ci_high,shift,raw_outside_ci,n,note`;
    /// an undefined (NaN or infinite) value is an empty field and `note` names it.
    public static func csv(_ rows: [ComparisonRow]) -> String {
        var s = "variable,level,domain,statistic,raw,weighted,se,ci_low,ci_high,shift,raw_outside_ci,n,note\n"
        for r in rows {
            let f = [r.variable, r.level ?? "", r.domain ?? "", r.statistic, NumberFormat.cell(r.raw), NumberFormat.cell(r.weighted),
                     NumberFormat.cell(r.se), r.ciLow.map(NumberFormat.cell) ?? "", r.ciHigh.map(NumberFormat.cell) ?? "",
                     NumberFormat.cell(r.shift), r.rawOutsideInterval ? "yes" : "no", String(r.n),
                     UndefinedValue.note(nil, adding: r.undefinedValues) ?? ""]
            s += f.map { CSVField.quoted($0) }.joined(separator: ",") + "\n"
        }
        return s
    }

    /// JSON array; an undefined (NaN or infinite) value is `null`.
    public static func json(_ rows: [ComparisonRow]) throws -> String { try ReportJSON.encode(rows) }

    /// Markdown table; proportions in percent.
    public static func markdown(_ rows: [ComparisonRow], level: Double) -> String {
        var s = "| indicator | domain | raw | weighted | \(NumberFormat.fixed(100 * level, 0))% CI | shift | raw outside CI |\n|---|---|---:|---:|---|---:|:---:|\n"
        for r in rows {
            let pct = r.statistic == "proportion"
            func f(_ x: Double) -> String { pct && x.isFinite ? NumberFormat.fixed(100 * x, 1) + " %" : NumberFormat.fixed(x, 3) }
            let name = r.level.map { "\(r.variable) = \($0)" } ?? r.variable
            let ci = (r.ciLow.map(f) ?? "–") + " – " + (r.ciHigh.map(f) ?? "–")
            s += "| \(name) | \(r.domain ?? "") | \(f(r.raw)) | \(f(r.weighted)) | \(ci) | \(NumberFormat.fixed(r.shift, pct ? 1 : 3))\(pct ? " pts" : "") | \(r.rawOutsideInterval ? "yes" : "") |\n"
        }
        return s + UndefinedValue.notes(rows.flatMap(\.undefinedValues))
    }
}
