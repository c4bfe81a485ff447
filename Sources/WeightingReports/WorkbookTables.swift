import Weighting
import WeightingIO
/// The estimate, comparison and test tables as workbook sheets: the same columns and values as their CSV, numbers
/// stored as numbers, proportions (and their standard errors and intervals) shown as percentages; a comparison's
/// shift is already in points and stays a number.
extension EstimateTable {
    /// The estimates as one sheet (columns of ``csvHeader``).
    public static func sheet(_ estimates: [Estimate], name: String = "estimates") -> WorkbookSheet {
        WorkbookSheet(name: name, header: csvHeader, rows: estimates.map { e in
            let pct = e.statistic == "proportion"
            return [.text(e.variable), e.level.map { .text($0) } ?? .empty, e.domain.map { .text($0) } ?? .empty,
                    WorkbookSheet.number(e.estimate, percent: pct), WorkbookSheet.number(e.se, percent: pct),
                    WorkbookSheet.number(e.ciLow, percent: pct), WorkbookSheet.number(e.ciHigh, percent: pct),
                    WorkbookSheet.number(e.deff), .integer(e.n), .text(e.statistic), .integer(e.missing),
                    WorkbookSheet.number(e.df), WorkbookSheet.number(e.effectiveN),
                    UndefinedValue.note(e.note, adding: e.undefinedValues).map { .text($0) } ?? .empty]
        })
    }
}

extension ComparisonTable {
    /// Column names of the comparison sheet (those of the CSV).
    public static let sheetHeader = ["variable", "level", "domain", "statistic", "raw", "weighted", "se", "ci_low", "ci_high",
                                     "shift", "raw_outside_ci", "n", "note"]

    /// The comparison as one sheet.
    public static func sheet(_ rows: [ComparisonRow], name: String = "comparison") -> WorkbookSheet {
        WorkbookSheet(name: name, header: sheetHeader, rows: rows.map { r in
            let pct = r.statistic == "proportion"
            return [.text(r.variable), r.level.map { .text($0) } ?? .empty, r.domain.map { .text($0) } ?? .empty,
                    .text(r.statistic), WorkbookSheet.number(r.raw, percent: pct), WorkbookSheet.number(r.weighted, percent: pct),
                    WorkbookSheet.number(r.se, percent: pct), WorkbookSheet.number(r.ciLow, percent: pct),
                    WorkbookSheet.number(r.ciHigh, percent: pct), WorkbookSheet.number(r.shift),  // shift: in points
                    .text(r.rawOutsideInterval ? "yes" : "no"), .integer(r.n),
                    UndefinedValue.note(nil, adding: r.undefinedValues).map { .text($0) } ?? .empty]
        })
    }
}

extension ContrastTable {
    /// The tests as one sheet (columns of ``csvHeader``).
    public static func sheet(_ rows: [ContrastTableRow], name: String = "tests") -> WorkbookSheet {
        WorkbookSheet(name: name, header: csvHeader, rows: rows.map { r in
            [.text(r.comparison), WorkbookSheet.number(r.estimate), WorkbookSheet.number(r.se), WorkbookSheet.number(r.ciLow),
             WorkbookSheet.number(r.ciHigh), WorkbookSheet.number(r.statistic), r.statisticName.map { .text($0) } ?? .empty,
             WorkbookSheet.number(r.df), WorkbookSheet.number(r.ddf), WorkbookSheet.number(r.pValue),
             WorkbookSheet.number(r.pAdjusted), r.note.map { .text($0) } ?? .empty,
             r.intervalMethod.map { .text($0) } ?? .empty, r.reliability.map { .text($0.summary) } ?? .empty,
             WorkbookSheet.number(r.missing.map(Double.init))]
        })
    }
}
