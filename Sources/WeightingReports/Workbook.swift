import Weighting
import WeightingIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXLSXWriter

/// A table for a spreadsheet: a header and rows of cells, numbers stored as numbers.
public struct WorkbookSheet: Sendable, Equatable {
    /// One cell.
    public enum Cell: Sendable, Equatable {
        /// Nothing (a missing or undefined value).
        case empty
        /// Text.
        case text(String)
        /// A number shown with the general format.
        case number(Double)
        /// A proportion, stored as the number (0.25) and shown as a percentage (25.0 %).
        case percent(Double)
        /// A whole number (counts).
        case integer(Int)
    }

    /// Sheet name (at most 31 characters, none of `[]:*?/\`).
    public var name: String
    /// Column names.
    public var header: [String]
    /// Rows, each as long as the header.
    public var rows: [[Cell]]

    /// Creates a sheet; the name is cut to what Excel accepts.
    public init(name: String, header: [String], rows: [[Cell]]) {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        self.name = String(name.filter { !forbidden.contains($0) }.prefix(31))
        self.header = header
        self.rows = rows
    }

    /// A number, or an empty cell when it is NaN or infinite (Excel has no NaN).
    public static func number(_ x: Double?, percent: Bool = false) -> Cell {
        guard let x, x.isFinite else { return .empty }
        return percent ? .percent(x) : .number(x)
    }
}

/// Writes `.xlsx` workbooks (Office Open XML) through libxlsxwriter: one sheet per table, the header in bold and
/// frozen, numbers as numbers (full double precision), proportions with the percentage format `0.0%`.
public enum Workbook {
    /// The bytes of a workbook holding the sheets, in order.
    ///
    /// libxlsxwriter writes to a named file only: the workbook is written to a private temporary file, read
    /// back and removed (the caller then writes the bytes atomically through its ``OutputPlan``).
    ///
    /// - Throws: ``DataError/cannotWrite(file:reason:)`` naming `name` if libxlsxwriter fails.
    public static func bytes(_ sheets: [WorkbookSheet], name: String) throws -> [UInt8] {
        let folder = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(folder)/weighting-xlsx-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw DataError.cannotWrite(file: name, reason: FileIO.errnoText()) }
        close(fd)
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        guard let workbook = workbook_new(path) else { throw DataError.cannotWrite(file: name, reason: "libxlsxwriter could not create the workbook") }
        let bold = workbook_add_format(workbook)
        format_set_bold(bold)
        let percent = workbook_add_format(workbook)
        format_set_num_format(percent, "0.0%")
        var used = Set<String>()
        for (k, sheet) in sheets.enumerated() {
            var sheetName = sheet.name.isEmpty ? "Sheet\(k + 1)" : sheet.name
            while used.contains(sheetName.lowercased()) { sheetName = String(sheetName.prefix(28)) + "_\(k + 1)" }
            used.insert(sheetName.lowercased())
            guard let ws = workbook_add_worksheet(workbook, sheetName) else {
                workbook_close(workbook)
                throw DataError.cannotWrite(file: name, reason: "libxlsxwriter refused the sheet name \(sheetName)")
            }
            for (j, h) in sheet.header.enumerated() { worksheet_write_string(ws, 0, lxw_col_t(j), h, bold) }
            worksheet_freeze_panes(ws, 1, 0)
            for (i, row) in sheet.rows.enumerated() {
                let r = lxw_row_t(i + 1)
                for (j, cell) in row.enumerated() {
                    let c = lxw_col_t(j)
                    switch cell {
                    case .empty: break
                    case .text(let s): worksheet_write_string(ws, r, c, s, nil)
                    case .number(let x): worksheet_write_number(ws, r, c, x, nil)
                    case .percent(let x): worksheet_write_number(ws, r, c, x, percent)
                    case .integer(let n): worksheet_write_number(ws, r, c, Double(n), nil)
                    }
                }
            }
            worksheet_set_column(ws, 0, lxw_col_t(max(sheet.header.count - 1, 0)), 14, nil)
        }
        let status = workbook_close(workbook)
        guard status == LXW_NO_ERROR else {
            throw DataError.cannotWrite(file: name, reason: String(cString: lxw_strerror(status)))
        }
        return try FileIO.readAll(path)
    }
}
