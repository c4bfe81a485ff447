import Foundation
import Testing
import WeightingTestSupport

/// The `newcomers` section of `attrition --report x.json` (issue 14): per later wave, panel members and newcomers,
/// the treatment, the composite factor and the weights of each part.
@Suite("attrition JSON report: newcomers")
struct AttritionNewcomersReportTests {
    static let base = ["attrition", "--wave1", "v1.csv", "--wave", "v2.csv", "--wave", "v3.csv", "--id", "id",
                       "--covariates", "region,taille", "--margins", "m.csv", "--classes", "3"]

    func setUp() throws -> URL {
        let dir = try scratchDirectory()
        let (w1, w2, w3) = RealDataCommandTests.waves()
        _ = try dir.write("v1.csv", w1)
        _ = try dir.write("v2.csv", w2)
        _ = try dir.write("v3.csv", w3)
        _ = try dir.write("m.csv", AttritionCommandTests.margins)
        return dir
    }

    func newcomers(_ dir: URL, _ file: String) throws -> [[String: Any]] {
        let report = try JSONSerialization.jsonObject(with: Data(try dir.appendingPathComponent("out").read(file).utf8)) as! [String: Any]
        return try #require(report["newcomers"] as? [[String: Any]])
    }

    @Test("combined: counts per wave, the rule, λ = n_P/n, and weights of both parts summing to the population")
    func combined() throws {
        let dir = try setUp()
        let r = try CLI.run(Self.base + ["--output-dir", "out", "--report", "out/r.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let sections = try newcomers(dir, "r.json")
        #expect(sections.map { $0["wave"] as? Int } == [2, 3])
        let wave3Rows = RealDataCommandTests.waves().2.split(separator: "\n").count - 1
        let wave2 = sections[0], wave3 = sections[1]
        #expect(wave2["newcomers"] as? Int == 0)
        #expect(wave2["compositeFactor"] == nil && wave2["newcomerWeights"] == nil)
        #expect(wave3["newcomers"] as? Int == 6)
        #expect(wave3["panelMembers"] as? Int == wave3Rows - 6)
        #expect(wave3["treatment"] as? String == "combine")
        #expect(wave3["compositeRule"] as? String == "size")
        let lambda = try #require(wave3["compositeFactor"] as? Double)
        #expect(abs(lambda - Double(wave3Rows - 6) / Double(wave3Rows)) < 1e-15)
        let panel = try #require(wave3["panelWeights"] as? [String: Any])
        let fresh = try #require(wave3["newcomerWeights"] as? [String: Any])
        #expect(fresh["count"] as? Int == 6)
        #expect((fresh["min"] as? Double ?? 0) > 0)
        // The margins' population is 1,000: the wave's weights, both parts together, sum to it.
        let total = (panel["sum"] as? Double ?? 0) + (fresh["sum"] as? Double ?? 0)
        #expect(abs(total - 1000) < 1e-6)
    }

    @Test("excluded: the section says so, and the newcomers' weights are all 0")
    func excluded() throws {
        let dir = try setUp()
        let r = try CLI.run(Self.base + ["--newcomers", "exclude", "--output-dir", "out", "--report", "out/r.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let wave3 = try newcomers(dir, "r.json")[1]
        #expect(wave3["treatment"] as? String == "exclude")
        #expect(wave3["compositeFactor"] == nil)
        let fresh = try #require(wave3["newcomerWeights"] as? [String: Any])
        #expect(fresh["count"] as? Int == 6 && fresh["max"] as? Double == 0)
    }

    @Test("--composite effective: the rule and the factor n*_P/(n*_P + n*_N) from the reported effective sizes")
    func effective() throws {
        let dir = try setUp()
        let r = try CLI.run(Self.base + ["--composite", "effective", "--output-dir", "out", "--report", "out/r.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let wave3 = try newcomers(dir, "r.json")[1]
        #expect(wave3["compositeRule"] as? String == "effective")
        let p = try #require(wave3["panelEffectiveSize"] as? Double), n = try #require(wave3["newcomerEffectiveSize"] as? Double)
        // Newcomers all get the same base weight: their effective size is their count.
        #expect(abs(n - 6) < 1e-9)
        #expect(abs((wave3["compositeFactor"] as? Double ?? 0) - p / (p + n)) < 1e-12)
    }
}
