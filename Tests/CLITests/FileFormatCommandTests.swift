import Foundation
import Testing
import WeightingTestSupport
import Weighting

/// The commands on SPSS, Stata and SAS files (fixtures by pyreadstat and R haven in
/// `Tests/WeightingTests/Fixtures/formats`) and their Excel output, run through the built binary.
@Suite("File formats on the command line")
struct FileFormatCommandTests {
    static let fixtures = CLI.repositoryRoot.appendingPathComponent("Tests/WeightingTests/Fixtures/formats")
    static let margins = CLI.repositoryRoot.appendingPathComponent("data/margins/communes_region_taille.csv").path
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// The weights of a CSV written by calibrate, parsed from their shortest round-trip text.
    static func csvWeights(_ path: String) throws -> [Double] {
        let t = try Table(contentsOf: path)
        return try t.numeric("weight").values
    }

    @Test("the weights from a .sav equal, bit for bit, those from the same data as CSV (margins by label or by code)")
    func savWeightsEqualCSVWeights() throws {
        let dir = try scratchDirectory()
        let csvOut = dir.appendingPathComponent("w.csv").path, savOut = dir.appendingPathComponent("w.sav").path
        let codesOut = dir.appendingPathComponent("codes.zsav").path
        #expect(try CLI.run(["calibrate", Self.fixture("barometre.csv"), "--margins", Self.margins, "-o", csvOut]).status == 0)
        #expect(try CLI.run(["calibrate", Self.fixture("barometre.sav"), "--margins", Self.margins, "-o", savOut]).status == 0)
        #expect(try CLI.run(["calibrate", Self.fixture("barometre.sav"), "--margins", Self.fixture("margins_codes.csv"),
                             "-o", codesOut]).status == 0)
        let expected = try Self.csvWeights(csvOut)
        let fromSav = try Table.read(statFile: savOut, format: .sav).table.numeric("weight").values
        let fromCodes = try Table.read(statFile: codesOut, format: .zsav).table.numeric("weight").values
        #expect(fromSav.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(fromCodes.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test("calibrate keeps every variable, label, format and missing definition and labels the weight")
    func calibrateKeepsDictionary() throws {
        let dir = try scratchDirectory()
        let out = dir.appendingPathComponent("w.sav").path
        let r = try CLI.run(["calibrate", Self.fixture("barometre.sav"), "--margins", Self.margins, "--weight-column", "poids", "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let (back, source) = try Table.read(statFile: out, format: .sav)
        let (original, originalSource) = try Table.read(statFile: Self.fixture("barometre.sav"), format: .sav)
        #expect(source.metadata.variables.map(\.name) == originalSource.metadata.variables.map(\.name) + ["poids"])
        #expect(source.metadata.variable("poids")?.label == "Calibration weight: raking on region, taille")
        #expect(source.metadata.fileLabel == originalSource.metadata.fileLabel)
        for (a, b) in zip(source.metadata.variables, originalSource.metadata.variables) {
            #expect(a.label == b.label && a.format == b.format && a.missingRanges == b.missingRanges && a.measure == b.measure, "\(a.name)")
            #expect(source.metadata.labels(of: a.name) == originalSource.metadata.labels(of: b.name), "\(a.name)")
        }
        for name in original.names { #expect(try back.categorical(name) == original.categorical(name), "\(name)") }
    }

    @Test("the format follows --output's extension or --output-format: a .sav written as Stata and as SAS transport")
    func writtenFormat() throws {
        let dir = try scratchDirectory()
        let dta = dir.appendingPathComponent("w.dta").path, xpt = dir.appendingPathComponent("w.out").path
        #expect(try CLI.run(["calibrate", Self.fixture("barometre.sav"), "--margins", Self.margins, "-o", dta]).status == 0)
        #expect(try CLI.run(["calibrate", Self.fixture("barometre.sav"), "--margins", Self.margins, "--output-format", "xpt",
                             "--weight-column", "w", "-o", xpt]).status == 0)
        let a = try Table.read(statFile: dta, format: .dta).table, b = try Table.read(statFile: xpt, format: .xpt).table
        let sav = try Table.read(statFile: Self.fixture("barometre.sav"), format: .sav).table
        #expect(try a.categorical("region") == sav.categorical("region"))
        #expect(try a.numeric("weight").values == b.numeric("w").values)
        #expect(try b.numeric("population").values == sav.numeric("population").values)
    }

    @Test("estimate gives the same table on the .sav as on the CSV (labelled yes/no indicators as proportions)")
    func estimateOnSav() throws {
        let args = ["--variables", "site_web,score_maturite", "--by", "taille", "--margins", Self.margins, "--method", "raking"]
        let a = try CLI.run(["estimate", Self.fixture("barometre.csv")] + args)
        let b = try CLI.run(["estimate", Self.fixture("barometre.sav")] + args)
        #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
        #expect(a.stdout == b.stdout)
        #expect(a.stdout.contains("site_web,oui,"))
    }

    @Test("compare and test read a .dta with --input-format, and inspect lists its labelled levels")
    func otherCommands() throws {
        let dir = try scratchDirectory()
        let copy = dir.appendingPathComponent("latin1.data").path
        try FileManager.default.copyItem(atPath: Self.fixture("latin1.dta"), toPath: copy)
        let r = try CLI.run(["inspect", copy, "--input-format", "dta"])
        #expect(r.status == 0 && r.stdout.contains("Auvergne-Rhône-Alpes"), "\(r.stderr)")
        let t = try CLI.run(["test", Self.fixture("barometre.sav"), "--variable", "site_web", "--category", "oui", "--by", "taille", "--all-equal"])
        #expect(t.status == 0, "\(t.stderr)")
    }

    @Test("estimate, compare and test write .xlsx workbooks (by extension or --format xlsx), with one worksheet")
    func workbooks() throws {
        let dir = try scratchDirectory()
        let e = dir.appendingPathComponent("e.xlsx").path, c = dir.appendingPathComponent("c.out").path
        let t = dir.appendingPathComponent("t.xlsx").path
        #expect(try CLI.run(["estimate", Self.fixture("barometre.sav"), "--variables", "site_web", "-o", e]).status == 0)
        #expect(try CLI.run(["compare", Self.fixture("barometre.sav"), "--variables", "site_web", "--margins", Self.margins,
                             "--format", "xlsx", "-o", c]).status == 0)
        #expect(try CLI.run(["test", Self.fixture("barometre.sav"), "--variable", "score_maturite", "--by", "taille",
                             "--all-equal", "-o", t]).status == 0)
        for path in [e, c, t] {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]), "\(path)")
            #expect(String(decoding: bytes, as: UTF8.self).contains("xl/worksheets/sheet1.xml"))
        }
    }

    @Test("batch runs calibrate over .sav files and writes .sav files")
    func batchOnSav() throws {
        let dir = try scratchDirectory()
        try FileManager.default.copyItem(atPath: Self.fixture("barometre.sav"), toPath: dir.appendingPathComponent("vague1.sav").path)
        try FileManager.default.copyItem(atPath: Self.fixture("barometre.zsav"), toPath: dir.appendingPathComponent("vague1b.zsav").path)
        let jobs = """
        [[jobs]]
        name = "spss"
        command = "calibrate"
        inputs = ["vague1*.*sav"]
        output = "{stem}-pondere.sav"
        options = { margins = "\(Self.margins)", method = "raking" }
        """
        try jobs.write(to: dir.appendingPathComponent("jobs.toml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["batch", "jobs.toml", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)\(r.stdout)")
        let a = try Table.read(statFile: dir.appendingPathComponent("vague1-pondere.sav").path, format: .sav).table
        let b = try Table.read(statFile: dir.appendingPathComponent("vague1b-pondere.sav").path, format: .sav).table
        #expect(try a.numeric("weight").values == b.numeric("weight").values)
    }
}
