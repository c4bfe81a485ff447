import Foundation
import Testing
import WeightingTestSupport

/// `weight-cli change` end to end: the panel change of the bundled barometer waves against R survey (the values
/// of `Tests/WeightingTests/Fixtures/change`, made by `make_change.R`), the attrition-weighted panel, the
/// independent-samples case and the HTML report in headless Chromium.
@Suite("weight-cli change")
struct ChangeCommandTests {
    static let folder = CLI.repositoryRoot.appendingPathComponent("Tests/WeightingTests/Fixtures/change")

    struct Row: Decodable {
        var change: Change
        var pAdjusted: Double?
        struct Change: Decodable {
            var variable, domain: String
            var wave1, wave2: Level
            var change: Contrast
            var independentSE: Double?
            var ratio: Contrast?
        }
        struct Level: Decodable { var estimate: Double; var se: Double?; var n: Int }
        struct Contrast: Decodable { var estimate: Double; var se: Double?; var pValue: Double?; var df: Double }
    }

    static func golden(design: String) throws -> [[String: String]] {
        let lines = try String(contentsOf: folder.appendingPathComponent("change.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        func fields(_ l: String) -> [String] { l.components(separatedBy: ",").map { $0.replacingOccurrences(of: "\"", with: "") } }
        let header = fields(lines[0])
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, fields($0))) }.filter { $0["design"] == design }
    }

    static func close(_ got: Double?, _ want: String?, _ tol: Double) -> Bool {
        guard let want, let w = Double(want), let got else { return false }
        return abs(got - w) <= tol * abs(w)
    }

    @Test("levels, change, ratio and both standard errors equal R's svycontrast on the linked panel (fixed weights, strata)")
    func matchesR() throws {
        let r = try CLI.run(["change", "--wave1", Self.folder.appendingPathComponent("wave1.csv").path,
                             "--wave2", Self.folder.appendingPathComponent("wave2.csv").path, "--id", "code_insee",
                             "--weight1", "w1", "--weight2", "w2", "--strata", "region", "--variables", "site_web,open_data,score_maturite",
                             "--category", "oui", "--by", "taille", "--ratio", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try JSONDecoder().decode([Row].self, from: Data(r.stdout.utf8))
        let golden = try Self.golden(design: "fixed_strat")
        #expect(rows.count == 21 && golden.count == 21)
        for g in golden {
            let label = g["level"]!.isEmpty ? g["variable"]! : "\(g["variable"]!)=\(g["level"]!)"
            let domain = g["domain"] == "all" ? "all" : "taille=\(g["domain"]!)"
            let row = try #require(rows.first { $0.change.variable == label && $0.change.domain == domain }, "\(label) \(domain)")
            let c = row.change
            #expect(String(c.wave1.n) == g["n1"] && String(c.wave2.n) == g["n2"] && String(Int(c.change.df)) == g["df"])
            #expect(Self.close(c.wave1.estimate, g["est1"], 1e-8) && Self.close(c.wave2.estimate, g["est2"], 1e-8))
            #expect(Self.close(c.change.estimate, g["change"], 1e-8) && Self.close(c.ratio?.estimate, g["ratio"], 1e-8))
            #expect(Self.close(c.wave1.se, g["se1"], 1e-6) && Self.close(c.wave2.se, g["se2"], 1e-6), "\(label) \(domain)")
            #expect(Self.close(c.change.se, g["se_change"], 1e-6) && Self.close(c.change.pValue, g["p_change"], 1e-6), "\(label) \(domain)")
            #expect(Self.close(c.independentSE, g["se_independent"], 1e-6), "\(label) \(domain)")
            #expect(Self.close(c.ratio?.se, g["se_ratio"], 1e-6) && Self.close(c.ratio?.pValue, g["p_ratio"], 1e-6), "\(label) \(domain)")
        }
    }

    @Test("without --id the waves are independent samples: the panel SE equals the independent-samples SE")
    func independentWaves() throws {
        let r = try CLI.run(["change", "--wave1", Self.folder.appendingPathComponent("wave1.csv").path,
                             "--wave2", Self.folder.appendingPathComponent("wave2.csv").path,
                             "--weight1", "w1", "--weight2", "w2", "--variables", "score_maturite", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try JSONDecoder().decode([Row].self, from: Data(r.stdout.utf8))
        let c = try #require(rows.first).change
        #expect(abs(c.change.se! - c.independentSE!) <= 1e-12 * c.independentSE!)
        #expect(rows.first?.change.change.df == Double(c.wave1.n + c.wave2.n - 2))
    }

    @Test("the attrition-weighted panel: wave 2 re-weighted from wave 1, its change estimated with both calibrations")
    func attritionWeighted() throws {
        let root = CLI.repositoryRoot
        let r = try CLI.run(["change", "--wave1", root.appendingPathComponent("data/sample/barometre_vague1.csv").path,
                             "--wave2", root.appendingPathComponent("data/sample/barometre_vague2.csv").path, "--id", "code_insee",
                             "--margins", root.appendingPathComponent("data/margins/communes_region_taille.csv").path,
                             "--covariates", "region,taille,score_maturite", "--calibrate-to-wave1", "score_maturite",
                             "--variables", "site_web,score_maturite", "--category", "oui", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try JSONDecoder().decode([Row].self, from: Data(r.stdout.utf8))
        #expect(rows.map(\.change.variable) == ["site_web=oui", "score_maturite"])
        for row in rows {
            #expect(row.change.wave1.n == 2774 && row.change.wave2.n == 644)
            #expect(row.change.change.se! > 0 && row.change.independentSE! > 0, "\(row.change.variable)")
            // site_web persists between waves: the overlap makes its change more precise. (The score's does
            // not gain: wave 2 is calibrated to the wave-1 total of the score, whose residuals remove the shared part.)
            if row.change.variable == "site_web=oui" { #expect(row.change.change.se! < row.change.independentSE!) }
        }
    }
}

extension BrowserRenderingTests {
    @Test("the change report renders both waves with intervals, the changes with theirs, and the table, with no console message")
    func changeReport() throws {
        let dir = try scratchDirectory()
        let folder = ChangeCommandTests.folder
        let r = try CLI.run(["change", "--wave1", folder.appendingPathComponent("wave1.csv").path,
                             "--wave2", folder.appendingPathComponent("wave2.csv").path, "--id", "code_insee",
                             "--weight1", "w1", "--weight2", "w2", "--variables", "site_web,score_maturite", "--category", "oui",
                             "--by", "taille", "--ci", "logit", "--format", "html", "-o", "change.html"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let page = dir.appendingPathComponent("change.html").absoluteString
        let (dom, console) = try chromium(["--dump-dom", page])
        #expect(dom.components(separatedBy: "<svg").count - 1 == 2)  // proportions, score_maturite
        // 14 lines; the default NCHS rules suppress site_web=oui in taille=50000 et plus (wave 2: effective n 10):
        // it is in the table, marked suppressed, and not drawn.
        #expect(dom.components(separatedBy: "class=\"level wave1\"").count - 1 == 13)
        #expect(dom.components(separatedBy: "class=\"level wave2\"").count - 1 == 13)
        #expect(dom.components(separatedBy: "class=\"ci change\"").count - 1 == 13)
        #expect(dom.components(separatedBy: "class=\"change\"").count - 1 == 13)
        #expect(dom.contains("suppressed: wave 2: effective n 10.0 &lt; 30"))
        #expect(dom.contains("p adjusted") && dom.contains("se independent"))
        #expect(!console.contains("CONSOLE"))
        let shot = dir.appendingPathComponent("change.png")
        _ = try chromium(["--screenshot=\(shot.path)", "--window-size=1000,1400", page])
        #expect(((try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0) > 10_000)
    }
}
