import ArgumentParser
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Read and parse a data file: rows, columns, types, missing values and levels.",
        discussion: """
        Parses every field of every column (as a number when all values are numbers, else as levels), so it also \
        checks a file before a long job. It is the reading floor the benchmarks compare against.

        Example:
          weight-cli inspect sample.csv
        """
    )

    @Argument(help: "The data file.") var data: String
    @OptionGroup var inputOptions: InputFormatOptions

    /// The line of a numeric column: its missing values, then its smallest and largest value, or that every
    /// value is missing (a column of empty fields and missing tokens, read as numbers).
    static func numericLine(_ name: String, missing: Int, min lo: Double, max hi: Double) -> String {
        guard !lo.isNaN else { return "  \(name): numeric, \(missing) missing (every value)" }
        return "  \(name): numeric, \(missing) missing, min \(Table.format(lo)), max \(Table.format(hi))"
    }

    func run() throws {
        try runReporting {
            if !inputOptions.format(of: data).isStatistical {
                // Delimited text: summarised chunk by chunk, the file never held whole.
                let summaries = try CSVColumnSummaries(streaming: data, dialect: inputOptions.dialect)
                var lines = ["\(data): \(summaries.rowCount) rows, \(summaries.names.count) columns"]
                for (name, column) in zip(summaries.names, summaries.columns) {
                    switch column {
                    case let .numeric(missing, lo, hi):
                        lines.append(Self.numericLine(name, missing: missing, min: lo, max: hi))
                    case let .categorical(levels, missing):
                        let shown = levels.prefix(6).joined(separator: ", ")
                        lines.append("  \(name): \(levels.count) levels (\(shown)\(levels.count > 6 ? ", …" : "")), \(missing) missing")
                    }
                }
                StandardOutput.write(lines.joined(separator: "\n") + "\n")
                return
            }
            let table = try inputOptions.readTable(data)
            var lines = ["\(data): \(table.rowCount) rows, \(table.names.count) columns"]
            for name in table.names {
                if let numeric = try? table.numeric(name) {
                    let present = numeric.values.filter { !$0.isNaN }
                    let lo = present.min() ?? .nan, hi = present.max() ?? .nan
                    lines.append(Self.numericLine(name, missing: numeric.missingCount, min: lo, max: hi))
                } else {
                    let c = try table.categorical(name)
                    let shown = c.levels.prefix(6).joined(separator: ", ")
                    lines.append("  \(name): \(c.levels.count) levels (\(shown)\(c.levels.count > 6 ? ", …" : "")), \(c.missingCount) missing")
                }
            }
            StandardOutput.write(lines.joined(separator: "\n") + "\n")
        }
    }
}
