import Foundation
import WeightingIO
import Weighting

/// An SPSS, Stata or SAS wave file given to `attrition`, read through ReadStat and laid out as delimited text, so
/// that the weighted waves and the longitudinal file are written as CSV copies of its records like those of a CSV
/// wave: each variable a column in the file's order, a labelled variable by its value labels (the levels the
/// margins name), other numbers in their shortest exact form, missing values (system, tagged or user-defined)
/// empty.
enum StatisticalWaveFile {
    /// The file's records as a CSV buffer named after the file.
    static func buffer(_ path: String, format: DataFileFormat) throws -> CSVBuffer {
        let table = try Table.read(statFile: path, format: format).table
        let columns = try table.names.map { try table.categorical($0) }
        var text = table.names.map { CSVField.quoted($0) }.joined(separator: ",") + "\n"
        for i in 0..<table.rowCount {
            text += columns.map { c in c[i].map { CSVField.quoted($0) } ?? "" }.joined(separator: ",") + "\n"
        }
        return try CSVBuffer(bytes: Array(text.utf8), file: path)
    }
}
