// libFuzzer target: the CSV reader and typed columns. Any input must give a value or a DataError, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for dialect in [CSVDialect(), CSVDialect(delimiter: UInt8(ascii: ";"), decimalComma: true)] {
        guard let buffer = try? CSVBuffer(bytes: bytes, file: "fuzz.csv", dialect: dialect) else { continue }
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
