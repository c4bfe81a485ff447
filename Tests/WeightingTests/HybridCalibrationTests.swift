import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Generalized calibration with categorical margins and several numeric totals, solved on the split layout
/// `x_i = (z_{c(i)}, v_i)` (categorical cells plus per-record numeric auxiliaries), against R survey's
/// `calibrate` (Fixtures/hybrid/make_hybrid.R: 1500 records in 72 region x size*type cells, unequal base
/// weights, three numeric totals, one implied constraint).
@Suite("Calibration with categorical cells and several numeric totals")
struct HybridCalibrationTests {
    static let folder = fixturesURL().appendingPathComponent("hybrid")

    struct Case: Sendable, CustomTestStringConvertible {
        var name, method, bounds, rCall: String
        var testDescription: String { name }

        var calibrationMethod: CalibrationMethod {
            let b = bounds.split(separator: ",").compactMap { Double($0) }
            switch method {
            case "linear": return .linear
            case "raking": return .raking
            case "logit": return .logit(lower: b[0], upper: b[1])
            default: return .truncated(lower: b[0], upper: b[1])
            }
        }
    }

    static func read(_ name: String) throws -> Table { try Table(contentsOf: folder.appendingPathComponent(name).path) }

    static let cases: [Case] = {
        guard let t = try? read("cases.csv") else { return [] }
        return (0..<t.rowCount).map { i in
            func f(_ c: String) -> String { t.buffer!.text(row: i, column: t.names.firstIndex(of: c)!) }
            return Case(name: f("name"), method: f("method"), bounds: f("bounds"), rCall: f("r_call"))
        }
    }()

    static func calibrate(_ method: CalibrationMethod, trimming: TrimmingBounds? = nil) throws -> CalibrationResult {
        let margins = try MarginsFile.read(folder.appendingPathComponent("margins.csv").path)
        let options = CalibrationOptions(maxIterations: 1000, tolerance: 1e-13, trimming: trimming)
        return try Calibrator(margins: margins, method: method, options: options).calibrate(try read("sample.csv"), weightColumn: "d")
    }

    static func worstRelativeDifference(_ weights: [Double], expected file: String) throws -> Double {
        let expected = try read(file).numeric("weight").values
        #expect(expected.count == weights.count)
        return zip(weights, expected).reduce(0) { max($0, abs($1.0 - $1.1) / abs($1.1)) }
    }

    @Test("the fixture lists linear, raking, logit and truncated cases")
    func casesPresent() {
        #expect(Set(Self.cases.map(\.method)) == ["linear", "raking", "logit", "truncated"])
    }

    @Test("weights match R survey calibrate to a relative 1e-8 with cells of many records and three numeric totals",
          arguments: HybridCalibrationTests.cases)
    func matchesR(_ c: Case) throws {
        let result = try Self.calibrate(c.calibrationMethod)
        let worst = try Self.worstRelativeDifference(result.weights, expected: "expected_\(c.name).csv")
        #expect(worst < 1e-8, "\(c.rCall): max relative difference \(worst)")
        // One unit per record (numeric totals), 72 categorical cells, the implied size*type level left out.
        #expect(result.design.perRecord && result.report.cells == 1500 && result.design.cellCount == 72)
        #expect(result.report.constraints.filter(\.redundant).count == 1)
        #expect(result.report.maxDeviation < 1e-10)
    }

    @Test("trimming the ratios of linear calibration to [0.6, 1.6] gives R's truncated linear calibration")
    func trimmingIsTruncatedLinear() throws {
        let result = try Self.calibrate(.linear, trimming: TrimmingBounds(minRatio: 0.6, maxRatio: 1.6))
        let worst = try Self.worstRelativeDifference(result.weights, expected: "expected_truncated.csv")
        #expect(worst < 1e-8, "max relative difference \(worst)")
        #expect(result.report.trimmedCount == 95)
    }

