import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingSimulation

/// The demo gives every respondent of waves 2 and 3 a positive cross-sectional weight (issue 14, item 2): the
/// newcomers (no wave-1 answer) combined with the panel members, the wave raked to the frame's margins.
@Suite("The demo's newcomers")
struct DemoNewcomersTests {
    @Test("every wave-2 and wave-3 respondent, newcomers included, has a positive weight; the wave meets the frame's small/large counts and log-population total")
    func newcomersWeighted() throws {
        let frame = BarometerDemoTests.frame
        let margins = try MarginsFile.read(BarometerDemoTests.root.appendingPathComponent("data/margins/collectivites/collectivites_region_strate.csv").path)
        let out = try BarometerDemo(frame: frame, rakingMargins: margins).run()
        #expect(out.crossSectionalWeights.count == 2 && out.combinations.count == 2)
        let small = Double(frame.units.filter(\.isSmall).count)
        let logPopulation = frame.units.reduce(0) { $0 + (Double(String(format: "%.4f", $1.logPopulation)) ?? 0) }
        for k in 0..<2 {
            let wave = try Table(buffer: CSVBuffer(bytes: Array(out.waveFiles[k + 1].utf8), file: "vague\(k + 2).csv"))
            let w = out.crossSectionalWeights[k]
            #expect(w.count == out.simulation.respondents[k + 1].count)
            #expect(w.allSatisfy { $0 > 0 }, "wave \(k + 2)")
            #expect(out.combinations[k].newcomers == out.newcomers[k] && out.newcomers[k] > 0)
            #expect(out.combinations[k].panel + out.combinations[k].newcomers == w.count)
            // λ = n_P / n (the default composite factor).
            #expect(abs(out.combinations[k].lambda - Double(out.combinations[k].panel) / Double(w.count)) < 1e-15)
            // The margins, computed from the frame independently of the demo.
            let petite = try wave.categorical("petite")
            let smallTotal = (0..<w.count).filter { petite[$0] == "oui" }.reduce(0) { $0 + w[$1] }
            #expect(abs(smallTotal / small - 1) < 1e-6, "wave \(k + 2): small communes")
            let x = try wave.numeric("log_population").values
            #expect(abs(zip(x, w).reduce(0) { $0 + $1.0 * $1.1 } / logPopulation - 1) < 1e-6, "wave \(k + 2): log population")
            #expect(abs(w.reduce(0, +) / Double(frame.units.count) - 1) < 1e-6, "wave \(k + 2): population")
        }
    }
}
