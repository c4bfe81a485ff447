import Foundation
import Weighting

/// Writes runs of formatted bytes to a ``ByteSink`` on a thread of its own, in the order they are handed over,
/// so that the next runs are formatted while the kernel copies the previous ones (the copy of a weighted file
/// is then not formatting and writing in turn).
///
/// At most ``limit`` runs wait at a time: ``enqueue(_:)`` blocks beyond that, so memory holds a few runs. The
/// sink's first failure stops the writing (later runs are dropped) and is kept in the sink returned by
/// ``finish()``, which every caller must call once, also when it stops early.
final class BackgroundChunkWriter: @unchecked Sendable {
    private var sink: ByteSink
    private let condition = NSCondition()
    private var pending: [[UInt8]] = []
    private var closed = false
    private var running = true
    private let limit: Int

    /// Starts the writing thread over `sink`.
    init(sink: ByteSink, limit: Int = 1) {
        self.sink = sink
        self.limit = max(1, limit)
        let thread = Thread { [self] in self.run() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Hands over a run of bytes to write after the ones before it; waits while ``limit`` runs are pending.
    func enqueue(_ bytes: [UInt8]) {
        condition.lock()
        while pending.count >= limit && running { condition.wait() }
        if running { pending.append(bytes) }
        condition.signal()
        condition.unlock()
    }

    /// The first write failure so far, if any (a caller may stop handing over runs).
    var failure: DataError? {
        condition.lock(); defer { condition.unlock() }
        return running ? nil : sink.failure
    }

    /// Waits until every run handed over is written (or the writing failed) and gives the sink back.
    func finish() -> ByteSink {
        condition.lock()
        closed = true
        condition.broadcast()
        while running { condition.wait() }
        let out = sink
        condition.unlock()
        return out
    }

    private func run() {
        condition.lock()
        while true {
            while pending.isEmpty && !closed { condition.wait() }
            if pending.isEmpty { break }
            let bytes = pending.removeFirst()
            condition.broadcast()
            condition.unlock()
            // The sink is touched by this thread alone until `running` turns false.
            bytes.withUnsafeBytes { sink.writeDirectly($0) }
            condition.lock()
            if sink.failure != nil { pending.removeAll(); break }
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
