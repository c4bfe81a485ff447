import Foundation
import Testing
import WeightingTestSupport
import Weighting
import WeightingIO

/// `estimate --write-replicates` on SPSS, Stata and SAS inputs (issue 16): the replicate weights written in the
/// input's format (or the one the file's extension names) with the input's dictionary, equal to those written
/// from the same data as CSV. Fixtures: `Tests/WeightingTests/Fixtures/formats` (pyreadstat and R haven).
@Suite("Replicate weights written as SPSS, Stata and SAS files")
struct ReplicateFileTests {
    static let fixtures = CLI.repositoryRoot.appendingPathComponent("Tests/WeightingTests/Fixtures/formats")
    static let margins = CLI.repositoryRoot.appendingPathComponent("data/margins/communes_region_taille.csv").path
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
    static let arguments = ["--variables", "site_web", "--margins", margins, "--variance", "bootstrap", "--replicates", "4"]

    @Test("a .sav input gives a .sav with every variable, value label, variable label and missing definition, plus labelled weight and rep_1..rep_4 equal bit for bit to the CSV run's")
    func savKeepsDictionary() throws {
        let dir = try scratchDirectory()
        let sav = dir.appendingPathComponent("reps.sav").path, csv = dir.appendingPathComponent("reps.csv").path
        let a = try CLI.run(["estimate", Self.fixture("barometre.sav"), "--write-replicates", sav] + Self.arguments)
        let b = try CLI.run(["estimate", Self.fixture("barometre.csv"), "--write-replicates", csv] + Self.arguments)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let (back, source) = try Table.read(statFile: sav, format: .sav)
        let (original, originalSource) = try Table.read(statFile: Self.fixture("barometre.sav"), format: .sav)
        let added = ["weight", "rep_1", "rep_2", "rep_3", "rep_4"]
        #expect(source.metadata.variables.map(\.name) == originalSource.metadata.variables.map(\.name) + added)
        for (x, y) in zip(source.metadata.variables, originalSource.metadata.variables) {
            #expect(x.label == y.label && x.format == y.format && x.missingRanges == y.missingRanges, "\(x.name)")
            #expect(source.metadata.labels(of: x.name) == originalSource.metadata.labels(of: y.name), "\(x.name)")
        }
        for name in original.names { #expect(try back.categorical(name) == original.categorical(name), "\(name)") }
        #expect(source.metadata.variable("rep_3")?.label == "Replicate weight 3 of 4 (bootstrap)")
        #expect(source.metadata.variable("weight")?.label == "Full-sample weight (estimate --write-replicates)")
        let fromCSV = try Table(contentsOf: csv)
        for name in added { #expect(try back.numeric(name).values == fromCSV.numeric(name).values, "\(name)") }
    }

    @Test("the extension of the file chooses the format: a .sav input's replicates written as Stata .dta, labels kept")
    func dtaFromSav() throws {
        let dir = try scratchDirectory()
        let dta = dir.appendingPathComponent("reps.dta").path
        let r = try CLI.run(["estimate", Self.fixture("barometre.sav"), "--write-replicates", dta] + Self.arguments)
        #expect(r.status == 0, "\(r.stderr)")
        let back = try Table.read(statFile: dta, format: .dta).table
        let sav = try Table.read(statFile: Self.fixture("barometre.sav"), format: .sav).table
        #expect(try back.categorical("region") == sav.categorical("region"))
        #expect(try back.numeric("rep_4").values.allSatisfy { $0.isFinite && $0 >= 0 })
    }
}
