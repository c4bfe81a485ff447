import Foundation
import Testing
import WeightingTestSupport

/// `attrition` reads SPSS, Stata and SAS waves (issue 16) like the other commands: the weights of an SPSS wave 1
/// and a Stata wave 2 (value labels as levels; fixtures written by pyreadstat, `make_fixtures.py` and
/// `make_panel_fixtures.py`) equal, to the last bit, those of the same records in CSV.
@Suite("attrition with SPSS and Stata waves")
struct AttritionStatFilesTests {
    static let fixtures = CLI.repositoryRoot.appendingPathComponent("Tests/WeightingTests/Fixtures/formats")
    static let data = CLI.repositoryRoot.appendingPathComponent("data")

    static func column(_ file: URL, _ name: String) throws -> [String] {
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let j = try #require(header.firstIndex(of: name), "\(file.lastPathComponent) has no column \(name)")
        // The weight columns come last, after any quoted text: count from the end.
        let fromEnd = header.count - j
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return String(fields[fields.count - fromEnd])
        }
    }

    @Test("an SPSS wave 1 and a Stata wave 2 give the CSV waves' cross-sectional, longitudinal and replicate weights bit for bit")
    func statFilesMatchCSV() throws {
        let dir = try scratchDirectory()
        let common = ["--id", "code_insee", "--covariates", "taille,score_maturite,site_web",
                      "--margins", Self.data.appendingPathComponent("margins/communes_region_taille.csv").path,
                      "--calibrate-to-wave1", "score_maturite,site_web", "--replicates", "3", "--seed", "5"]
        let stat = try CLI.run(["attrition", "--wave1", Self.fixtures.appendingPathComponent("barometre.sav").path,
                                "--wave", Self.fixtures.appendingPathComponent("barometre_vague2.dta").path,
                                "--output-dir", "stat"] + common, in: dir)
        #expect(stat.status == 0, "\(stat.stderr)")
        let csv = try CLI.run(["attrition", "--wave1", Self.fixtures.appendingPathComponent("barometre.csv").path,
                               "--wave", Self.data.appendingPathComponent("sample/barometre_vague2.csv").path,
                               "--output-dir", "csv"] + common, in: dir)
        #expect(csv.status == 0, "\(csv.stderr)")
        for (file, columns) in [("wave1_weighted.csv", ["weight"]), ("wave2_weighted.csv", ["weight", "in_panel"]),
                                ("longitudinal.csv", ["weight", "rep_1", "rep_2", "rep_3"])] {
            for c in columns {
                let a = try Self.column(dir.appendingPathComponent("stat/\(file)"), c)
                let b = try Self.column(dir.appendingPathComponent("csv/\(file)"), c)
                #expect(!a.isEmpty && a == b, "\(file) \(c)")
            }
        }
        // The labelled region is written by its labels (the levels the margins name).
        let wave2 = try String(contentsOf: dir.appendingPathComponent("stat/wave2_weighted.csv"), encoding: .utf8)
        #expect(wave2.hasPrefix("code_insee,region,taille,population,site_web,"))
        #expect(wave2.contains(",Auvergne-Rhône-Alpes,10000-49999,42372,oui,"))
    }
}