    /// A random split matrix and its dense counterpart, `units` rows in `cells` cells of two margins.
    static func randomAuxiliaries(units: Int, q: Int, seed: UInt64) -> (SplitAuxiliaries, Matrix) {
        var rng = SplitMix64(seed: seed)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        let levelsA = 3, levelsB = 4, cells = levelsA * levelsB
        var z = Matrix(rows: cells, columns: levelsA + levelsB)
        for c in 0..<cells { z[c, c % levelsA] = 1; z[c, levelsA + c / levelsA] = 1 }
        let unitCell = (0..<units).map { _ in Int32(Int(uniform() * Double(cells)) % cells) }
        var v = Matrix(rows: units, columns: q)
        for k in 0..<q { for u in 0..<units { v[u, k] = 10 * uniform() - 3 + Double(k) * v[u, 0] / 5 } }
        let pz = z.columns
        var dense = Matrix(rows: units, columns: pz + q)
        for u in 0..<units {
            for j in 0..<pz { dense[u, j] = z[Int(unitCell[u]), j] }
            for k in 0..<q { dense[u, pz + k] = v[u, k] }
        }
        return (SplitAuxiliaries(indicators: z, numeric: v, unitCell: unitCell), dense)
    }

    @Test("split auxiliaries give the dense matrix's X'w, Xλ and X' diag(w) X, over several row blocks")
    func splitProductsEqualDense() throws {
        let units = 9000, q = 3
        let (x, dense) = Self.randomAuxiliaries(units: units, q: q, seed: 7)
        var rng = SplitMix64(seed: 11)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        var w = (0..<units).map { _ in 0.5 + 3 * uniform() }
        w[5000] = -0.25  // a negative weight: that block takes the dgemm route
        let lambda = (0..<dense.columns).map { _ in uniform() - 0.5 }
        let p = dense.columns
        var xtw = [Double](repeating: 0, count: p), xl = [Double](repeating: 0, count: units)
        var xwx = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        for u in 0..<units {
            for a in 0..<p {
                xtw[a] += w[u] * dense[u, a]
                xl[u] += dense[u, a] * lambda[a]
                for b in 0..<p { xwx[a][b] += w[u] * dense[u, a] * dense[u, b] }
            }
        }
        func close(_ a: Double, _ b: Double, scale: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, scale) }
        let totals = x.totals(weights: w)
        let scaleT = xtw.map(abs).max()!
        for a in 0..<p { #expect(close(totals[a], xtw[a], scale: scaleT), "X'w[\(a)]") }
        let predictor = x.linearPredictor(lambda)
        for u in 0..<units { #expect(close(predictor[u], xl[u], scale: 10), "Xλ[\(u)]") }
        let cross = x.crossProduct(weights: w)
        let scaleC = xwx.flatMap { $0 }.map(abs).max()!
        for a in 0..<p { for b in 0..<p { #expect(close(cross[a, b], xwx[a][b], scale: scaleC), "X'WX[\(a),\(b)]") } }
        // Keeping some columns keeps the same products on those columns.
        let kept = [0, 2, 5, p - 2]
        let sub = x.selecting(columns: kept).crossProduct(weights: w)
        for (i, a) in kept.enumerated() { for (j, b) in kept.enumerated() { #expect(sub[i, j] == cross[a, b]) } }
    }

    @Test("the split cross product finds the implied constraint as the dense one does")
    func redundancyMatchesDense() {
        let (x, dense) = Self.randomAuxiliaries(units: 500, q: 2, seed: 3)
        let w = [Double](repeating: 2, count: 500)
        let split = AuxiliaryDesign.independentColumns(x, weights: w)
        // Both margins sum to the same total: one column is implied. Which one is a tie broken by rounding.
        #expect(split.count == dense.columns - 1)
        #expect(AuxiliaryDesign.independentColumns(dense, weights: w).count == split.count)
        #expect(split.contains(dense.columns - 1) && split.contains(dense.columns - 2))  // numeric columns kept
    }
}
