import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

/// ``CrossSectionalCombination``: the composite factor, the newcomers' scaling and the final calibration.
@Suite("Combining panel members and newcomers")
struct CrossSectionalCombinationTests {
    /// 6 panel members (weights summing to 100) and 4 newcomers, region A/B; margins A 60, B 40.
    static let wave = try! Table(["region": .categorical(["A", "A", "B", "A", "B", "B", "A", "A", "B", "A"])])
    static let panel: [Double?] = [10, 30, 20, 15, 5, 20, nil, nil, nil, nil]
    static let margins = Margins(categorical: [CategoricalMargin("region", ["A": 60, "B": 40])])

    @Test("composite factors: size n_P/n, effective n*_P/(n*_P+n*_N) (Kish), or fixed; outside (0, 1) is refused")
    func factors() throws {
        let calibrator = Calibrator(margins: Self.margins, method: .raking)
        let size = try CrossSectionalCombination(wave: Self.wave, panelWeights: Self.panel, calibrator: calibrator).run().report
        #expect(size.lambda == 0.6)
        let eff = try CrossSectionalCombination(wave: Self.wave, panelWeights: Self.panel, composite: .effectiveSize, calibrator: calibrator).run().report
        let nP = 100.0 * 100 / (100 + 900 + 400 + 225 + 25 + 400)  // (Σw)²/Σw²
        #expect(abs(eff.panelEffectiveSize - nP) < 1e-12 && abs(eff.newcomerEffectiveSize - 4) < 1e-12)
        #expect(abs(eff.lambda - nP / (nP + 4)) < 1e-12)
        #expect(try CrossSectionalCombination(wave: Self.wave, panelWeights: Self.panel, composite: .fixed(0.3), calibrator: calibrator).run().report.lambda == 0.3)
        #expect(throws: CalibrationError.self) {
            _ = try CrossSectionalCombination(wave: Self.wave, panelWeights: Self.panel, composite: .fixed(1.2), calibrator: calibrator).run()
        }
    }

    @Test("before calibration each part stands for the population (λ·100 and (1−λ)·100); after it the margins are met and every weight is positive")
    func weights() throws {
        // Linear calibration to the total only: the weights are the combined base weights rescaled by one factor,
        // so the newcomers' base weight is (1 − λ) N / n_N = 0.4 · 100 / 4 = 10.
        let total = Margins(categorical: [CategoricalMargin("region", ["A": 60, "B": 40])])
        let byTotal = Calibrator(margins: Margins(categorical: [try CategoricalMargin(variables: ["all"], levels: [["x"]], targets: [100])]), method: .linear)
        var t = Self.wave
        t.setCategorical("all", CategoricalColumn([String?](repeating: "x", count: 10)))
        let (w0, _) = try CrossSectionalCombination(wave: t, panelWeights: Self.panel, calibrator: byTotal).run()
        #expect(zip(w0, [6, 18, 12, 9, 3, 12, 10, 10, 10, 10] as [Double]).allSatisfy { abs($0 - $1) < 1e-9 })
        let (w, report) = try CrossSectionalCombination(wave: Self.wave, panelWeights: Self.panel, calibrator: Calibrator(margins: total, method: .raking)).run()
        #expect(w.allSatisfy { $0 > 0 })
        #expect(report.calibration.maxDeviation < 1e-8)
        let a = zip(w, ["A", "A", "B", "A", "B", "B", "A", "A", "B", "A"]).filter { $0.1 == "A" }.reduce(0) { $0 + $1.0 }
        #expect(abs(a - 60) < 1e-6)
    }

    @Test("with no newcomer the panel weights are only re-calibrated (λ = 1)")
    func noNewcomers() throws {
        let panel: [Double?] = [10, 30, 20, 15, 5, 20, 5, 5, 10, 20]
        let (w, report) = try CrossSectionalCombination(wave: Self.wave, panelWeights: panel,
                                                         calibrator: Calibrator(margins: Self.margins, method: .raking)).run()
        #expect(report.lambda == 1 && report.newcomers == 0)
        // A: 10+30+15+5+5+20 = 85 → 60; B: 20+5+20+10... raking on one margin is post-stratification.
        let a = 10.0 + 30 + 15 + 5 + 5 + 20, b = 20.0 + 5 + 20 + 10
        let expected = zip(panel, ["A", "A", "B", "A", "B", "B", "A", "A", "B", "A"]).map { $0.0! * ($0.1 == "A" ? 60 / a : 40 / b) }
        #expect(zip(w, expected).allSatisfy { abs($0 - $1) < 1e-9 })
    }
}
