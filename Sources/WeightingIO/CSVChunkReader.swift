#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Weighting

/// Reads a delimited file as a sequence of ``CSVBuffer`` chunks of whole records, so that memory stays bounded
/// by the chunk size however large the file is.
///
/// Every chunk is split and checked exactly as a whole file would be (RFC 4180 quoting, field counts, UTF-8),
/// with line numbers counted from the start of the file, so errors name the same file, line and column. The
/// first chunk holds the header; later chunks share it. A chunk ends after the last line feed that is outside
/// quotes, so a quoted field holding line breaks is never cut; a single record longer than the chunk size makes
/// the chunk grow to hold it. Line endings are line feeds, CR LF, or lone carriage returns.
public struct CSVChunkReader: ~Copyable {
    /// The file name used in messages.
    public let file: String
    let dialect: CSVDialect
    let chunkSize: Int
    private let fd: Int32
    private var carry: [UInt8] = []
    private var firstBytes = true
    private var atEnd = false
    private var continuation: CSVBuffer.Continuation?
    private var nextLine = 1
    /// Records returned so far.
    public private(set) var rowCount = 0
    /// The only columns whose fields will be read from the chunks after the first (sorted, distinct), or nil for
    /// all: those chunks are still split and checked in full, but keep only these columns' boundaries (see
    /// ``CSVBuffer``).
    var projection: [Int]?

    /// Opens a file.
    ///
    /// - Parameter chunkSize: bytes read at a time (default 8 MiB).
    /// - Throws: ``DataError/cannotRead(file:reason:)``.
    public init(path: String, dialect: CSVDialect = CSVDialect(), chunkSize: Int = 8 << 20) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError.cannotRead(file: path, reason: FileIO.errnoText()) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let reason = FileIO.errnoText()
            close(fd)
            throw DataError.cannotRead(file: path, reason: reason)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw DataError.cannotRead(file: path, reason: "it is a directory")
        }
        self.fd = fd
        self.file = path
        self.dialect = dialect
        // No buffer larger than a regular file needs (one byte more, to see its end in one read).
        let isRegular = (st.st_mode & S_IFMT) == S_IFREG
        self.chunkSize = max(1, isRegular ? min(chunkSize, Int(st.st_size) + 1) : chunkSize)
    }

    deinit { close(fd) }

    /// The next chunk of whole records, or `nil` after the last one. The first chunk always exists (an empty
    /// file or one with a header only is an error, as for ``CSVBuffer``).
    public mutating func next() throws -> CSVBuffer? {
        while true {
            guard let bytes = try nextBytes() else { return try finish() }
            if continuation == nil {
                // UTF-16 is recognised on the file's first KiB, as when the file is read whole, however small the
                // first chunk: more is read ahead when the chunk is shorter.
                while !atEnd && bytes.count + carry.count < CSVBuffer.utf16SampleBytes { try fill() }
                try CSVBuffer.refuseUTF16(Array((bytes + carry).prefix(CSVBuffer.utf16SampleBytes)), file: file)
                let chunk = try CSVBuffer(bytes: bytes, file: file, dialect: dialect, continuing: nil, firstLine: 1,
                                          allowNoRows: !(atEnd && carry.isEmpty), utf16Checked: true)
                continuation = CSVBuffer.Continuation(header: chunk.header, delimiter: chunk.delimiter,
                                                      lineEnding: chunk.lineEnding)
                return accept(chunk)
            }
            let chunk = try CSVBuffer(bytes: bytes, file: file, dialect: dialect, continuing: continuation,
                                      firstLine: nextLine, allowNoRows: true, projection: projection)
            if chunk.rowCount == 0 { nextLine = chunk.nextLine; continue }  // only blank lines
            return accept(chunk)
        }
    }

    /// The next run of whole records as raw bytes (the first one starts with the header and may start with a
    /// byte-order mark), without splitting or checking them; `nil` at the end of the file. For a second pass
    /// over a file already checked by ``next()``.
    public mutating func nextBytes() throws -> [UInt8]? {
        while true {
            if atEnd && carry.isEmpty { return nil }
            if !atEnd { try fill() }
            let cut = atEnd ? carry.count : CSVChunkReader.lastRecordEnd(carry)
            if cut == 0 && !atEnd { continue }  // no complete record yet: read more
            if firstBytes && !atEnd && carry[0..<cut].allSatisfy({ $0 == 0x0A || $0 == 0x0D }) { continue }
            firstBytes = false
            // The records leave with the buffer they were read into; only the partial record after them is
            // copied, to start the next buffer.
            var bytes = carry
            carry = Array(bytes[cut...])
            bytes.removeSubrange(cut...)
            return bytes
        }
    }

    private mutating func accept(_ chunk: CSVBuffer) -> CSVBuffer {
        nextLine = chunk.nextLine
        rowCount += chunk.rowCount
        return chunk
    }

    private mutating func finish() throws -> CSVBuffer? {
        if continuation == nil { throw DataError.emptyFile(file: file) }
        if rowCount == 0 { throw DataError.noDataRows(file: file) }
        return nil
    }

    /// Appends up to `chunkSize` bytes to the carried-over bytes, read straight into a new buffer behind them (the
    /// chunk handed out later is that buffer: the bytes are copied once, by the kernel).
    private mutating func fill() throws {
        let kept = carry.count, size = chunkSize, fd = self.fd
        var failure: Int32 = 0
        let grown = [UInt8](unsafeUninitializedCapacity: kept + size) { buf, count in
            carry.withUnsafeBufferPointer { old in
                if kept > 0 { buf.baseAddress!.update(from: old.baseAddress!, count: kept) }
            }
            var got = 0
            while got < size {
                let r = read(fd, buf.baseAddress! + kept + got, size - got)
                if r < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if r == 0 { break }
                got += r
            }
            count = kept + got
        }
        if failure != 0 {
            errno = failure
            throw DataError.cannotRead(file: file, reason: FileIO.errnoText())
        }
        if grown.count - kept < size { atEnd = true }
        carry = grown
    }

    /// One past the last line ending outside double quotes (0 if none), scanning from a record boundary: a line
    /// feed, or a lone carriage return (one followed by another byte than a line feed; a carriage return that
    /// ends the bytes may be the first half of CR LF, so it waits for the next read).
    ///
    /// Without any double quote in the bytes (the usual case), the answer is found by one `memchr` for a quote
    /// (vectorized by the C library) and a backward scan over the last partial record, instead of a test per
    /// byte; the forward scan below handles quoted fields.
    static func lastRecordEnd(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress, buf.count > 0 else { return 0 }
            if memchr(base, 0x22, buf.count) == nil {
                let n = buf.count
                var k = n
                while k > 0 {
                    let b = buf[k - 1]
                    if b == 0x0A || (b == 0x0D && k < n && buf[k] != 0x0A) { break }
                    k -= 1
                }
                return k
            }
            var inQuotes = false, end = 0
            let n = buf.count
            for i in 0..<n {
                let b = buf[i]
                if b == 0x22 {
                    inQuotes.toggle()
                } else if !inQuotes && (b == 0x0A || (b == 0x0D && i + 1 < n && buf[i + 1] != 0x0A)) {
                    end = i + 1
                }
            }
            return end
        }
    }
}
