import Weighting

/// Writes the header and chosen records of a streamed file, in a given order, with new numeric columns
/// appended, reading the file again chunk by chunk: memory holds the chosen row numbers and one chunk (and the
/// chosen records' bytes when they are not in file order), never the whole file.
///
/// The output is byte for byte what ``WeightedFileWriter`` writes for the file made of the byte-order mark (if
/// any), the header line and the chosen records, each with its own line ending:
/// - header and records are copied as they stand, then the delimiter and the new values (shortest round-trip
///   decimal text, decimal comma when asked for), then the line ending;
/// - a chosen record whose ending is not a line feed (a last line without one, or a lone carriage return) and
///   that is not the last chosen record is followed by the header's line ending; the record's line ending is
///   then what reading that file back sees: an optional carriage return followed by an optional line feed (a
///   blank line this leaves, as after a lone CR followed by CR LF, is dropped as a reader drops it);
/// - the last chosen record keeps its own ending (none for a last line without one).
///
/// Before and after copying, the input is checked to be the file that was read (same device, inode, size and
/// modification time, each record on the line the first reading saw); otherwise nothing is written.
///
/// - Complexity: one pass over the file; O(1) work per record plus the bytes written.
public struct StreamingRecordSubsetWriter: Sendable {
    let origin: StreamOrigin
    /// The chosen records (0-based rows of the file), in output order.
    public let rows: [Int]
    /// Whether numbers use a decimal comma.
    public let decimalComma: Bool
    let chunkSize: Int

    /// A writer of the records `rows` of the file a streamed table was read from.
    ///
    /// - Precondition: `table.isStreamed || table.isStreamedColumns`, every row within the file's records.
    public init(table: Table, rows: [Int], decimalComma: Bool = false, chunkSize: Int = 8 << 20) {
        guard let origin = table.streamedRecords else {
            preconditionFailure("the table was not read with Table(streaming:) or Table(streamingColumns:)")
        }
        precondition(rows.allSatisfy { $0 >= 0 && $0 < origin.lines.count }, "rows of the file")
        self.origin = origin
        self.rows = rows
        self.decimalComma = decimalComma
        self.chunkSize = max(1, chunkSize)
    }

    /// Writes the header and the chosen records with `columns` appended (one value per chosen record, in the
    /// order of ``rows``) into a sink (an output of an ``OutputPlan``), in pieces.
    ///
    /// - Throws: ``DataError/duplicateColumn(file:name:columns:)`` when a new column is already a column of the
    ///   file; ``CalibrationError/nonFinite(_:)`` for a NaN or infinite value (naming its record and its line
    ///   in the output, as when the output is read back); ``DataError/changedWhileReading(file:)``;
    ///   ``DataError/cannotRead(file:reason:)``. What was written into the sink before is then to be discarded
    ///   (an ``OutputPlan`` does).
    public func write(columns: [(name: String, values: [Double])], into sink: inout ByteSink) throws {
        // The checks of WeightedFileWriter, in its order: per column, its name, then its values.
        var nonFinite: (column: Int, record: Int)?
        for (c, column) in columns.enumerated() {
            precondition(column.values.count == rows.count)
            if let j = origin.header.firstIndex(of: column.name) {
                throw DataError.duplicateColumn(file: origin.file, name: column.name, columns: [j + 1, origin.header.count + 1])
            }
            if let i = column.values.firstIndex(where: { !$0.isFinite }) { nonFinite = (c, i); break }
        }
        guard try FileSignature(path: origin.file) == origin.signature else {
            throw DataError.changedWhileReading(file: origin.file)
        }
        let delimiter = origin.delimiter
        let headerEnding = Array(origin.lineEnding.utf8)
        let last = rows.last
        let inOrder = zip(rows, rows.dropFirst()).allSatisfy { $0 < $1 }
        // Records not in file order are kept (bytes and ending) until the pass ends.
        let wanted = inOrder ? [] : Set(rows)
        var kept: [Int: (record: [UInt8], ending: [UInt8])] = [:]
        var next = 0  // in order: the position in `rows` of the next record to write
        var outputLine = 1  // the line of the output the next record starts on
        var numberTexts = FieldTextCache(decimalComma: decimalComma)  // weights repeat per calibration cell

        func emit(_ k: Int, record: UnsafeBufferPointer<UInt8>, ending own: UnsafeBufferPointer<UInt8>) throws {
            let r = rows[k]
            var ending = Array(own)
            if (ending.last ?? record.last) != 0x0A && r != last { ending += headerEnding }
            if let bad = nonFinite, bad.record == k {
                let column = columns[bad.column]
                throw CalibrationError.nonFinite("\(column.name) of record \(k + 1) (line \(outputLine))")
            }
            outputLine += Self.lineBreaks(record) + ending.withUnsafeBufferPointer(Self.lineBreaks)
            sink.write(record)
            for c in columns {
                sink.write(CollectionOfOne(delimiter))
                numberTexts.write(c.values[k], into: &sink)
            }
            // The ending a reader of the output sees: an optional CR, then an optional LF.
            var stop = 0
            if stop < ending.count && ending[stop] == 0x0D { stop += 1 }
            if stop < ending.count && ending[stop] == 0x0A { stop += 1 }
            sink.write(ending[0..<stop])
        }

        var reader = try CSVChunkReader(path: origin.file, dialect: origin.dialect, chunkSize: chunkSize)
        var row = -1  // -1: the header comes first
        var line = 1
        var first = true
        while let bytes = try reader.nextBytes() {
            try bytes.withUnsafeBufferPointer { buf in
                let spans = RecordSpans(buf, first: first)
                if spans.byteOrderMark { sink.write(UnsafeBufferPointer(rebasing: buf[0..<3])) }
                first = false
                for s in spans.start.indices {
                    let record = UnsafeBufferPointer(rebasing: buf[spans.start[s]..<spans.end[s]])
                    let ending = UnsafeBufferPointer(rebasing: buf[spans.end[s]..<spans.next[s]])
                    if row < 0 {
                        sink.write(record)
                        for c in columns {
                            sink.write(CollectionOfOne(delimiter))
                            sink.write(CSVField.quoted(c.name, delimiter: delimiter).utf8)
                        }
                        sink.write(ending)
                        outputLine += Self.lineBreaks(record) + Self.lineBreaks(ending)
                    } else {
                        guard row < origin.lines.count, Int(origin.lines[row]) == line + spans.line[s] else {
                            throw DataError.changedWhileReading(file: origin.file)
                        }
                        if inOrder {
                            if next < rows.count && rows[next] == row {
                                try emit(next, record: record, ending: ending)
                                next += 1
                            }
                        } else if wanted.contains(row) {
                            kept[row] = (Array(record), Array(ending))
                        }
                    }
                    row += 1
                }
                line += spans.lineCount
            }
            if let failure = sink.failure { throw failure }
        }
        guard row == origin.lines.count, try FileSignature(path: origin.file) == origin.signature else {
            throw DataError.changedWhileReading(file: origin.file)
        }
        if !inOrder {
            for k in rows.indices {
                let (record, ending) = kept[rows[k]]!
                try record.withUnsafeBufferPointer { r in
                    try ending.withUnsafeBufferPointer { e in try emit(k, record: r, ending: e) }
                }
                if let failure = sink.failure { throw failure }
            }
        }
    }

    /// Line breaks in `bytes` as a reader counts them: each line feed, and each carriage return not followed by
    /// one (a carriage return ending the bytes counts: what follows in the output is a record, not a line feed).
    static func lineBreaks(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        for (i, b) in bytes.enumerated() where b == 0x0A || (b == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) {
            count += 1
        }
        return count
    }
}
