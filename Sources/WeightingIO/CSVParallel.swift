#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Weighting

/// How many threads read, convert and write the chunks of a delimited file.
///
/// Chunks are cut at record boundaries by one thread, converted by several, and their results merged in file
/// order by one thread again: level codes, values, written bytes and the first error (in file order) are the
/// same whatever the number of threads and the chunk size. The count is a parameter of every reader and writer
/// that uses it, never read from the environment.
public enum ReadingThreads {
    /// The processors online (at least 1): the default of the readers and writers.
    public static var available: Int {
        ParallelWork.processors
    }
}


/// What one thread makes of one chunk of a streamed file for ``Table/init(streaming:dialect:categorical:numeric:chunkSize:threads:)``:
/// the chunk split and checked as if it started on line 1, its categorical columns encoded with a level table
/// of its own, its numeric columns converted. The merge, in file order, shifts the lines and maps the chunk's
/// level codes to the file's.
struct StreamedChunk {
    /// Records' physical lines counted from 1 at the chunk's first byte.
    var lines: [UInt32] = []
    /// The chunk's next line, counted the same way (its line count is `nextLine - 1`).
    var nextLine = 1
    var encoders: [CSVLevelEncoder] = []
    var values: [[Double]] = []
    /// Whether splitting or converting the chunk failed: the chunk is then read again by the merging thread with
    /// its true first line, to throw the error the one-thread reading throws.
    var failed = false

    init(bytes: [UInt8], file: String, dialect: CSVDialect, continuation: CSVBuffer.Continuation,
         categorical: [Int], numeric: [Int]) {
        do {
            let chunk = try CSVBuffer(bytes: bytes, file: file, dialect: dialect, continuing: continuation,
                                      firstLine: 1, allowNoRows: true,
                                      projection: Array(Set(categorical + numeric)).sorted())
            nextLine = chunk.nextLine
            guard chunk.rowCount > 0 else { return }
            lines = chunk.lines
            for j in categorical {
                var encoder = CSVLevelEncoder()
                encoder.append(chunk, column: j)
                encoders.append(encoder)
            }
            for j in numeric { values.append(try chunk.numeric(column: j, decimalComma: dialect.decimalComma).values) }
        } catch {
            failed = true
        }
    }
}

extension CSVChunkReader {
    /// Up to `count` further runs of whole records as raw bytes (see ``nextBytes()``), fewer at the end of the
    /// file, and the error that stopped the reading, if any: the runs read before it are still returned, so that
    /// their own errors, which a one-thread reading meets first, can be thrown first.
    mutating func nextByteChunks(_ count: Int) -> (chunks: [[UInt8]], failure: (any Error)?) {
        var out: [[UInt8]] = []
        do {
            while out.count < count, let bytes = try nextBytes() { out.append(bytes) }
        } catch {
            return (out, error)
        }
        return (out, nil)
    }
}
