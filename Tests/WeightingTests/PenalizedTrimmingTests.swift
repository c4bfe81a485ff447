import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO

/// Penalized (soft) calibration combined with trimming (issue 15): the objective minimised over the box of the
/// trimming bounds, against R optim (L-BFGS-B with the box as bounds) minimising the same objective
/// (Fixtures/choices/make_penalized_trimmed.R), on the 644 answers of wave 2 with base weights N/n.
@Suite("Penalized calibration with trimming")
struct PenalizedTrimmingTests {
    static let folder = fixturesURL().appendingPathComponent("choices")

    static func calibrate(_ method: CalibrationMethod, costs: [String: Double], trimming: TrimmingBounds) throws -> (CalibrationResult, [Double]) {
        let table = try Table(contentsOf: folder.appendingPathComponent("wave2.csv").path)
        let d = try table.numeric("d").values
        let margins = try MarginsFile.read(folder.appendingPathComponent("margins_region_taille.csv").path)
        var options = CalibrationOptions()
        options.costs = ConstraintCosts(costs)
        options.trimming = trimming
        return (try Calibrator(margins: margins, method: method, options: options).calibrate(table, baseWeights: d), d)
    }

    static func golden(_ column: String) throws -> [Double] {
        try Table(contentsOf: folder.appendingPathComponent("penalized_trimmed_weights.csv").path).numeric(column).values
    }

    @Test("soft margins with w/d trimmed to [0.5, 2] equal R optim's box-constrained minimum to 1e-5", arguments: ["linear", "raking"])
    func matchesBoxConstrainedOptimum(method: String) throws {
        var trimming = TrimmingBounds()
        (trimming.minRatio, trimming.maxRatio) = (0.5, 2)
        let (r, d) = try Self.calibrate(method == "linear" ? .linear : .raking, costs: ["region": 0.002, "taille": 0.01], trimming: trimming)
        let reference = try Self.golden(method)
        let worst = zip(r.weights, reference).map { abs($0 - $1) / $1 }.max()!
        #expect(worst < 1e-5, "largest relative difference \(worst)")
        for (w, di) in zip(r.weights, d) { #expect(w / di >= 0.5 * (1 - 1e-12) && w / di <= 2 * (1 + 1e-12)) }
        #expect(r.report.trimmedCount > 300, "the bounds bind: \(r.report.trimmedCount) records held")
    }

    @Test("margins without a cost are still met exactly under trimming; the soft ones approximately")
    func hardMarginsMetUnderTrimming() throws {
        var trimming = TrimmingBounds()
        (trimming.minRatio, trimming.maxRatio) = (0.2, 3)
        let (r, d) = try Self.calibrate(.raking, costs: ["region": 0.002], trimming: trimming)
        for c in r.report.constraints where c.margin == "taille" {
            #expect(abs(c.after - c.target) <= 1e-8 * (1 + c.target), "\(c.label): \(c.after) vs \(c.target)")
        }
        #expect(r.report.constraints.contains { $0.margin == "region" && abs($0.after - $0.target) > 1e-3 })
        for (w, di) in zip(r.weights, d) { #expect(w / di >= 0.2 * (1 - 1e-12) && w / di <= 3 * (1 + 1e-12)) }
    }

    @Test("hard margins out of reach of the trimming bounds are refused with the unreachable ones named")
    func hardMarginsOutOfReach() throws {
        var trimming = TrimmingBounds()
        (trimming.minRatio, trimming.maxRatio) = (0.3, 3)  // taille=50000 et plus needs w/d below 0.25
        do {
            _ = try Self.calibrate(.raking, costs: ["region": 0.002], trimming: trimming)
            Issue.record("no error")
        } catch let CalibrationError.infeasible(unmet, _) {
            #expect(unmet.map(\.label) == ["taille=50000 et plus"])
        }
    }
}
