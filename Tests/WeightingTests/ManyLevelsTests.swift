import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Margins with many levels (issue 11, item 3): the indicators are stored per cell (one column per margin),
/// never as a dense cells x levels matrix, and Newton eliminates the diagonal block of the margin with the
/// most levels instead of forming a dense levels x levels system.
@Suite("Margins with many levels")
struct ManyLevelsTests {
    /// A sample of `n` records over a margin `big` with `levels` levels, a margin `small` with 5 levels and a
    /// numeric `x`, with unequal base weights; the margins are the sample's weighted totals, tilted.
    static func problem(n: Int, levels: Int, seed: UInt64) throws -> (Table, Margins, [Double]) {
        var rng = SplitMix64(seed: seed)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        var csv = "big,small,x,d\n"
        var d: [Double] = [], big: [Int] = [], small: [Int] = [], x: [Double] = []
        for i in 0..<n {
            let b = i < levels ? i : Int(uniform() * Double(levels)) % levels
            let s = Int(uniform() * 5) % 5
            let xv = (10 * uniform() + Double(s)).rounded() / 1 + 1
            let dv = (1 + 3 * uniform() * 100).rounded() / 100
            big.append(b); small.append(s); x.append(xv); d.append(dv)
            csv += "b\(b),s\(s),\(xv),\(dv)\n"
        }
        let table = Table(buffer: try CSVBuffer(bytes: Array(csv.utf8), file: "many_levels.csv"))
        var bigT = [Double](repeating: 0, count: levels), smallT = [Double](repeating: 0, count: 5)
        var xT = 0.0
        for i in 0..<n {
            bigT[big[i]] += d[i] * (1 + 0.2 * sin(Double(big[i])))
            smallT[small[i]] += d[i] * (1 + 0.1 * Double(small[i]))
            xT += d[i] * x[i] * 1.03
        }
        let total = bigT.reduce(0, +)
        let sScale = total / smallT.reduce(0, +)
        var text = "variable,level,target\n"
        for (k, t) in bigT.enumerated() { text += "big,b\(k),\(t)\n" }
        for (k, t) in smallT.enumerated() { text += "small,s\(k),\(t * sScale)\n" }
        text += "x,,\(xT)\n"
        let margins = try MarginsFile.parse(try CSVBuffer(bytes: Array(text.utf8), file: "many_levels_margins.csv"))
        return (table, margins, d)
    }

    @Test("eliminating the big margin's block gives the dense system's weights and the same redundant constraint",
          arguments: [CalibrationMethod.raking, .linear, .logit(lower: 0.3, upper: 3)])
    func blockEliminationEqualsDense(_ method: CalibrationMethod) throws {
        let (table, margins, d) = try Self.problem(n: 3000, levels: 300, seed: 5)
        let design = try AuxiliaryDesign.build(table: table, margins: margins, baseWeights: d, perRecord: false, method: "test")
        #expect(MarginBlockSystem.eliminatedSlot(design.auxiliaries, minimumLevels: 100) == 0)
        typealias Solution = (g: [Double], redundant: [Int], converged: Bool)
        func solveBothWays<D: CalibrationDistance>(_ distance: D) throws -> (Solution, Solution) {
            var dense = NewtonCalibration(x: design.auxiliaries, distance: distance, constraints: design.constraints)
            dense.blockThreshold = Int.max
            var block = dense
            block.blockThreshold = 100
            let a = try dense.solve(unitWeight: design.unitWeight, targets: design.targets, maxIterations: 50, tolerance: 1e-12)
            let b = try block.solve(unitWeight: design.unitWeight, targets: design.targets, maxIterations: 50, tolerance: 1e-12)
            return ((a.g, a.redundant, a.converged), (b.g, b.redundant, b.converged))
        }
        let (a, b) = try solveBothWays(method.distance)
        #expect(a.converged && b.converged)
        #expect(a.redundant == b.redundant && a.redundant.count == 1, "\(a.redundant) vs \(b.redundant)")
        let worst = zip(a.g, b.g).reduce(0.0) { max($0, abs($1.0 - $1.1) / abs($1.0)) }
        #expect(worst < 1e-10, "max relative difference \(worst)")
    }

    @Test("the block system's solution solves the dense system T δ = r")
    func blockSolveSolvesDenseSystem() throws {
        let (table, margins, d) = try Self.problem(n: 2000, levels: 150, seed: 9)
        let design = try AuxiliaryDesign.build(table: table, margins: margins, baseWeights: d, perRecord: false, method: "test")
        let kept = AuxiliaryDesign.independentColumns(design.auxiliaries, weights: design.unitWeight, blockThreshold: Int.max)
        #expect(kept == AuxiliaryDesign.independentColumns(design.auxiliaries, weights: design.unitWeight, blockThreshold: 10))
        let x = design.auxiliaries.selecting(columns: kept)
        let t = x.crossProduct(weights: design.unitWeight)
        let r = (0..<x.columns).map { Double($0 % 7) - 3 + 0.01 * Double($0) }
        let delta = try MarginBlockSystem(x, weights: design.unitWeight, slot: 0).solve(r)
        let back = LAPACK.product(t, transpose: false, delta)
        let worst = zip(back, r).reduce(0.0) { max($0, abs($1.0 - $1.1) / (1 + abs($1.1))) }
        #expect(worst < 1e-9, "residual \(worst)")
    }

    @Test("raking on a 20,000-level margin keeps O(cells x margins) indicators and meets every level")
    func rakingManyLevels() throws {
        let (table, margins0, d) = try Self.problem(n: 60_000, levels: 20_000, seed: 3)
        var margins = margins0
        margins.numeric = []
        let result = try Calibrator(margins: margins, method: .raking).calibrate(table, baseWeights: d)
        #expect(result.design.auxiliaries.cellColumns.count == result.design.cellCount * 2)
        #expect(result.report.maxDeviation < 1e-10)
        #expect(result.report.constraints.count == 20_005)
    }
}
