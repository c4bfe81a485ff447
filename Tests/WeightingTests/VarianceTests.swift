import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

@Suite("Variance schemes and intervals")
struct VarianceTests {
    /// Four strata of two PSUs (one record each), total of y.
    let y: [Double] = [3, 5, 10, 14, 2, 2, 7, 1]
    func pairedDesign() throws -> SurveyDesign {
        try SurveyDesign(weights: [Double](repeating: 2, count: 8), strata: [0, 0, 1, 1, 2, 2, 3, 3])
    }

    @Test("BRR and Fay give the closed-form variance of a total with 2 PSUs per stratum: Σ_h (w y_h1 − w y_h2)²")
    func brrClosedForm() throws {
        let design = try pairedDesign()
        let table = try Table(["y": .numeric(y)])
        var closed = 0.0
        for h in 0..<4 { let d = 2 * (y[2 * h] - y[2 * h + 1]); closed += d * d }  // (w y_h1 − w y_h2)², w = 2
        for rho in [0.0, 0.5] {
            let reps = try ReplicateWeights.brr(design, fay: rho)
            #expect(reps.weights.count == 8)
            let e = try SurveyEstimator(table: table, design: design, variance: .replicates(reps))
                .estimate(variables: ["y"], statistic: .total)[0]
            #expect(abs(e.se * e.se - closed) / closed < 1e-12)
        }
        // Linearization of the same design: Σ_h 2 Σ_j (z_hj − z̄_h)² = Σ_h (z_h1 − z_h2)², four times the BRR value.
        let lin = try SurveyEstimator(table: table, design: design).estimate(variables: ["y"], statistic: .total)[0]
        #expect(abs(lin.se * lin.se - closed) / closed < 1e-12)
    }

    @Test("the bootstrap is reproducible from its seed and its multipliers average n_h/(n_h−1)·(n_h−1)/n_h = 1 per PSU")
    func bootstrapSeed() throws {
        let design = try SurveyDesign(weights: [Double](repeating: 1, count: 60), strata: (0..<60).map { Int32($0 % 3) })
        let a = try ReplicateWeights.bootstrap(design, replicates: 400, seed: 9)
        let b = try ReplicateWeights.bootstrap(design, replicates: 400, seed: 9)
        let c = try ReplicateWeights.bootstrap(design, replicates: 400, seed: 10)
        #expect(a.weights == b.weights)
        #expect(a.weights != c.weights)
        // Each replicate keeps each stratum's total weight: (n_h − 1) draws × n_h/(n_h − 1) = n_h.
        for w in a.weights { #expect(abs(w.reduce(0, +) - 60) < 1e-9) }
        let mean = a.weights.map { $0[0] }.reduce(0, +) / 400
        #expect(abs(mean - 1) < 0.1)
        #expect(a.scale == 1.0 / 399)
    }

    @Test("a stratum with one PSU fails by default and follows remove, adjust and average otherwise")
    func lonelyPSU() throws {
        let w = [Double](repeating: 1, count: 5)
        let strata: [Int32] = [0, 0, 1, 1, 2]
        let table = try Table(["y": .numeric([1, 3, 2, 6, 10])])
        let fail = try SurveyDesign(weights: w, strata: strata, strataLabels: ["a", "b", "c"])
        #expect(errorText { _ = try SurveyEstimator(table: table, design: fail).estimate(variables: ["y"], statistic: .total) }
            .contains("stratum 'c' has only one PSU"))
        func variance(_ policy: LonelyPSUPolicy) throws -> Double {
            let d = try SurveyDesign(weights: w, strata: strata, lonelyPSU: policy)
            let se = try SurveyEstimator(table: table, design: d).estimate(variables: ["y"], statistic: .total)[0].se
            return se * se
        }
        let twoStrata: Double = 4 + 16  // Σ_h n_h/(n_h−1) Σ (y − ȳ_h)²: 2·(1 + 1) + 2·(4 + 4)
        #expect(abs(try variance(.remove) - twoStrata) < 1e-12)
        #expect(abs(try variance(.certainty) - twoStrata) < 1e-12)
        #expect(abs(try variance(.adjust) - (twoStrata + 100)) < 1e-12)  // the lonely PSU's total, squared
        #expect(abs(try variance(.average) - twoStrata * 3 / 2) < 1e-12)
    }

    @Test("Wilson interval with effective n equals the textbook formula, and logit the expit of the Wald logit")
    func proportionIntervals() {
        let p = 0.3, se = 0.04, df = 40.0
        let t = StudentT(degreesOfFreedom: df).quantile(0.975)
        let n = p * (1 - p) / (se * se)
        let centre = (p + t * t / (2 * n)) / (1 + t * t / n)
        let half = t / (1 + t * t / n) * (p * (1 - p) / n + t * t / (4 * n * n)).squareRoot()
        let (lo, hi) = ProportionIntervals.wilson(p: p, se: se, n: 500, df: df, level: 0.95)
        #expect(abs(lo - (centre - half)) < 1e-14 && abs(hi - (centre + half)) < 1e-14)
        let (ll, lh) = ProportionIntervals.logit(p: p, se: se, df: df, level: 0.95)
        let eta = log(p / (1 - p)), s = se / (p * (1 - p))
        #expect(abs(ll - 1 / (1 + exp(-(eta - t * s)))) < 1e-14)
        #expect(abs(lh - 1 / (1 + exp(-(eta + t * s)))) < 1e-14)
    }

    @Test("missing values are excluded per variable and counted")
    func missingValues() throws {
        let table = try Table(["y": .numeric([1, .nan, 3, 4]), "g": .categorical(["a", "a", nil, "b"])])
        let design = try SurveyDesign(weights: [1, 1, 1, 1])
        let est = SurveyEstimator(table: table, design: design)
        let m = try est.estimate(variables: ["y"], statistic: .mean)[0]
        #expect(m.n == 3 && m.missing == 1 && abs(m.estimate - 8.0 / 3) < 1e-15)
        let p = try est.estimate(variables: ["g"], statistic: .mean)
        #expect(p.count == 2 && p[0].n == 3 && p[0].missing == 1 && abs(p[0].estimate - 2.0 / 3) < 1e-15)
        #expect(errorText { _ = try est.estimate(variables: ["y"], statistic: .quantile([1.5])) }.contains("between 0 and 1"))
    }
}
