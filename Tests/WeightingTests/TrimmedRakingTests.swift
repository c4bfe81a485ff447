import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Raking with trimmed weights on the bundled barometer sample (Notebook 02's example): every weight in [1, 30].
///
/// The bounds are feasible (a linear program finds weights in [1, 30] meeting both margins), but the Newton
/// iterations used to stall at a relative misfit of 0.237 and report the bounds as unreachable. R survey's
/// `calibrate(calfun = "raking", bounds = c(1, 30), bounds.const = TRUE)` does not converge either (eps 0.41
/// after 500 iterations), so the reference is the closed-form characterization of the solution (the
/// Karush–Kuhn–Tucker conditions of minimizing the raking distance Σ d (g log g − g + 1) under the margins and
/// the bounds, Deville & Särndal 1992): the margins hold; records of a region × size cell share one weight;
/// where it is strictly inside the bounds, log(w/d) = a_region + b_size; where it sits at a bound, the
/// unbounded value exp(a + b) d lies beyond that bound. The problem is strictly convex, so these conditions
/// determine the weights uniquely.
@Suite("Raking with trimmed weights")
struct TrimmedRakingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("raking of wave 1 with every weight in [1, 30] meets the margins and the optimality conditions")
    func trimmedRakingMeetsMarginsAndKKT() throws {
        let sample = try Table(contentsOf: Self.root.appendingPathComponent("data/sample/barometre_vague1.csv").path)
        let margins = try MarginsFile.read(Self.root.appendingPathComponent("data/margins/communes_region_taille.csv").path)
        let n = sample.rowCount, d = 34875.0 / Double(n)
        let options = CalibrationOptions(trimming: TrimmingBounds(minWeight: 1, maxWeight: 30))
        let w = try Calibrator(margins: margins, method: .raking, options: options)
            .calibrate(sample, baseWeights: [Double](repeating: d, count: n)).weights
        let region = try sample.categorical("region"), size = try sample.categorical("taille")

        // Bounds and margins.
        #expect(w.allSatisfy { $0 >= 1 - 1e-12 && $0 <= 30 + 1e-12 })
        for margin in margins.categorical {
            let column = margin.variables[0] == "region" ? region : size
            for (level, target) in zip(margin.levels, margin.targets) {
                let total = (0..<n).filter { column[$0] == level[0] }.reduce(0.0) { $0 + w[$1] }
                #expect(abs(total - target) <= 1e-9 * target, "\(margin.variables[0])=\(level[0]): \(total) for \(target)")
            }
        }

        // One weight per cell.
        var cell: [String: Double] = [:]
        for i in 0..<n {
            let key = region[i]! + "|" + size[i]!
            if let v = cell[key] { #expect(abs(v - w[i]) <= 1e-12 * v) } else { cell[key] = w[i] }
        }
        // log(w/d) = a_r + b_s on the cells strictly inside the bounds: fit a and b there by alternating
        // least squares (the interior cells connect every region and size here), then check the fit is exact
        // and that the cells at a bound lie beyond it.
        let interior = cell.filter { $0.value > 1 + 1e-9 && $0.value < 30 - 1e-9 }
        let atBound = cell.filter { !($0.value > 1 + 1e-9 && $0.value < 30 - 1e-9) }
        #expect(!atBound.isEmpty, "the example must hold some cells at a bound")
        var a: [String: Double] = [:], b: [String: Double] = [:]
        let parts = interior.map { (r: String($0.key.split(separator: "|")[0]), s: String($0.key.split(separator: "|")[1]), y: log($0.value / d)) }
        for p in parts { a[p.r] = 0; b[p.s] = 0 }
        for _ in 0..<20_000 {
            var sa: [String: (Double, Int)] = [:]
            for p in parts { let v = sa[p.r] ?? (0, 0); sa[p.r] = (v.0 + p.y - b[p.s]!, v.1 + 1) }
            for (r, v) in sa { a[r] = v.0 / Double(v.1) }
            var sb: [String: (Double, Int)] = [:]
            for p in parts { let v = sb[p.s] ?? (0, 0); sb[p.s] = (v.0 + p.y - a[p.r]!, v.1 + 1) }
            for (s, v) in sb { b[s] = v.0 / Double(v.1) }
        }
        let worstFit = parts.map { abs($0.y - a[$0.r]! - b[$0.s]!) }.max() ?? 0
        #expect(worstFit < 1e-7, "log(w/d) is not additive in region and size on the interior cells: residual \(worstFit)")
        for (key, value) in atBound {
            let rs = key.split(separator: "|").map(String.init)
            guard let ar = a[rs[0]], let bs = b[rs[1]] else { continue }  // a region or size with no interior cell
            let unbounded = exp(ar + bs) * d
            if value >= 30 - 1e-9 { #expect(unbounded >= 30 * (1 - 1e-7), "\(key) at 30 but the raking weight \(unbounded) is below") }
            else { #expect(unbounded <= 1 * (1 + 1e-7), "\(key) at 1 but the raking weight \(unbounded) is above") }
        }
    }

    @Test("bounds that no weights can meet are still refused with the unreachable levels")
    func infeasibleTrimmingIsRefused() throws {
        let sample = try Table(contentsOf: Self.root.appendingPathComponent("data/sample/barometre_vague1.csv").path)
        let margins = try MarginsFile.read(Self.root.appendingPathComponent("data/margins/communes_region_taille.csv").path)
        let n = sample.rowCount
        let options = CalibrationOptions(trimming: TrimmingBounds(minWeight: 2, maxWeight: 30))
        #expect(throws: CalibrationError.self) {
            try Calibrator(margins: margins, method: .raking, options: options)
                .calibrate(sample, baseWeights: [Double](repeating: 34875.0 / Double(n), count: n))
        }
    }
}
