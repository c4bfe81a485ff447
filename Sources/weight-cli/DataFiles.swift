import WeightingIO
import WeightingReports
import WeightingSimulation
import ArgumentParser
import Weighting

/// The file formats of the command line: which format a data file is read in, and the tables written as Excel
/// workbooks.
extension InputFormatOptions {
    /// The format forced by `--input-format`, if any.
    var forcedFormat: DataFileFormat? { inputFormat.flatMap { DataFileFormat(rawValue: $0.lowercased()) } }

    /// The format a data file is read in: `--input-format`, else its extension, else delimited text.
    func format(of path: String) -> DataFileFormat { DataFileFormat.of(path, forced: forcedFormat) }

    /// Reads a whole data file: delimited text, or an SPSS, Stata or SAS file through ReadStat.
    func readTable(_ path: String) throws -> Table {
        let format = format(of: path)
        if format.isStatistical { return try Table.read(statFile: path, format: format).table }
        return try Table(contentsOf: path, dialect: dialect)
    }

    /// Checks `--input-format`.
    static func checkFormat(_ value: String?, option: String = "--input-format") throws {
        guard let value else { return }
        guard DataFileFormat(rawValue: value.lowercased()) != nil else {
            let names = DataFileFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("\(option) must be one of \(names); got \(Echo.quoted(value))")
        }
    }
}

/// Margins that name a labelled variable's levels by code are read by label (labels win on a clash, with a
/// warning): see ``ValueLabelResolution``.
func resolvingValueLabels(_ margins: Margins, labels: [String: [Double: String]]) -> Margins {
    guard !labels.isEmpty else { return margins }
    let (resolved, clashes) = ValueLabelResolution.resolve(margins, labels: labels)
    for c in clashes { Diagnostics.note("warning: \(c)") }
    return resolved
}

/// Tables written as Excel workbooks: `--format xlsx`, or an `--output` ending in `.xlsx`.
enum WorkbookOutput {
    /// Whether the table goes to a workbook.
    static func wanted(format: String, output: String?) -> Bool {
        format == "xlsx" || (output?.lowercased().hasSuffix(".xlsx") ?? false)
    }

    /// Refuses a workbook written to standard output (a terminal or pipe is no place for a zip archive).
    static func check(format: String, output: String?) throws {
        if format == "xlsx" && output == nil {
            throw ValidationError("--format xlsx writes a workbook: give the file with --output FILE.xlsx")
        }
    }
}
