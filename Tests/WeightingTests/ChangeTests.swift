import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

/// Properties of the change estimate that closed forms pin down: independent samples have zero covariance and
/// the textbook `sqrt(s1²/n1 + s2²/n2)`; a perfectly persistent panel has no change variance; replicates give
/// `scale Σ rscale_r (Δ_r − Δ)²`; a thin domain gets its estimate and a note, no test.
@Suite("Change over time")
struct ChangeTests {
    /// Two unlinked samples with unit weights: wave 1 records 0..<n1 in stratum 0, wave 2 records in stratum 1.
    static func independent(_ y1: [Double], _ y2: [Double]) throws -> ChangeDesign {
        let n1 = y1.count, n2 = y2.count
        let linked = try SurveyDesign(weights: [Double](repeating: 1, count: n1 + n2),
                                      strata: [Int32](repeating: 0, count: n1) + [Int32](repeating: 1, count: n2))
        return ChangeDesign(linked: linked, first: ChangeWave(weights: [Double](repeating: 1, count: n1), linkedRecord: Array(0..<n1)),
                            second: ChangeWave(weights: [Double](repeating: 1, count: n2), linkedRecord: Array(n1..<(n1 + n2))))
    }

    static func meanVar(_ y: [Double]) -> (Double, Double) {
        let m = y.reduce(0, +) / Double(y.count)
        let s2 = y.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(y.count - 1)
        return (m, s2)
    }

    @Test("independent samples: zero covariance, SE = sqrt(s1²/n1 + s2²/n2), panel SE = independent SE")
    func independentSamples() throws {
        let y1: [Double] = [3, 5, 8, 1, 4, 9, 2, 7], y2: [Double] = [6, 2, 9, 4, 8, 5, 7, 10, 3, 6]
        let c = try Self.independent(y1, y2).change(y1: y1, y2: y2, variable: "y")
        let (m1, v1) = Self.meanVar(y1), (m2, v2) = Self.meanVar(y2)
        #expect(abs(c.change.estimate - (m2 - m1)) < 1e-12)
        let se = (v1 / 8 + v2 / 10).squareRoot()
        #expect(abs(c.change.se! - se) < 1e-12)
        #expect(abs(c.independentSE! - se) < 1e-12)
        #expect(abs(c.correlation ?? 1) < 1e-12)
        #expect(c.linked == 0)
        #expect(c.change.df == 16)  // 18 records, 2 strata
    }

    @Test("a panel answering identically at both waves: change 0 with SE 0, while the independent SE is not 0")
    func persistentPanel() throws {
        let y: [Double] = [1, 0, 1, 1, 0, 1, 0, 0, 1, 1]
        let w: [Double] = [2, 3, 1, 4, 2, 2, 5, 1, 3, 2]
        let linked = try SurveyDesign(weights: w)
        let wave = ChangeWave(weights: w, linkedRecord: Array(0..<10))
        let c = try ChangeDesign(linked: linked, first: wave, second: wave).change(y1: y, y2: y, variable: "y", statistic: "proportion")
        #expect(c.change.estimate == 0)
        #expect(c.change.se! < 1e-15)
        #expect(c.change.pValue == nil)
        #expect(c.independentSE! > 0.1)
        #expect(abs(c.correlation! - 1) < 1e-12)
        #expect(c.linked == 10)
    }

