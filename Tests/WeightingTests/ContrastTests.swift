import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Closed-form checks of the pieces of contrasts and tests: reading contrasts, the multiple-comparison
/// adjustments (against R's `p.adjust`), the chi-squared distribution, and the consistency of the joint
/// covariance with the single-estimate standard errors.
@Suite("Contrasts, adjustments and the chi-squared distribution")
struct ContrastTests {
    @Test("a contrast is read with spaces around its operators, so level names may hold '-' and spaces")
    func parsing() throws {
        let c = try Contrast(parsing: "E + H - 2*M")
        #expect(c.form == .linear([("E", 1), ("H", 1), ("M", -2)]))
        let r = try Contrast(parsing: "10000-49999 / moins de 500")
        #expect(r.form == .ratio(numerator: "10000-49999", denominator: "moins de 500"))
        let d = try Contrast(parsing: "- 0.5*a=x & b=y + all")
        #expect(d.form == .linear([("a=x & b=y", -0.5), ("all", 1)]))
        #expect(throws: ComparisonError.self) { try Contrast(parsing: "  ") }
        #expect(throws: ComparisonError.self) { try Contrast(parsing: "A / B / C") }
    }

    @Test("Holm and Bonferroni give R's p.adjust values; untested comparisons are left out of m")
    func adjustments() {
        // p.adjust(c(0.01, 0.04, 0.03), "holm") = 0.03 0.06 0.06; "bonferroni" = 0.03 0.12 0.09.
        let p: [Double?] = [0.01, 0.04, nil, 0.03]
        let holm = PValueAdjustment.holm.adjust(p), bonf = PValueAdjustment.bonferroni.adjust(p)
        for (got, want) in zip(holm, [0.03, 0.06, nil, 0.06] as [Double?]) { #expect(got == nil ? want == nil : abs(got! - want!) < 1e-15) }
        for (got, want) in zip(bonf, [0.03, 0.12, nil, 0.09] as [Double?]) { #expect(got == nil ? want == nil : abs(got! - want!) < 1e-15) }
        #expect(PValueAdjustment.bonferroni.adjust([0.5, 0.6]) == [1, 1])
    }

    @Test("the chi-squared survival function matches its closed forms for 1, 2 and 4 degrees of freedom",
          arguments: [0.01, 0.5, 3.0, 12.0, 40.0, 200.0])
    func chiSquared(x: Double) {
        func rel(_ a: Double, _ b: Double) -> Double { abs(a - b) / b }
        #expect(rel(ChiSquared(degreesOfFreedom: 2).survival(x), exp(-x / 2)) < 1e-13)
        #expect(rel(ChiSquared(degreesOfFreedom: 4).survival(x), exp(-x / 2) * (1 + x / 2)) < 1e-13)
        #expect(rel(ChiSquared(degreesOfFreedom: 1).survival(x), erfc((x / 2).squareRoot())) < 1e-12)
    }

    @Test("the joint covariance's diagonal is each domain's variance, with linearization after calibration and with replicates")
    func diagonal() throws {
        let s = SyntheticSurvey()
        let margins = Margins(categorical: [s.regionMargin, s.sizeMargin])
        let calibrator = Calibrator(margins: margins, method: .raking)
        let result = try calibrator.calibrate(s.table, baseWeights: s.d)
        let design = try SurveyDesign(weights: s.d).calibrated(result)
        let reps = try ReplicateWeights.jk1(try SurveyDesign(weights: s.d)).recalibrated(using: calibrator, result: result)
        for variance in [VarianceMethod.linearization, .replicates(reps)] {
            let e = SurveyEstimator(table: s.table, design: design, variance: variance)
            let joint = try e.jointEstimates(variable: "pop", statistic: .mean, by: ["size"])
            let single = try e.estimate(variables: ["pop"], statistic: .mean, by: ["size"])
                + e.estimate(variables: ["pop"], statistic: .mean)
            #expect(joint.names == ["grande", "moyenne", "petite", "all"])
            for k in 0..<4 {
                #expect(abs(joint.values[k] - single[k].estimate) <= 1e-12 * abs(single[k].estimate))
                #expect(abs(joint.standardError(k) - single[k].se) <= 1e-10 * single[k].se)
            }
            // The whole's mean of pop is fixed by no margin: the domain-minus-whole variance uses the covariance.
            let c = try joint.estimate(.difference("petite", "all"))
            let naive = (joint.covariance[2, 2] + joint.covariance[3, 3]).squareRoot()
            #expect(abs(c.se! - naive) > 1e-6 * naive)
        }
    }
}
