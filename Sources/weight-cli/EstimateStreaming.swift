#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Weighting
import WeightingIO

/// How `estimate` and `compare` read a delimited data file: in chunks, keeping only the codes and numbers of
/// the columns they use (``Table/init(streamingColumns:dialect:plan:chunkSize:memoryBudget:threads:)``), never the
/// text of the file. Same values, levels, errors and outputs as reading the file whole.
///
/// The file is read whole instead when the command copies its rows (`--write-replicates`) or takes columns by
/// prefix (`--variance replicates`). Environment variables for tests and benchmarks:
/// `WEIGHTING_STREAM=0` reads the file whole; `WEIGHTING_STREAM_CHUNK_BYTES` and
/// `WEIGHTING_STREAM_BUDGET_BYTES` set the chunk size and the memory budget of the variables held at a time.
enum StreamedInput {
    /// Whether the environment leaves streaming on.
    static var enabled: Bool { environment("WEIGHTING_STREAM") != "0" }

    /// Bytes read at a time (`WEIGHTING_STREAM_CHUNK_BYTES`, default 8 MiB).
    static var chunkSize: Int {
        environment("WEIGHTING_STREAM_CHUNK_BYTES").flatMap { Int($0) }.map { max(1, $0) } ?? 8 << 20
    }

    /// The table of `path`, read in chunks with `plan`.
    static func table(_ path: String, dialect: CSVDialect, plan: [StreamedColumnPlan]) throws -> Table {
        let budget = environment("WEIGHTING_STREAM_BUDGET_BYTES").flatMap { Int($0) }.map { max(0, $0) } ?? 384 << 20
        return try Table(streamingColumns: path, dialect: dialect, plan: plan, chunkSize: chunkSize, memoryBudget: budget)
    }

    /// The columns a design and a calibration ask for: weights and the fpc as numbers, strata, clusters and
    /// the margins' variables as levels (numeric totals as numbers). A margins file that cannot be read adds
    /// nothing: the command reports it when it reads it.
    static func designPlan(weight: String?, strata: String?, cluster: String?, fpc: String?, margins: String?,
                           groupBy: String?, dialect: CSVDialect) -> [StreamedColumnPlan] {
        var plan: [StreamedColumnPlan] = []
        if let weight { plan.append(.init(name: weight, kind: .numeric)) }
        if let fpc { plan.append(.init(name: fpc, kind: .numeric)) }
        for c in [strata, cluster, groupBy].compactMap({ $0 }) { plan.append(.init(name: c, kind: .categorical)) }
        if let margins, groupBy == nil, let read = try? MarginsFile.read(margins, scale: .counts, dialect: dialect) {
            for m in read.categorical { for v in m.variables { plan.append(.init(name: v, kind: .categorical)) } }
            for t in read.numeric { plan.append(.init(name: t.variable, kind: .numeric)) }
        }
        return plan
    }

    /// Runs `body` on `table`, then checks that its file did not change between passes
    /// (``Table/checkStreamedReading()``): that problem is reported first, also when `body` failed because of it.
    static func checking(_ table: Table, _ body: () throws -> Void) throws {
        do { try body() } catch {
            try table.checkStreamedReading()
            throw error
        }
        try table.checkStreamedReading()
    }

    /// Runs `body` checking each of `tables` in turn (``checking(_:_:)``), the first table's problem first.
    static func checking(_ tables: [Table], _ body: () throws -> Void) throws {
        guard let first = tables.first else { return try body() }
        try checking(first) { try checking(Array(tables.dropFirst()), body) }
    }

    private static func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
}

extension EstimateCommand {
    /// The data file in chunks (see ``StreamedInput``), or nil when it is read whole.
    func streamedTable(dialect: CSVDialect) throws -> Table? {
        guard StreamedInput.enabled, writeReplicates == nil, designOptions.variance != .replicates else { return nil }
        var plan = StreamedInput.designPlan(weight: designOptions.weight, strata: designOptions.strata,
                                            cluster: designOptions.cluster, fpc: designOptions.fpc,
                                            margins: designOptions.margins, groupBy: designOptions.groupBy,
                                            dialect: dialect)
        plan += commaList(by).map { StreamedColumnPlan(name: $0, kind: .categorical) }
        if statistic == .ratio, let denominator { plan.append(.init(name: denominator, kind: .numeric)) }
        // Each variable is estimated once: memory holds a few at a time.
        plan += commaList(variables).map { StreamedColumnPlan(name: $0, kind: .numericOrCategorical, once: true) }
        return try StreamedInput.table(data, dialect: dialect, plan: plan)
    }
}