    @Test("records absent from a wave contribute zero: a panel's covariance is that of the stayers' influence values")
    func attritionCovariance() throws {
        // Wave 1: 6 records; wave 2: records 0, 2, 3, 5. Unit weights, one stratum: closed form of the design
        // covariance n/(n−1) Σ z1_i z2_i with z_k = (y_k − m_k)/n_k (both sum to zero).
        let y1: [Double] = [1, 4, 2, 6, 3, 5], y2: [Double] = [2, 3, 7, 4]
        let rows = [0, 2, 3, 5]
        let design = ChangeDesign(linked: try SurveyDesign(weights: [Double](repeating: 1, count: 6)),
                                  first: ChangeWave(weights: [Double](repeating: 1, count: 6), linkedRecord: Array(0..<6)),
                                  second: ChangeWave(weights: [Double](repeating: 1, count: 4), linkedRecord: rows))
        let joint = try design.jointEstimates(y1: y1, y2: y2, variable: "y")
        let m1 = y1.reduce(0, +) / 6, m2 = y2.reduce(0, +) / 4
        var cov = 0.0
        for (j, r) in rows.enumerated() { cov += (y1[r] - m1) / 6 * (y2[j] - m2) / 4 }
        cov *= 6.0 / 5.0
        #expect(abs(joint.covariance[0, 1] - cov) < 1e-14)
        var v2 = 0.0
        for j in 0..<4 { v2 += (y2[j] - m2) * (y2[j] - m2) / 16 }
        #expect(abs(joint.covariance[1, 1] - v2 * 6 / 5) < 1e-14)
    }

    @Test("replicates: the change's variance is scale Σ rscale_r (Δ_r − Δ)² over the replicates' changes")
    func replicateVariance() throws {
        let y1: [Double] = [1, 0, 1, 1, 0, 1], y2: [Double] = [1, 1, 0, 1]
        let w1: [Double] = [1, 2, 1, 3, 2, 1], w2: [Double] = [2, 2, 3, 1]
        let link = [0, 2, 3, 5]
        let multipliers: [[Double]] = [[2, 0, 1, 1, 0, 2], [0, 1, 2, 1, 2, 0], [1, 1, 0, 2, 1, 1]]
        var reps = try ReplicateWeights(method: "bootstrap", weights: multipliers, scale: 1.0 / 2, rscales: [1, 1, 1], mse: true)
        reps.degreesOfFreedom = 2
        let first = ChangeWave(weights: w1, linkedRecord: Array(0..<6), replicateWeights: multipliers.map { m in (0..<6).map { w1[$0] * m[$0] } })
        let second = ChangeWave(weights: w2, linkedRecord: link, replicateWeights: multipliers.map { m in (0..<4).map { w2[$0] * m[link[$0]] } })
        let design = ChangeDesign(linked: try SurveyDesign(weights: w1), first: first, second: second, variance: .replicates(reps))
        let c = try design.change(y1: y1, y2: y2, variable: "y", statistic: "proportion")
        func mean(_ w: [Double], _ y: [Double]) -> Double { zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / w.reduce(0, +) }
        let delta = mean(w2, y2) - mean(w1, y1)
        var v = 0.0
        for r in 0..<3 { let d = mean(second.replicateWeights![r], y2) - mean(first.replicateWeights![r], y1); v += (d - delta) * (d - delta) }
        #expect(abs(c.change.estimate - delta) < 1e-14)
        #expect(abs(c.change.se! - (v / 2).squareRoot()) < 1e-14)
        #expect(c.change.df == 2)
    }

