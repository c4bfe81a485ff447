#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// libFuzzer target: the chunked two-pass reading of `weight-cli calibrate` against the whole-file reader.
// For any input, chunk sizes from 1 byte up and one or three threads, both must accept or both refuse it; when
// they accept it, the columns, the lines of the records and the written output must be identical, and a refusal
// must give the one-thread message (the first error in file order). The column-streaming reader of `estimate`
// (Table(streamingColumns:)) must give the whole-file reader's values, levels and errors for every column at
// every chunk size, thread count and memory budget. A difference is a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStream(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let path = "/dev/shm/fuzz-stream-\(getpid()).csv"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd < 0 { return 0 }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    defer { unlink(path) }
    let chunkSizes = [1 + Int(bytes.first ?? 0) % 17, 64, 1 << 16]
    for dialect in [CSVDialect(), CSVDialect(delimiter: UInt8(ascii: ";"), decimalComma: true)] {
        let whole = try? Table(contentsOf: path, dialect: dialect)
        let names = whole?.names ?? []
        let categorical = Array(names.dropLast()), numeric = names.isEmpty ? [] : [names.last!]
        let wholeNumeric = try? whole.map { t in try numeric.map { try t.numeric($0) } }
        for chunkSize in chunkSizes {
          for threads in [1, 3] {
            func message(_ threads: Int) -> String {
                do {
                    _ = try Table(streaming: path, dialect: dialect, categorical: categorical, numeric: numeric,
                                  chunkSize: chunkSize, threads: threads)
                    return ""
                } catch { return "\(error)" }
            }
            if threads > 1, message(threads) != message(1) { fatalError("threads change the error (chunk \(chunkSize))") }
            let streamed = try? Table(streaming: path, dialect: dialect, categorical: categorical, numeric: numeric,
                                      chunkSize: chunkSize, threads: threads)
            guard let whole, let wholeNumeric else {
                // The whole-file reader refused the file, or its last column is not numeric: so must the stream.
                if streamed != nil { fatalError("stream accepted what the whole-file reader refuses (chunk \(chunkSize))") }
                continue
            }
            guard let streamed else { fatalError("stream refused a file the whole-file reader accepts (chunk \(chunkSize))") }
            if streamed.rowCount != whole.rowCount { fatalError("row counts differ") }
            for name in categorical where (try? streamed.categorical(name)) != (try? whole.categorical(name)) {
                fatalError("levels of \(name) differ (chunk \(chunkSize))")
            }
            for (k, name) in numeric.enumerated() where (try? streamed.numeric(name)) != wholeNumeric[k] {
                fatalError("values of \(name) differ (chunk \(chunkSize))")
            }
            for r in 0..<whole.rowCount where streamed.line(ofRow: r) != whole.line(ofRow: r) { fatalError("lines differ") }
            // The column-streaming reader of `estimate` and `compare` (columns converted on `threads` workers,
            // every column used once, no budget or room for all): the same values, levels and errors.
            for budget in [0, 1 << 30] {
                let plan = names.map { StreamedColumnPlan(name: $0, kind: .numericOrCategorical, once: true) }
                guard let columns = try? Table(streamingColumns: path, dialect: dialect, plan: plan, chunkSize: chunkSize,
                                               memoryBudget: budget, threads: threads) else {
                    fatalError("column streaming refused a file the whole-file reader accepts (chunk \(chunkSize))")
                }
                for name in names {
                    func text<T>(_ body: () throws -> T) -> String {
                        do { return "\(try body())" } catch { return "error: \(error)" }
                    }
                    if text({ try columns.numeric(name).values.map(\.bitPattern) }) != text({ try whole.numeric(name).values.map(\.bitPattern) })
                        || text({ try columns.categorical(name) }) != text({ try whole.categorical(name) }) {
                        fatalError("column streaming differs on \(name) (chunk \(chunkSize), \(threads) threads, budget \(budget))")
                    }
                }
                if (try? columns.checkStreamedReading()) == nil { fatalError("column streaming reports a changed file") }
            }
            let weights = (0..<whole.rowCount).map { Double($0) + 0.25 }
            let expected = try? WeightedFileWriter(buffer: whole.buffer!, decimalComma: dialect.decimalComma)
                .render(columns: [("w\u{1}", weights)])
            let out = path + ".out"
            defer { unlink(out) }
            let ok = (try? StreamingWeightedFileWriter(table: streamed, decimalComma: dialect.decimalComma, chunkSize: chunkSize,
                                                       threads: threads)
                .write(columns: [("w\u{1}", weights)], to: out)) != nil
            if ok != (expected != nil) { fatalError("writers disagree on whether to write") }
            if let expected, (try? FileIO.readAll(out)) != expected {
                fatalError("written bytes differ (chunk \(chunkSize), \(threads) threads)")
            }
          }
        }
    }
    return 0
}
