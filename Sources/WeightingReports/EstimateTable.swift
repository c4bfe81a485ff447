import Weighting
import WeightingIO
import Foundation

/// Renders estimates as CSV (`variable,level,domain,estimate,se,ci_low,ci_high,deff,n` then extras),
/// JSON or Markdown.
public enum EstimateTable {
    /// Column names of the CSV output, in order.
    public static let csvHeader = ["variable", "level", "domain", "estimate", "se", "ci_low", "ci_high", "deff", "n",
                                   "statistic", "missing", "df", "effective_n", "note"]

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
                NumberFormat.cell(e.df), e.effectiveN.map(NumberFormat.cell) ?? "", note ?? "",
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
    public static func markdown(_ estimates: [Estimate], level: Double) -> String {
        let pct = NumberFormat.fixed(level * 100, 0)
        var s = "| variable | level | domain | statistic | estimate | se | \(pct)% CI | deff | n |\n"
        s += "|---|---|---|---|---:|---:|---|---:|---:|\n"
        for e in estimates {
            let ci = (e.ciLow.map { NumberFormat.fixed($0, 4) } ?? "–") + " – " + (e.ciHigh.map { NumberFormat.fixed($0, 4) } ?? "–")
            s += "| \(e.variable) | \(e.level ?? "") | \(e.domain ?? "") | \(e.statistic) | \(NumberFormat.fixed(e.estimate, 4)) | \(NumberFormat.fixed(e.se, 4)) | \(ci) | \(e.deff.map { NumberFormat.fixed($0, 2) } ?? "") | \(e.n) |\n"
        }
        return s + UndefinedValue.notes(estimates.flatMap(\.undefinedValues))
    }


}