    @Test("replicates with a leverage correction: the post-stratified wave's replicated values are y + (1/(1 − d/D_c) − 1)(y − ȳ_c), its estimate unchanged")
    func leverageCorrectedReplicates() throws {
        // Wave 2 post-stratified on g (cells a, b). Its calibration residuals are y − ȳ_c (the d-weighted cell
        // mean) and its leverages d_i / D_c (D_c the cell's base-weight total): closed forms of post-stratification.
        let g: [String?] = ["a", "a", "a", "b", "b"]
        let y2: [Double] = [1, 0, 1, 0, 1], d: [Double] = [1, 2, 3, 2, 2]
        let t2 = try Table(["g": .categorical(g), "d": .numeric(d)], source: "wave2.csv")
        let cal = try Calibrator(margins: Margins(categorical: [CategoricalMargin("g", ["a": 10, "b": 8])]), method: .linear)
            .calibrate(t2, baseWeights: d, weightColumn: "d")
        let w2 = cal.weights
        let y1: [Double] = [1, 0, 1, 1, 0, 1], w1: [Double] = [1, 2, 1, 3, 2, 1]
        let link = [0, 2, 3, 4, 5]
        let multipliers: [[Double]] = [[2, 0, 1, 1, 0, 2], [0, 1, 2, 1, 2, 0], [1, 1, 0, 2, 1, 1], [1, 2, 1, 0, 1, 1]]
        // Replicate weights of wave 2: any positive weights serve the formula; the calibration is not redone here.
        let reps2 = multipliers.map { m in (0..<5).map { w2[$0] * (0.5 + m[link[$0]]) } }
        var reps = try ReplicateWeights(method: "bootstrap", weights: multipliers, scale: 1.0 / 3, rscales: [1, 1, 1, 1], mse: true)
        reps.degreesOfFreedom = 3
        let first = ChangeWave(weights: w1, linkedRecord: Array(0..<6), replicateWeights: multipliers.map { m in (0..<6).map { w1[$0] * m[$0] } })
        var second = ChangeWave(weights: w2, calibration: cal, linkedRecord: link, replicateWeights: reps2)
        func mean(_ w: [Double], _ y: [Double]) -> Double { zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / w.reduce(0, +) }
        func se(_ yStar: [Double]) -> Double {
            let delta = mean(w2, yStar) - mean(w1, y1)
            var v = 0.0
            for r in 0..<4 { let dr = mean(reps2[r], yStar) - mean(first.replicateWeights![r], y1); v += (dr - delta) * (dr - delta) }
            return (v / 3).squareRoot()
        }
        // Cell a: d = 1, 2, 3 (D = 6), y = 1, 0, 1, mean 4/6; cell b: d = 2, 2 (D = 4), y = 0, 1, mean 1/2.
        let leverages: [Double] = [1.0 / 6, 2.0 / 6, 3.0 / 6, 2.0 / 4, 2.0 / 4]
        let residuals: [Double] = [1 - 4.0 / 6, 0 - 4.0 / 6, 1 - 4.0 / 6, 0 - 0.5, 1 - 0.5]
        var jackknife = y2, hc2 = y2
        for i in 0..<5 {
            let q: Double = 1 - leverages[i]
            jackknife[i] += (1 / q - 1) * residuals[i]
            hc2[i] += (1 / q.squareRoot() - 1) * residuals[i]
        }
        for (leverage, values) in [(LeverageAdjustment.none, y2), (.hc2, hc2), (.jackknife, jackknife)] {
            second.leverage = leverage
            let design = ChangeDesign(linked: try SurveyDesign(weights: w1), first: first, second: second, variance: .replicates(reps))
            let c = try design.change(y1: y1, y2: y2, variable: "y", statistic: "proportion")
            #expect(abs(c.change.estimate - (mean(w2, y2) - mean(w1, y1))) < 1e-14, "\(leverage)")
            #expect(abs(c.change.se! - se(values)) < 1e-12, "\(leverage): \(c.change.se!) against \(se(values))")
        }
        // The three corrections give three different standard errors: the test tells them apart.
        #expect(Set([se(y2), se(hc2), se(jackknife)]).count == 3)
    }

    @Test("a domain with one respondent at a wave: both levels given, no standard error, no test, a note")
    func thinDomain() throws {
        let y1: [Double] = [3, 5, 8, 1], y2: [Double] = [6, 2, 9]
        let c = try Self.independent(y1, y2).change(y1: y1, y2: y2, in2: [true, false, false], variable: "y")
        #expect(c.wave1.estimate == 4.25)
        #expect(c.wave2.estimate == 6)
        #expect(c.change.estimate == 1.75)
        #expect(c.change.se == nil && c.change.pValue == nil && c.wave2.se == nil && c.independentSE == nil)
        #expect(c.change.note?.contains("too few respondents in wave 2 (1 respondent)") == true)
    }
}
