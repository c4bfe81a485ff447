import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingSimulation

/// `weight-cli demo --replicates R` (issue 18, item 3: "the replicate chain on request"): the standard errors of
/// waves 2–3 come from the bootstrap carried through the whole chain (wave 1 re-calibrated, the response model
/// re-fitted, the classes re-formed, both panel parts re-calibrated), the estimates are unchanged, and the two
/// variances estimate the same thing.
@Suite("The demo's waves 2-3 with the bootstrap chain")
struct DemoBootstrapChainTests {
    @Test("estimates unchanged, wave 1 untouched, every later-wave SE from the replicates and within a factor 1.6 of the two-phase one")
    func bootstrapStandardErrors() throws {
        var demo = BarometerDemo(frame: BarometerDemoTests.frame, rakingMargins: DemoPanelWeightingTests.margins)
        demo.bootstrapReplicates = 40
        let boot = try demo.run().rows
        let linear = DemoPanelWeightingTests.output.rows
        #expect(boot.count == linear.count)
        var ratios: [Double] = []
        for (b, l) in zip(boot, linear) {
            #expect(b.indicator == l.indicator && b.weighted == l.weighted)
            if b.wave == 1 {
                #expect(b.se == l.se)
            } else {
                #expect(b.se != l.se && b.se > 0, "\(b.indicator)")
                #expect(b.ciLow < b.weighted && b.weighted < b.ciHigh)
                ratios.append(b.se / l.se)
            }
        }
        // 40 replicates: an SE's relative sampling error is about 1/√80 ≈ 11 %; the mean over 19 indicators is tighter.
        #expect(ratios.allSatisfy { $0 > 1 / 1.6 && $0 < 1.6 }, "\(ratios)")
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        #expect(mean > 0.75 && mean < 1.25, "mean bootstrap / two-phase SE \(mean)")
    }
}
