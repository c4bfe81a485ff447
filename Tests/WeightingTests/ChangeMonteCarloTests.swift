import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

/// Monte Carlo check of the change between two editions (``ChangeMonteCarlo``). Every test run makes 4 pairs,
/// enough to check that the machinery runs and that, for these persistent indicators, the panel standard error
/// is below the independent-samples one; the coverage figures of the README come from the on-demand run,
/// `bash Benchmarks/change_coverage.sh` (`weight-cli demo --change-monte-carlo` on a release build) or
/// `WEIGHTING_CHANGE_MONTE_CARLO=1000 [WEIGHTING_CHANGE_BOOTSTRAP=PAIRS] swift test --filter ChangeMonteCarloTests`,
/// which asserts every indicator's coverage within 0.95 ± 3 Monte Carlo standard errors.
@Suite("Change over time: Monte Carlo")
struct ChangeMonteCarloTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func margins(_ name: String) throws -> Margins { try MarginsFile.read(root.appendingPathComponent("data/margins/\(name)").path) }

    static func check() throws -> ChangeMonteCarlo {
        let sim = try BarometerSimulator(margins: margins("communes_region_x_taille.csv"), seed: 2026)
        return ChangeMonteCarlo(simulator: NextEditionSimulator(simulator: sim), margins: try margins("communes_region_taille.csv"))
    }

    static func report(_ figures: [ChangeMonteCarlo.Figures], label: String) {
        for f in figures {
            print(String(format: "CHANGE MONTE CARLO %@ %@: pairs %d, true change %.4f, bias %+.4f, SD %.4f, mean panel SE %.4f, mean independent SE %.4f, coverage %.3f, independent coverage %.3f",
                         label, f.indicator, f.pairs, f.truth, f.bias, f.empiricalSD, f.meanSE, f.meanIndependentSE, f.coverage, f.independentCoverage))
        }
    }

    @Test("pairs of editions: the panel SE is below the independent-samples SE for every persistent indicator")
    func panelBeatsIndependent() throws {
        let env = ProcessInfo.processInfo.environment
        let pairs = Int(env["WEIGHTING_CHANGE_MONTE_CARLO"] ?? "") ?? 4
        var check = try Self.check()
        let figures = try check.run(pairs: pairs)
        print("CHANGE MONTE CARLO linearization: \(check.redrawn) draw(s) replaced (a calibration level without respondent)")
        Self.report(figures, label: "linearization")
        for f in figures {
            #expect(f.meanSE < f.meanIndependentSE, "\(f.indicator)")
            #expect(f.meanSE.isFinite && f.empiricalSD.isFinite)
            if pairs >= 200 {
                let mcse = 3 * (0.95 * 0.05 / Double(pairs)).squareRoot()
                #expect(abs(f.coverage - 0.95) <= mcse, "\(f.indicator): coverage \(f.coverage)")
                #expect(f.independentCoverage > f.coverage, "\(f.indicator): independent coverage \(f.independentCoverage)")
            }
        }
        if let bootPairs = Int(env["WEIGHTING_CHANGE_BOOTSTRAP"] ?? "") {
            var boot = try Self.check()
            boot.replicates = Int(env["WEIGHTING_CHANGE_REPLICATES"] ?? "") ?? 100
            let b = try boot.run(pairs: bootPairs)
            Self.report(b, label: "bootstrap R=\(boot.replicates)")
            print("CHANGE MONTE CARLO bootstrap: \(boot.redrawn) draw(s) replaced")
            for f in b where bootPairs >= 200 {
                let mcse = 3 * (0.95 * 0.05 / Double(bootPairs)).squareRoot()
                #expect(abs(f.coverage - 0.95) <= mcse, "\(f.indicator): bootstrap coverage \(f.coverage)")
            }
        }
    }
}
