import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

/// The tightest feasible bounds on `w/d` (BoundAdvisor, GLPK) against the same linear programs solved
/// independently on the records with R lpSolve (Fixtures/choices/make_tightest_bounds.R), on the 644 answers of
/// the barometer's wave 2 with base weights N/n.
@Suite("Bound advisor")
struct BoundAdvisorTests {
    static let folder = fixturesURL().appendingPathComponent("choices")

    static func wave2() throws -> (Table, [Double]) {
        let table = try Table(contentsOf: folder.appendingPathComponent("wave2.csv").path)
        return (table, try table.numeric("d").values)
    }

    static func margins(_ name: String) throws -> Margins {
        try MarginsFile.read(folder.appendingPathComponent(name).path)
    }

    /// Rows of tightest_bounds.csv: margins file, L, U.
    static func golden() throws -> [(String, Double, Double)] {
        let t = try Table(contentsOf: folder.appendingPathComponent("tightest_bounds.csv").path)
        let l = try t.numeric("L").values, u = try t.numeric("U").values
        let names = (0..<t.rowCount).map { t.buffer!.text(row: $0, column: 0) }
        return (0..<t.rowCount).map { (names[$0], l[$0], u[$0]) }
    }

    @Test("the fixture holds the two golden cases")
    func fixtureLoaded() throws {
        #expect(try Self.golden().count == 2)
    }

    @Test("tightest bounds match R lpSolve on the records", arguments: ["margins_region_taille.csv", "margins_taille_population.csv"])
    func matchesLpSolve(marginsFile: String) throws {
        let (table, d) = try Self.wave2()
        let row = try #require(try Self.golden().first { $0.0 == marginsFile })
        let tight = try #require(try BoundAdvisor.tightestBounds(table, margins: try Self.margins(marginsFile), baseWeights: d))
        #expect(abs(tight.upper - row.2) <= 1e-6 * row.2, "U = \(tight.upper), R lpSolve \(row.2)")
        #expect(abs(tight.lower - row.1) <= 1e-6, "L = \(tight.lower), R lpSolve \(row.1)")
    }

    @Test("truncated calibration converges within the advised bounds widened by 1%")
    func advisedBoundsAreFeasible() throws {
        let (table, d) = try Self.wave2()
        let margins = try Self.margins("margins_region_taille.csv")
        let tight = try #require(try BoundAdvisor.tightestBounds(table, margins: margins, baseWeights: d))
        let b = tight.widened(by: 0.01)
        let result = try Calibrator(margins: margins, method: .truncated(lower: b.lower, upper: b.upper)).calibrate(table, baseWeights: d)
        let g = result.ratios
        #expect(g.max()! <= b.upper * (1 + 1e-9) && g.min()! >= b.lower * (1 - 1e-9))
        #expect(result.report.maxDeviation < 1e-8)
    }

    @Test("an upper bound 2% below the tightest one is refused with the feasible bounds in the message")
    func tooTightBoundsNameTheFeasibleOnes() throws {
        let (table, d) = try Self.wave2()
        let margins = try Self.margins("margins_region_taille.csv")
        let tight = try #require(try BoundAdvisor.tightestBounds(table, margins: margins, baseWeights: d))
        let method = CalibrationMethod.truncated(lower: 0.01, upper: tight.upper * 0.98)
        do {
            _ = try Calibrator(margins: margins, method: method).calibrate(table, baseWeights: d)
            Issue.record("calibration within bounds tighter than the tightest feasible ones succeeded")
        } catch let e as CalibrationError {
            guard case .infeasible = e else { Issue.record("expected infeasible, got \(e)"); return }
            #expect(e.description.contains("feasible from L = "), "\(e.description)")
            #expect(e.description.contains("U = \(TightestBounds.rounded(tight.upper, up: true))"), "\(e.description)")
        }
    }

    @Test("a population total no non-negative weights can reach gives no bounds")
    func unreachableTotalGivesNil() throws {
        let (table, d) = try Self.wave2()
        var margins = try Self.margins("margins_taille_population.csv")
        margins.numeric[0].total = 1000  // far below the smallest commune populations times the class sizes
        #expect(try BoundAdvisor.tightestBounds(table, margins: margins, baseWeights: d) == nil)
    }

    @Test("printed bounds are rounded outward, so that they stay feasible")
    func roundingIsOutward() {
        #expect(TightestBounds.rounded(1.40464, up: true) == "1.405")
        #expect(TightestBounds.rounded(0.238907, up: false) == "0.2389")
    }
}
