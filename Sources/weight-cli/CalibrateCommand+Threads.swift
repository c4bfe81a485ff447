import ArgumentParser
import WeightingIO

/// `--threads N`: how many threads read, convert and write the chunks of a delimited file in `calibrate`
/// (default: every processor). The output is the same byte for byte for every count.
struct ThreadCount: Sendable, Equatable, ExpressibleByArgument {
    /// The count, from 1 to ``limit``.
    var value: Int

    /// Counts above this are refused (a typing error rather than a machine).
    static let limit = 1024

    /// A whole number from 1 to ``limit``, or nil.
    init?(argument: String) {
        guard let n = Int(argument), (1...ThreadCount.limit).contains(n) else { return nil }
        value = n
    }

    init(_ value: Int) { self.value = value }

    /// Every processor online.
    static var all: ThreadCount { ThreadCount(ReadingThreads.available) }

    static var defaultValueDescription: String { "every processor" }
}
