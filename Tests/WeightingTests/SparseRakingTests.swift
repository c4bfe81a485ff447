import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Raking a sparse 6 x 6 table whose two dense blocks are joined by three one-respondent cells (issue 11,
/// item 12): IPF alone needs about 1,800 sweeps and stops with the margins met to 1e-10 but the weights 2e-8
/// from the solution. Golden weights from R survey's `calibrate(calfun = "raking")`
/// (Fixtures/sparse_raking/make_sparse_raking.R).
@Suite("Raking a sparse table: IPF hands over to Newton")
struct SparseRakingTests {
    static let folder = fixturesURL().appendingPathComponent("sparse_raking")

    static func read(_ name: String) throws -> Table { try Table(contentsOf: folder.appendingPathComponent(name).path) }

    static func rake(_ options: CalibrationOptions) throws -> CalibrationResult {
        let margins = try MarginsFile.read(folder.appendingPathComponent("margins.csv").path)
        return try Calibrator(margins: margins, method: .raking, options: options).calibrate(try read("sample.csv"), weightColumn: "d")
    }

    static func worst(_ weights: [Double]) throws -> Double {
        let expected = try read("expected_raking.csv").numeric("weight").values
        #expect(expected.count == weights.count)
        return zip(weights, expected).reduce(0) { max($0, abs($1.0 - $1.1) / abs($1.1)) }
    }

    @Test("with the default options it converges (no exit 2) and the weights match R's calibrate to 1e-8")
    func defaultOptionsConverge() throws {
        let result = try Self.rake(CalibrationOptions())
        #expect(result.report.algorithm == "ipf+newton")
        #expect(result.report.iterations < 100, "\(result.report.iterations) iterations")
        let w = try Self.worst(result.weights)
        #expect(w < 1e-8, "max relative difference \(w)")
    }

    @Test("the weights, not only the margins, are within the tolerance of R's solution (1e-12 at tolerance 1e-12)")
    func weightErrorIsBounded() throws {
        let result = try Self.rake(CalibrationOptions(tolerance: 1e-12))
        #expect(result.report.maxDeviation < 1e-12)
        let w = try Self.worst(result.weights)
        #expect(w < 1e-11, "max relative difference \(w)")
    }

    @Test("IPF alone is too slow here: 1,000 plain sweeps leave the margins unmet (the reason for the hand-over)")
    func plainIPFIsSlow() throws {
        let margins = try MarginsFile.read(Self.folder.appendingPathComponent("margins.csv").path)
        let table = try Self.read("sample.csv")
        let d = try table.numeric("d").values
        let design = try AuxiliaryDesign.build(table: table, margins: margins, baseWeights: d, perRecord: false, method: "raking")
        var ipf = IterativeProportionalFitting(design: design)
        ipf.slowRate = nil
        let r = try ipf.solve(cellWeight: design.unitWeight, targets: design.targets, maxIterations: 1000, tolerance: 1e-10)
        #expect(!r.converged)
    }

    @Test("on a dense table IPF converges by itself, its weights within the tolerance of the fixed point")
    func denseTableStaysIPF() throws {
        let folder = fixturesURL().appendingPathComponent("golden")
        let table = try Table(contentsOf: folder.appendingPathComponent("barometre.csv").path)
        let margins = try MarginsFile.read(folder.appendingPathComponent("margins_region_taille.csv").path)
        let result = try Calibrator(margins: margins, method: .raking, options: CalibrationOptions(tolerance: 1e-12)).calibrate(table)
        #expect(result.report.algorithm == "ipf")
    }
}
