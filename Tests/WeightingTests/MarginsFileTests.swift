import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

@Suite("Margins file")
struct MarginsFileTests {
    func parse(_ text: String, scale: TargetScale = .counts) throws -> Margins {
        try MarginsFile.parse(CSVBuffer(bytes: Array(text.utf8), file: "m.csv"), scale: scale)
    }

    @Test("reads categorical, crossed and numeric margins in file order")
    func readsAllKinds() throws {
        let m = try parse("""
            variable,level,target
            region,Nord,60
            region,Sud,40
            region*taille,Nord*petite,30
            region*taille,Nord*grande,30
            region*taille,Sud*petite,40
            pop,,12345.5
            """)
        #expect(m.categorical.count == 2)
        #expect(try m.categorical[0] == CategoricalMargin(variables: ["region"], levels: [["Nord"], ["Sud"]], targets: [60, 40]))
        #expect(m.categorical[1].variables == ["region", "taille"])
        #expect(m.categorical[1].levels[2] == ["Sud", "petite"])
        #expect(m.numeric == [NumericTotal("pop", total: 12345.5)])
        #expect(m.variables == ["region", "taille", "pop"])
    }

    @Test("shares are turned into counts with the population size")
    func shares() throws {
        let m = try parse("variable,level,target\nsex,F,0.52\nsex,M,0.48\nage,,41.5\n", scale: .shares(population: 1000))
        #expect(abs(m.categorical[0].targets[0] - 520) < 1e-9)
        #expect(abs(m.numeric[0].total - 41500) < 1e-9)
    }

    @Test("shares that do not sum to 1 are refused with their sum")
    func sharesNotSummingToOne() {
        let msg = errorText { _ = try parse("variable,level,target\nsex,F,0.5\nsex,M,0.4\n", scale: .shares(population: 10)) }
        #expect(msg.contains("shares of margin 'sex' sum to 0.9"))
    }

    @Test("duplicated rows, negative or non-numeric targets and wrong crossed levels name the line")
    func rowErrors() {
        #expect(errorText { _ = try parse("variable,level,target\nsex,F,5\nsex,F,6\n") }.contains("m.csv:3: margin row sex=F already given on line 2"))
        #expect(errorText { _ = try parse("variable,level,target\nsex,F,-5\n") }.contains("m.csv:2:3 (column 'target'): target -5 is negative"))
        #expect(errorText { _ = try parse("variable,level,target\nsex,F,many\n") }.contains("'many' is not a number"))
        #expect(errorText { _ = try parse("variable,level,target\nsex,F,\n") }.contains("is not a number"))
        #expect(errorText { _ = try parse("variable,level,target\na*b,x,5\n") }.contains("must have 2 parts"))
        #expect(errorText { _ = try parse("var,level,target\nsex,F,5\n") }.contains("'variable' is missing"))
    }

    @Test("margins implying different population sizes are reported with each total")
    func inconsistentTotals() throws {
        let m = try parse("variable,level,target\nsex,F,50\nsex,M,50\nage,young,30\nage,old,71\n")
        let msg = errorText { try m.checkConsistentTotals() }
        #expect(msg.contains("sex: 100; age: 101"))
        let ok = try parse("variable,level,target\nsex,F,50\nsex,M,50\nage,young,30\nage,old,70.00001\n")
        #expect(errorText { try ok.checkConsistentTotals() } == "no error")
    }
}
