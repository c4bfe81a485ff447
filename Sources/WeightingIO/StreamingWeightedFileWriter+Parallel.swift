import Weighting

/// Where the records of one chunk of raw bytes stand: the first byte, the end (before the line ending), the
/// next record's search start, and the physical line the record starts on, counted from 0 at the chunk's first
/// byte. Found by the same rules as the first reading of the file (``CSVBuffer``: blank lines dropped,
/// line feeds and carriage returns outside quotes end a record, every line ending counted).
struct RecordSpans {
    var start: [Int] = []
    var end: [Int] = []
    var next: [Int] = []
    var line: [Int] = []
    /// Physical lines the chunk holds (line endings counted, inside quotes too).
    var lineCount = 0
    /// Whether the chunk starts with a UTF-8 byte-order mark (first chunk only), copied as it stands.
    var byteOrderMark = false

    /// Quotes, line feeds and carriage returns (the quote doubles as the delimiter: no other byte matters here).
    static let quotesAndLineEnds = CSVBuffer.SpecialBytes(delimiter: 0x22)

    init(_ buf: UnsafeBufferPointer<UInt8>, first: Bool) {
        let n = buf.count
        var pos = 0
        if first, n >= 3, buf[0] == 0xEF, buf[1] == 0xBB, buf[2] == 0xBF {
            byteOrderMark = true
            pos = 3
        }
        var line = 0
        let estimate = n / 64 + 16
        start.reserveCapacity(estimate); end.reserveCapacity(estimate)
        next.reserveCapacity(estimate); self.line.reserveCapacity(estimate)
        let raw = UnsafeRawBufferPointer(buf)
        let specials = Self.quotesAndLineEnds
        while pos < n {
            if buf[pos] == 0x0A { line += 1; pos += 1; continue }
            if buf[pos] == 0x0D { if pos + 1 >= n || buf[pos + 1] != 0x0A { line += 1 }; pos += 1; continue }
            let s = pos, startLine = line
            var inQuotes = false
            var e = n, after = n
            while pos < n {
                // Eight bytes at a time past those that are neither a quote nor a line ending.
                while pos &+ 8 <= n {
                    let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: pos, as: UInt64.self))
                    let found = specials.matches(word)
                    if found != 0 { pos &+= found.trailingZeroBitCount &>> 3; break }
                    pos &+= 8
                }
                if pos >= n { break }
                let b = buf[pos]
                if b == 0x22 {
                    inQuotes.toggle()
                } else if b == 0x0A || (b == 0x0D && (pos + 1 >= n || buf[pos + 1] != 0x0A)) {
                    line += 1
                    if !inQuotes { e = pos; after = pos + 1; break }
                }
                pos += 1
            }
            if e > s && buf[e - 1] == 0x0D { e -= 1 }
            pos = after
            start.append(s); end.append(e); next.append(after); self.line.append(startLine)
        }
        lineCount = line
    }
}

extension StreamingWeightedFileWriter {
    /// The copy made by ``emit(_:into:)``: chunks read by one thread, their records found and formatted by
    /// ``threads`` threads (in the calling thread when there is one), and the formatted chunks written in file
    /// order by a thread of their own: the same bytes for every number of threads and chunk size, and a refusal
    /// when the file no longer has the records the first reading saw (blank lines dropped, line feeds and
    /// carriage returns outside quotes ending a record, each record on the line the first reading saw).
    func copyRecords(_ columns: [(name: String, values: [Double])], into sink: inout ByteSink) throws {
        var reader = try CSVChunkReader(path: origin.file, dialect: origin.dialect, chunkSize: chunkSize)
        let delimiter = origin.delimiter
        let replaced = columns.map { c in replacesExisting ? origin.header.firstIndex(of: c.name) : nil }
        let replacing = columns.indices.compactMap { k in replaced[k].map { (field: $0, key: k) } }
        let appended = columns.indices.filter { replaced[$0] == nil }
        let source = self.origin, decimalComma = self.decimalComma
        var row = -1  // -1: the header comes first
        var line = 1
        var first = true
        // The formatted chunks are written by a thread of their own while the next ones are formatted.
        let writer = BackgroundChunkWriter(sink: sink)
        defer { sink = writer.finish() }
        while true {
            let (batch, failure) = reader.nextByteChunks(threads)
            if batch.isEmpty { if let failure { throw failure }; break }
            let spans = ParallelWork.map(batch.count, threads: threads) { i in
                batch[i].withUnsafeBufferPointer { RecordSpans($0, first: first && i == 0) }
            }
            // Each chunk's first row and line, from the counts of the chunks before it.
            var firstRow: [Int] = [], firstLine: [Int] = []
            for s in spans {
                firstRow.append(row); firstLine.append(line)
                row += s.start.count
                line += s.lineCount
            }
            first = false
            let formatted = ParallelWork.map(batch.count, threads: threads) { i -> [UInt8]? in
                let s = spans[i]
                var out = ArraySink(bytes: [])
                var numberTexts = FieldTextCache(decimalComma: decimalComma)
                out.bytes.reserveCapacity(batch[i].count + s.start.count * 24)
                let ok = batch[i].withUnsafeBufferPointer { buf -> Bool in
                    if s.byteOrderMark { out.write(UnsafeBufferPointer(rebasing: buf[0..<3])) }
                    for k in s.start.indices {
                        let r = firstRow[i] + k
                        let record = UnsafeBufferPointer(rebasing: buf[s.start[k]..<s.end[k]])
                        if r < 0 {
                            out.write(record)
                            for c in appended {
                                out.write(CollectionOfOne(delimiter))
                                out.write(CSVField.quoted(columns[c].name, delimiter: delimiter).utf8)
                            }
                        } else {
                            guard r < source.lines.count, Int(source.lines[r]) == firstLine[i] + s.line[k] else {
                                return false
                            }
                            ReplacedFields.write(record, replacing: replacing, delimiter: delimiter, into: &out) { c in
                                NumberFormat.field(columns[c].values[r], decimalComma: decimalComma)
                            }
                            for c in appended {
                                out.write(CollectionOfOne(delimiter))
                                numberTexts.write(columns[c].values[r], into: &out)
                            }
                        }
                        out.write(UnsafeBufferPointer(rebasing: buf[s.end[k]..<s.next[k]]))  // the line's own ending
                    }
                    return true
                }
                return ok ? out.bytes : nil
            }
            for bytes in formatted {
                guard let bytes else { throw DataError.changedWhileReading(file: origin.file) }
                writer.enqueue(bytes)
                if let failure = writer.failure { throw failure }
            }
            if let failure { throw failure }
        }
        guard row == origin.lines.count, try FileSignature(path: origin.file) == origin.signature else {
            throw DataError.changedWhileReading(file: origin.file)
        }
    }
}
