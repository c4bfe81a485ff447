import Foundation
import Testing
import WeightingTestSupport

/// The weighting-choice options end to end: `--bounds auto`, `--group-by`, `--cost`, `--cap`, `--scale`, and the
/// `explore` page rendered in headless Chromium.
@Suite("Choosing the weighting (CLI)")
struct ChoicesCommandTests {
    static let root = CLI.repositoryRoot
    static let fixtures = root.appendingPathComponent("Tests/WeightingTests/Fixtures/choices")
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The weights written: the last column of a CSV output (calibrate appends it).
    static func weights(_ text: String) -> [Double] {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard lines.first?.hasSuffix(",weight") == true else { return [] }
        return lines.dropFirst().map { Double($0.split(separator: ",", omittingEmptySubsequences: false).last!) ?? .nan }
    }

    @Test("--bounds auto calibrates within the tightest feasible bounds widened by the slack and says them")
    func autoBounds() throws {
        let dir = try scratchDirectory()
        let r = try CLI.run(["calibrate", Self.fixtures.appendingPathComponent("wave2.csv").path, "--weight", "d",
                             "--margins", Self.fixtures.appendingPathComponent("margins_region_taille.csv").path,
                             "--method", "logit", "--bounds", "auto:0.05", "-o", "w.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("tightest feasible bounds on w/d L = 0.1477, U = 3.324"), "\(r.stderr)")
        let w = Self.weights(try dir.read("w.csv"))
        let d = 34875.0 / 644
        #expect(w.count == 644)
        #expect(w.max()! / d <= 3.32387096774 * 1.05 + 1e-9 && w.min()! / d >= 0.147727598463 * 0.95 - 1e-9)
    }

    @Test("--group-by calibrates each group to its own margins and reports each group")
    func groups() throws {
        let dir = try scratchDirectory()
        let r = try CLI.run(["calibrate", Self.fixtures.appendingPathComponent("wave1_groups.csv").path, "--weight", "d",
                             "--margins", Self.fixtures.appendingPathComponent("margins_grouped.csv").path, "--group-by", "groupe",
                             "-o", "w.csv", "--report", "r.md"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let report = try dir.read("r.md")
        #expect(report.contains("group petite: 1664 respondents, weights sum to 24844.0,"), "\(report)")
        #expect(report.contains("group grande: 1110 respondents, weights sum to 10031.0,"))
        let w = Self.weights(try dir.read("w.csv"))
        let golden = try String(contentsOf: Self.fixtures.appendingPathComponent("grouped_weights.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).dropFirst().map { Double($0.split(separator: ",")[1]) ?? .nan }
        #expect(w.count == golden.count)
        #expect(zip(w, golden).allSatisfy { abs($0 - $1) <= 1e-8 * $1 })
    }

    @Test("estimate --group-by gives the SE of R survey's calibration within groups")
    func estimateWithinGroups() throws {
        let r = try CLI.run(["estimate", Self.fixtures.appendingPathComponent("wave1_groups.csv").path, "--variables", "site_web",
                             "--statistic", "total", "--weight", "d", "--margins", Self.fixtures.appendingPathComponent("margins_grouped.csv").path,
                             "--group-by", "groupe", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let row = r.stdout.split(whereSeparator: \.isNewline)[1].split(separator: ",", omittingEmptySubsequences: false)
        let estimate = try #require(Double(row[3])), se = try #require(Double(row[4]))
        #expect(abs(estimate - 20857.7547827969) <= 1e-8 * 20857.7547827969)
        #expect(abs(se - 384.616478607048) <= 1e-6 * 384.616478607048, "se \(se)")
    }

    @Test("--cap 5xmedian keeps every weight at most five times the median weight, margins met")
    func medianCap() throws {
        let dir = try scratchDirectory()
        let r = try CLI.run(["calibrate", Self.fixtures.appendingPathComponent("wave2.csv").path, "--weight", "d",
                             "--margins", Self.fixtures.appendingPathComponent("margins_region_taille.csv").path,
                             "--cap", "5xmedian", "-o", "w.csv", "--report", "r.md"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let w = Self.weights(try dir.read("w.csv")).sorted()
        let median = w[322]  // the upper of the two middle weights: at least the median whatever its definition
        #expect(w.last! <= 5 * median * (1 + 1e-8), "max \(w.last!) vs 5 x median \(5 * median)")
        #expect(abs(w.reduce(0, +) - 34875) < 1e-5)
        #expect(try dir.read("r.md").contains("weights capped at 5 × median"))
    }

    @Test("--scale n writes weights with mean 1")
    func scaleToN() throws {
        let dir = try scratchDirectory()
        let r = try CLI.run(["calibrate", Self.fixtures.appendingPathComponent("wave2.csv").path,
                             "--margins", Self.fixtures.appendingPathComponent("margins_region_taille.csv").path,
                             "--scale", "mean1", "-o", "w.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let w = Self.weights(try dir.read("w.csv"))
        #expect(abs(w.reduce(0, +) - 644) < 1e-8)
    }

    @Test("explore writes one page with the chart, the table and the recommendation, clean in Chromium")
    func explorePage() throws {
        let dir = try scratchDirectory()
        let m = Self.path("data/margins/communes_region_taille.csv"), t = Self.path("data/margins/communes_taille.csv")
        try dir.write("schemes.json", """
        [{"name": "raking region+taille", "margins": "\(m)", "method": "raking"},
         {"name": "raking taille", "margins": "\(t)"},
         {"name": "logit auto bounds", "margins": "\(m)", "method": "logit", "bounds": "auto"},
         {"name": "raking capped 3x mean", "margins": "\(m)", "cap": "3xmean"},
         {"name": "raking capped 4x mean", "margins": "\(m)", "cap": "4xmean"},
         {"name": "linear, soft region", "margins": "\(m)", "method": "linear", "costs": {"region": 0.0005}},
         {"name": "truncated [0.9, 1.1]", "margins": "\(m)", "method": "truncated", "bounds": "0.9,1.1"}]
        """)
        let r = try CLI.run(["explore", Self.fixtures.appendingPathComponent("wave2.csv").path, "--weight", "d", "--schemes", "schemes.json",
                             "--indicators", "site_web,open_data", "--balance", "population",
                             "--frame", Self.path("data/frame/communes_extended.csv"), "-o", "explore.html"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("recommended: "), "\(r.stderr)")
        let html = try dir.read("explore.html")
        #expect(html.contains("Rule: "))
        let browser = BrowserRenderingTests()
        let (dom, console) = try browser.chromium(["--dump-dom", dir.appendingPathComponent("explore.html").absoluteString])
        #expect(dom.contains("class=\"chart explore\""))
        #expect(dom.components(separatedBy: "<circle class=\"scheme").count - 1 == 5)  // all but the 3 x mean cap (Corse's 2 answers need weights of 180) and [0.9, 1.1]
        #expect(dom.components(separatedBy: "class=\"scheme recommended\"").count - 1 == 1)
        #expect(dom.contains("class=\"infeasible\""))
        #expect(!console.contains("CONSOLE"))
        let shot = dir.appendingPathComponent("explore.png")
        _ = try browser.chromium(["--screenshot=\(shot.path)", "--window-size=1100,1400", dir.appendingPathComponent("explore.html").absoluteString])
        #expect(((try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0) > 10_000)
        if let keep = ProcessInfo.processInfo.environment["EXPLORE_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: shot.path, toPath: keep)
        }
    }
}
