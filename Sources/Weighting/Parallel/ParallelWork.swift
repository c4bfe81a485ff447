#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Independent pieces of work on a few threads, results in index order: the one parallel loop of the package
/// (chunks of a file in WeightingIO, variables of an estimate, replicates of a bootstrap).
package enum ParallelWork {
    /// The processors online (at least 1).
    package static var processors: Int {
        #if canImport(Glibc) || canImport(Darwin)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }

    /// `body(i)` for every `i` in `0..<count`, on up to `threads` threads, each worker taking the next index when
    /// it is done (a slow piece does not hold up the others); with one thread, in the calling thread, in order.
    /// The results are in index order either way.
    package static func map<T>(_ count: Int, threads: Int, _ body: (Int) -> T) -> [T] {
        if threads <= 1 || count <= 1 { return (0..<count).map(body) }
        var results = [T?](repeating: nil, count: count)
        let workers = min(threads, count)
        let next = NextIndex()
        withoutActuallyEscaping(body) { body in
            results.withUnsafeMutableBufferPointer { out in
                // Each index is written by one worker only, and read after every worker has returned.
                let shared = UncheckedSendable((out: out.baseAddress!, body: body))
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    while let i = next.take(below: count) { (shared.value.out + i).pointee = shared.value.body(i) }
                }
            }
        }
        return results.map { $0! }
    }

    /// The next index to hand out, under a mutex.
    private final class NextIndex: @unchecked Sendable {
        private var value = 0
        private let lock = NSLockLike()
        func take(below count: Int) -> Int? {
            lock.locked {
                guard value < count else { return nil }
                value += 1
                return value - 1
            }
        }
    }
}

/// A value shared by the workers of ``ParallelWork/map(_:threads:_:)`` without data races by construction
/// (distinct indices, read-only closures).
package struct UncheckedSendable<Value>: @unchecked Sendable {
    package let value: Value
    package init(_ value: Value) { self.value = value }
}
