import Foundation
import Weighting

/// A ``CSVChunkReader`` that splits the next chunk on a thread of its own while the caller converts the current
/// one: the same chunks in the same order, and the same error at the same point (a chunk's splitting error is
/// thrown when that chunk is asked for, after the chunks before it), but the split of a streamed file is no
/// longer a one-thread phase between conversions.
///
/// At most one chunk is read ahead. The caller must call ``close()`` once it stops asking, also when it stops
/// early, so that the reading thread ends and the file is closed.
final class PrefetchingChunkReader: @unchecked Sendable {
    private var reader: CSVChunkReader
    private let condition = NSCondition()
    private var ready: Result<CSVBuffer?, Error>?
    private var closed = false
    private var running = true

    /// Starts reading ahead from `reader` (its first chunk already taken, its projection set).
    init(_ reader: consuming CSVChunkReader) {
        self.reader = reader
        let thread = Thread { [self] in self.run() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The next chunk (see ``CSVChunkReader/next()``), waiting for it if it is not split yet.
    func next() throws -> CSVBuffer? {
        condition.lock()
        while ready == nil && running { condition.wait() }
        guard let result = ready else {
            condition.unlock()
            return nil  // the reading ended with the chunk before (nil or an error was handed out already)
        }
        ready = nil
        condition.broadcast()
        condition.unlock()
        return try result.get()
    }

    /// Stops reading ahead and waits for the reading thread to end.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while ready != nil && !closed { condition.wait() }
            if closed { break }
            condition.unlock()
            // Only this thread touches the reader until `running` turns false.
            let result = Result { try reader.next() }
            condition.lock()
            ready = result
            condition.broadcast()
            let ended: Bool
            switch result {
            case .success(let chunk): ended = chunk == nil
            case .failure: ended = true
            }
            if ended { break }
            condition.unlock()
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
