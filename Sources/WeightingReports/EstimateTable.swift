import Weighting
import WeightingIO
import Foundation

/// Renders estimates as CSV (`variable,level,domain,estimate,se,ci_low,ci_high,deff,n` then extras),
/// JSON or Markdown.
public enum EstimateTable {
    /// Column names of the CSV output, in order.
    public static let csvHeader = ["variable", "level", "domain", "estimate", "se", "ci_low", "ci_high", "deff", "n",
                                   "statistic", "missing", "df", "effective_n", "note", "ci_method", "cv", "ci_width",
                                   "reliability"]

    /// CSV text (RFC 4180 quoting, numbers with 17 significant digits at most, missing values empty).
    ///
    /// A value that is NaN or infinite (see ``UndefinedValue``) is an empty field, and the row's `note` says
    /// which quantity is undefined.
    public static func csv(_ estimates: [Estimate]) -> String {
        var s = csvHeader.joined(separator: ",") + "\n"
        for e in estimates {
            let note = UndefinedValue.note(e.note, adding: e.undefinedValues)
            let fields: [String] = [
                e.variable, e.level ?? "", e.domain ?? "", NumberFormat.cell(e.estimate), NumberFormat.cell(e.se), e.ciLow.map(NumberFormat.cell) ?? "",
                e.ciHigh.map(NumberFormat.cell) ?? "", e.deff.map(NumberFormat.cell) ?? "", String(e.n), e.statistic, String(e.missing),
                NumberFormat.cell(e.df), e.effectiveN.map(NumberFormat.cell) ?? "", note ?? "", e.intervalMethod ?? "",
                e.cv.map(NumberFormat.cell) ?? "", e.ciWidth.map(NumberFormat.cell) ?? "", e.reliability?.summary ?? "",
            ]
            s += fields.map { CSVField.quoted($0) }.joined(separator: ",") + "\n"
        }
        return s
    }

    /// Pretty JSON array; an undefined (NaN or infinite) value is `null` and the row's `note` says so.
    public static func json(_ estimates: [Estimate]) throws -> String {
        try ReportJSON.encode(estimates.map { e -> Estimate in
            var e = e
            e.note = UndefinedValue.note(e.note, adding: e.undefinedValues)
            return e
        })
    }

    /// Markdown table with rounded figures; an undefined value is an empty cell, listed in a note under the table.
    ///
    /// Columns: the interval's method, the respondents with a value and those missing, and the reliability
    /// verdict (``Reliability``): a suppressed estimate shows `suppressed` instead of its figures, a flagged one
    /// is marked `†`, and the reasons are in the last column.
    public static func markdown(_ estimates: [Estimate], level: Double) -> String {
        let pct = NumberFormat.fixed(level * 100, 0)
        var s = "| variable | level | domain | statistic | estimate | se | \(pct)% CI | CI method | deff | n | missing | reliability |\n"
        s += "|---|---|---|---|---:|---:|---|---|---:|---:|---:|---|\n"
        for e in estimates {
            var ci = (e.ciLow.map { NumberFormat.fixed($0, 4) } ?? "–") + " – " + (e.ciHigh.map { NumberFormat.fixed($0, 4) } ?? "–")
            var value = NumberFormat.fixed(e.estimate, 4), se = NumberFormat.fixed(e.se, 4)
            switch e.reliability?.status {
            case .suppressed?: value = "suppressed"; se = ""; ci = ""
            case .flagged?: value += " †"
            default: break
            }
            let flag = (e.reliability?.summary ?? "").replacingOccurrences(of: "|", with: "\\|")
            s += "| \(e.variable) | \(e.level ?? "") | \(e.domain ?? "") | \(e.statistic) | \(value) | \(se) | \(ci) | \(e.intervalMethod ?? "") | \(e.deff.map { NumberFormat.fixed($0, 2) } ?? "") | \(e.n) | \(e.missing) | \(flag) |\n"
        }
        return s + UndefinedValue.notes(estimates.flatMap(\.undefinedValues))
    }


}
