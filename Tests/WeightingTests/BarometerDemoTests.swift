import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

@Suite("The barometer demo")
struct BarometerDemoTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func margins(_ name: String) throws -> Margins { try MarginsFile.read(root.appendingPathComponent("data/margins/\(name)").path) }

    @Test("for every wave and indicator the weighted estimate is closer to the truth than the raw one")
    func weightedBeatsRaw() throws {
        let out = try BarometerDemo(frameMargins: Self.margins("communes_region_x_taille.csv"),
                                    rakingMargins: Self.margins("communes_region_taille.csv")).run()
        #expect(out.rows.count == 18)
        for r in out.rows { #expect(r.weightedCloser, "wave \(r.wave) \(r.indicator): truth \(r.truth), raw \(r.raw), weighted \(r.weighted)") }
        // Sample sizes like the real barometer's (2,729 / 629 / 587).
        #expect(abs(out.simulation.respondents[0] - 2729) < 150)
        #expect(abs(out.simulation.respondents[1] - 629) < 60)
        #expect(abs(out.simulation.respondents[2] - 587) < 60)
        #expect(out.html.contains("class=\"chart comparison\""))
    }

    @Test("the simulation is deterministic for a seed and its population has the frame's 34,875 communes")
    func deterministic() throws {
        let m = try Self.margins("communes_region_x_taille.csv")
        let a = try BarometerSimulator(margins: m, seed: 7).run(), b = try BarometerSimulator(margins: m, seed: 7).run()
        let c = try BarometerSimulator(margins: m, seed: 8).run()
        #expect(a.waves == b.waves && a.truth == b.truth)
        #expect(a.waves != c.waves)
        #expect(try BarometerSimulator(margins: m).cells.reduce(0) { $0 + $1.count } == 34875)
    }
}
