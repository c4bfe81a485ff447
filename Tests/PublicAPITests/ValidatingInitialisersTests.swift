import Testing
import Weighting  // the public API only: no @testable

/// Public initialisers check the shapes they are given and throw a typed error naming what is wrong, instead of
/// stopping the program (#19 item 1): a Swift user's bad input is an error to catch, not a crash.
@Suite("Public initialisers validate their lengths and throw")
struct ValidatingInitialisersTests {
    @Test("a table whose columns differ in length is refused, naming both columns and their lengths")
    func tableColumnsOfDifferentLengths() {
        #expect(throws: DataError.columnLengthMismatch(table: "sample", column: "d", expected: 3, found: 2, firstColumn: "region")) {
            try Table(["region": .categorical(["N", "S", "S"]), "d": .numeric([10, 12])], source: "sample")
        }
        do {
            _ = try Table(columns: [("region", .categorical(["N", "S", "S"])), ("d", .numeric([10, 12]))])
            Issue.record("no error")
        } catch {
            #expect("\(error)" == "table: column 'd' has 2 values but column 'region' has 3; every column of a table needs one value per record")
        }
    }

    @Test("a table naming a column twice is refused, with the two positions")
    func tableWithADuplicateName() {
        #expect(throws: DataError.duplicateColumn(file: "table", name: "d", columns: [1, 3])) {
            try Table(columns: [("d", .numeric([1])), ("region", .categorical(["N"])), ("d", .numeric([2]))])
        }
    }

    @Test("a well-formed table is built, its columns in order")
    func wellFormedTable() throws {
        let t = try Table(columns: [("region", .categorical(["N", nil])), ("d", .numeric([1, 2]))])
        #expect(t.names == ["region", "d"])
        #expect(t.rowCount == 2)
    }

    @Test("a margin without one target per category, or a category without one level per variable, is refused")
    func malformedMargins() {
        #expect(throws: MarginsError.malformedMargin(name: "region", reason: "2 categories but 1 targets")) {
            try CategoricalMargin(variables: ["region"], levels: [["N"], ["S"]], targets: [5])
        }
        #expect(throws: MarginsError.malformedMargin(name: "region*size", reason: "category 2 gives 1 level(s) for 2 variable(s)")) {
            try CategoricalMargin(variables: ["region", "size"], levels: [["N", "small"], ["S"]], targets: [5, 6])
        }
        #expect(throws: MarginsError.malformedMargin(name: "", reason: "it names no variable")) {
            try CategoricalMargin(variables: [], levels: [], targets: [])
        }
    }

    @Test("replicate weights without one scale per replicate, or of unequal lengths, are refused")
    func malformedReplicateWeights() {
        #expect(throws: DesignError.lengthMismatch(what: "replicate scales (rscales)", expected: 2, found: 1)) {
            try ReplicateWeights(method: "JK1", weights: [[1, 2], [2, 1]], scale: 0.5, rscales: [1])
        }
        #expect(throws: DesignError.lengthMismatch(what: "records of a replicate", expected: 2, found: 3)) {
            try ReplicateWeights(method: "JK1", weights: [[1, 2], [2, 1, 3]], scale: 0.5, rscales: [1, 1])
        }
    }
}
