import Foundation
import Testing
import Weighting
import WeightingIO
import WeightingTestSupport

/// `Table(streamingColumns:)`: the same columns as a whole-file read, variables beyond the memory budget read in
/// further passes, and a file changed between passes refused.
@Suite("streamed columns")
struct StreamingColumnsTests {
    static let text: String = {
        var s = "id,g,y,z,t\n"
        for i in 0..<500 { s += "\(i),\(["a", "b", "\"c\""][i % 3]),\(i % 7 == 0 ? "NA" : String(Double(i) / 8)),\(i % 5),\(i < 400 ? "1" : "x")\n" }
        return s
    }()

    static let plan = [StreamedColumnPlan(name: "g", kind: .categorical),
                       StreamedColumnPlan(name: "y", kind: .numericOrCategorical, once: true),
                       StreamedColumnPlan(name: "z", kind: .numericOrCategorical, once: true),
                       StreamedColumnPlan(name: "t", kind: .numericOrCategorical, once: true)]

    @Test("every column equals the whole-file read's, for chunk sizes from one record to the file, budgets from 0 and 1 to 3 threads",
          arguments: [(64, 0, 1), (64, 0, 3), (200, 1 << 30, 2), (4096, 4000, 3), (1 << 20, 1 << 30, 1), (1 << 20, 1 << 30, 2)])
    func sameColumns(_ setting: (chunk: Int, budget: Int, threads: Int)) throws {
        let path = try temporaryFile(Self.text)
        let whole = try Table(contentsOf: path)
        let streamed = try Table(streamingColumns: path, plan: Self.plan, chunkSize: setting.chunk, memoryBudget: setting.budget,
                                 threads: setting.threads)
        #expect(streamed.names == whole.names && streamed.rowCount == whole.rowCount)
        #expect(try streamed.categorical("g") == whole.categorical("g"))
        #expect(try streamed.numeric("y") == whole.numeric("y"))
        #expect(try streamed.numeric("z") == whole.numeric("z"))
        // Not numeric after 400 records: the same error, then the same levels.
        #expect(errorText { _ = try streamed.numeric("t") } == errorText { _ = try whole.numeric("t") })
        #expect(errorText { _ = try streamed.numeric("t") }.contains(":402:5"))
        #expect(try streamed.categorical("t") == whole.categorical("t"))
        // Outside the plan, and asked again after being let go: another pass, same values.
        #expect(try streamed.numeric("id") == whole.numeric("id"))
        #expect(try streamed.numeric("y") == whole.numeric("y"))
        #expect(errorText { _ = try streamed.numeric("g") } == errorText { _ = try whole.numeric("g") })
        #expect(errorText { _ = try streamed.index(of: "absent") } == errorText { _ = try whole.index(of: "absent") })
        try streamed.checkStreamedReading()
    }

    @Test("with no budget each variable costs one more pass; with room, one pass reads them all")
    func passes() throws {
        let path = try temporaryFile(Self.text)
        let tight = try Table(streamingColumns: path, plan: Self.plan, chunkSize: 1000, memoryBudget: 0)
        for v in ["y", "z"] { _ = try tight.numeric(v) }
        #expect(tight.streamedPasses == 2)  // y in the first pass (one variable always), z in a second
        let roomy = try Table(streamingColumns: path, plan: Self.plan, chunkSize: 1000, memoryBudget: 1 << 30)
        for v in ["y", "z"] { _ = try roomy.numeric(v) }
        #expect(roomy.streamedPasses == 1)
    }

    @Test("a file changed between passes is refused: the column asked for throws, and the check says why")
    func changedBetweenPasses() throws {
        let path = try temporaryFile(Self.text)
        let table = try Table(streamingColumns: path, plan: Self.plan, chunkSize: 1000, memoryBudget: 0)
        _ = try table.numeric("y")
        try Data((Self.text + "500,a,1,1,1\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StreamedReadingError.changedBetweenPasses(file: path)) { _ = try table.numeric("z") }
        _ = try table.categorical("g")  // still held: no pass
        #expect(throws: StreamedReadingError.changedBetweenPasses(file: path)) { try table.checkStreamedReading() }
    }
}
