import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

@Suite("Nonresponse against the full frame")
struct FrameNonresponseTests {
    @Test("Kolmogorov-Smirnov distance equals the hand-computed largest gap between distribution functions")
    func kolmogorovSmirnovClosedForm() {
        // Frame 1,2,3,4 (F = .25,.5,.75,1); sample 1,2 equally weighted (F = .5,1,1,1): largest gap 0.5 at x = 2.
        #expect(abs(FrameNonresponse.kolmogorovSmirnov(frame: [1, 2, 3, 4], sample: [1, 2], weights: [1, 1]) - 0.5) < 1e-15)
        // Weights 1 and 3 on 1 and 4: F = .25,.25,.25,1, equal to the frame's at 1 and 4, gap 0.5 at x = 3.
        #expect(abs(FrameNonresponse.kolmogorovSmirnov(frame: [1, 2, 3, 4], sample: [1, 4], weights: [1, 3]) - 0.5) < 1e-15)
        #expect(FrameNonresponse.kolmogorovSmirnov(frame: [1, 2, 3, 4], sample: [1, 2, 3, 4], weights: [1, 1, 1, 1]) == 0)
    }

    @Test("response depending on a model covariate: inverse propensity balances it (ASMD and KS shrink), and calibration meets the margins")
    func balancesModelCovariate() throws {
        // 4,000 frame units; responding depends on a numeric size x (logit -2 + x) and on the region.
        var rng = TestRandom(seed: 18)
        var x: [Double] = [], region: [String?] = [], other: [Double] = [], responded: [Bool] = []
        for i in 0..<4000 {
            let xi = 2 * rng.uniform()
            let r = i % 4 == 0 ? "Sud" : "Nord"
            x.append(xi); region.append(r); other.append(rng.uniform())
            responded.append(rng.uniform() < 1 / (1 + exp(-(-2 + xi + (r == "Sud" ? 0.5 : 0)))))
        }
        let frame = try Table(columns: [("x", .numeric(x)), ("region", .categorical(region)), ("other", .numeric(other))])
        let margins = Margins(categorical: [try CategoricalMargin(variables: ["region"], levels: [["Nord"], ["Sud"]], targets: [3000, 1000])])
        let r = try FrameNonresponse(frame: frame, responded: responded, covariates: ["x", "region"], adjustment: .inversePropensity,
                                     margins: margins, method: .raking, balanceCovariates: ["other"]).run()
        let bx = r.balance.first { $0.covariate == "x" }!
        #expect(bx.asmdBefore > 0.2)
        #expect(bx.asmdAfter < 0.05, "\(bx)")
        #expect(bx.ksAfter! < bx.ksBefore! / 3, "\(bx)")
        #expect(r.balance.contains { $0.covariate == "other" && !$0.inModel && !$0.inMargins })
        let sud = zip(r.rows, r.weights).filter { region[$0.0] == "Sud" }.reduce(0) { $0 + $1.1 }
        #expect(abs(sud - 1000) < 1e-6)
        #expect(abs(r.weights.reduce(0, +) - 4000) < 1e-6)
    }
}
