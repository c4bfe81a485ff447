import Weighting
import WeightingIO
import Foundation

/// Renders a raw-versus-weighted comparison as CSV, JSON or Markdown.
public enum ComparisonTable {
    /// CSV: `variable,level,domain,statistic,raw,weighted,se,ci_low,ci_high,shift,raw_outside_ci,n,note`, then
    /// `missing,ci_method,reliability`; an undefined (NaN or infinite) value is an empty field and `note` names it.
    public static func csv(_ rows: [ComparisonRow]) -> String {
        var s = "variable,level,domain,statistic,raw,weighted,se,ci_low,ci_high,shift,raw_outside_ci,n,note,missing,ci_method,reliability\n"
        for r in rows {
            let f = [r.variable, r.level ?? "", r.domain ?? "", r.statistic, NumberFormat.cell(r.raw), NumberFormat.cell(r.weighted),
                     NumberFormat.cell(r.se), r.ciLow.map(NumberFormat.cell) ?? "", r.ciHigh.map(NumberFormat.cell) ?? "",
                     NumberFormat.cell(r.shift), r.rawOutsideInterval ? "yes" : "no", String(r.n),
                     UndefinedValue.note(nil, adding: r.undefinedValues) ?? "", String(r.missing), r.intervalMethod ?? "",
                     r.reliability?.summary ?? ""]
            s += f.map { CSVField.quoted($0) }.joined(separator: ",") + "\n"
        }
        return s
    }

    /// JSON array; an undefined (NaN or infinite) value is `null`.
    public static func json(_ rows: [ComparisonRow]) throws -> String { try ReportJSON.encode(rows) }

    /// Markdown table; proportions in percent. The interval's method, the respondents with a value and those
    /// missing, and the reliability verdict of the weighted estimate have their columns; a suppressed weighted
    /// estimate shows `suppressed` instead of its figures, a flagged one is marked `†`.
    public static func markdown(_ rows: [ComparisonRow], level: Double) -> String {
        var s = "| indicator | domain | raw | weighted | \(NumberFormat.fixed(100 * level, 0))% CI | CI method | shift | raw outside CI | n | missing | reliability |\n|---|---|---:|---:|---|---|---:|:---:|---:|---:|---|\n"
        for r in rows {
            let pct = r.statistic == "proportion"
            func f(_ x: Double) -> String { pct && x.isFinite ? NumberFormat.fixed(100 * x, 1) + " %" : NumberFormat.fixed(x, 3) }
            let name = r.level.map { "\(r.variable) = \($0)" } ?? r.variable
            var ci = (r.ciLow.map(f) ?? "–") + " – " + (r.ciHigh.map(f) ?? "–")
            var weighted = f(r.weighted), shift = NumberFormat.fixed(r.shift, pct ? 1 : 3) + (pct ? " pts" : "")
            switch r.reliability?.status {
            case .suppressed?: weighted = "suppressed"; ci = ""; shift = ""
            case .flagged?: weighted += " †"
            default: break
            }
            let flag = (r.reliability?.summary ?? "").replacingOccurrences(of: "|", with: "\\|")
            s += "| \(name) | \(r.domain ?? "") | \(f(r.raw)) | \(weighted) | \(ci) | \(r.intervalMethod ?? "") | \(shift) | \(r.rawOutsideInterval ? "yes" : "") | \(r.n) | \(r.missing) | \(flag) |\n"
        }
        return s + UndefinedValue.notes(rows.flatMap(\.undefinedValues))
    }
}
