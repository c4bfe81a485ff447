// libFuzzer target: the CSV reader and typed columns. Any input must give a value or a DataError, never a crash;
// and the fields the reader finds (eight bytes at a time) must be those of a byte-by-byte RFC 4180 reading.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for dialect in [CSVDialect(), CSVDialect(delimiter: UInt8(ascii: ";"), decimalComma: true)] {
        let read = Result { try CSVBuffer(bytes: bytes, file: "fuzz.csv", dialect: dialect) }
        checkAgainstReference(bytes, read, delimiter: dialect.delimiter)
        guard case .success(let buffer) = read else { continue }
        let table = Table(buffer: buffer, dialect: dialect)
        for name in table.names {
            _ = try? table.categorical(name)
            _ = try? table.numeric(name)
        }
        for r in 0..<min(buffer.rowCount, 50) { _ = buffer.text(row: r, column: 0) }
        _ = try? WeightedFileWriter(buffer: buffer).render(columns: [("w", [Double](repeating: 1.5, count: buffer.rowCount))])
    }
    return 0
}

/// The records of `b` as raw fields (quotes kept), read byte by byte: blank lines skipped, a line ending is LF,
/// CR LF or a lone CR outside quotes, a quote opens a field only at its start and must be followed by the
/// delimiter or a line ending; nil for a malformed file (a stray or unclosed quote, a ragged record).
func referenceRecords(_ b: [UInt8], delimiter: UInt8) -> [[ArraySlice<UInt8>]]? {
    let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    var records: [[ArraySlice<UInt8>]] = []
    var i = 0
    let n = b.count
    while i < n {
        if b[i] == lf || b[i] == cr { i += 1; continue }
        var fields: [ArraySlice<UInt8>] = []
        record: while true {
            let start = i
            if i < n && b[i] == quote {
                i += 1
                while true {
                    if i >= n { return nil }
                    if b[i] == quote {
                        if i + 1 < n && b[i + 1] == quote { i += 2; continue }
                        i += 1
                        break
                    }
                    i += 1
                }
                if i < n && b[i] != delimiter && b[i] != lf && b[i] != cr { return nil }
            }
            while i < n && b[i] != delimiter && b[i] != lf && b[i] != cr {
                if b[i] == quote { return nil }
                i += 1
            }
            fields.append(b[start..<i])
            if i >= n { break record }
            if b[i] == delimiter { i += 1; continue record }
            i += (b[i] == cr && i + 1 < n && b[i + 1] == lf) ? 2 : 1
            break record
        }
        records.append(fields)
    }
    guard let width = records.first?.count, records.allSatisfy({ $0.count == width }) else { return nil }
    return records
}

/// The reader and the reference agree: the same fields when the reader succeeds; a malformed file for the
/// reference when the reader refuses the quoting or the field counts. Files refused for their encoding, their
/// header or their delimiter's detection are left to the other checks.
func checkAgainstReference(_ bytes: [UInt8], _ read: Result<CSVBuffer, Error>, delimiter: UInt8?) {
    var body = bytes
    if body.count >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF { body.removeFirst(3) }
    switch read {
    case .success(let buffer):
        guard let records = referenceRecords(body, delimiter: buffer.delimiter) else {
            fatalError("the reader accepted a file the byte-by-byte reading refuses")
        }
        precondition(records.count == buffer.rowCount + 1 && records[0].count == buffer.columnCount,
                     "records or fields differ from the byte-by-byte reading")
        for r in 0..<buffer.rowCount {
            for c in 0..<buffer.columnCount {
                let (s, e) = buffer.rawRange(row: r, column: c)
                precondition(buffer.bytes[s..<e].elementsEqual(records[r + 1][c]),
                             "record \(r + 1) field \(c + 1) differs from the byte-by-byte reading")
            }
        }
    case .failure(let error):
        guard let delimiter, let dataError = error as? DataError else { return }
        switch dataError {
        case .strayQuote, .unterminatedQuote, .raggedRow:
            precondition(referenceRecords(body, delimiter: delimiter) == nil,
                         "the reader refused a file the byte-by-byte reading accepts: \(dataError)")
        default:
            return
        }
    }
}
