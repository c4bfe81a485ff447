import Foundation
import Testing
import WeightingTestSupport
@testable import Weighting
@testable import WeightingIO

/// A distance defined outside the library: `F(u) = 1 + sinh(u)`, `G(g) = (g−1) asinh(g−1) − √((g−1)² + 1) + 1`.
struct SinhDistance: CalibrationDistance {
    var name: String { "sinh" }
    func evaluate(_ u: Double) -> (g: Double, derivative: Double) { (1 + sinh(u), cosh(u)) }
    func distance(_ g: Double) -> Double { (g - 1) * asinh(g - 1) - ((g - 1) * (g - 1) + 1).squareRoot() + 1 }
}

@Suite("Calibration distances are values")
struct CalibrationDistanceTests {
    static let builtIn: [any CalibrationDistance] = [LinearDistance(), RakingDistance(), LogitDistance(lower: 0.4, upper: 2.5),
                                                     TruncatedLinearDistance(lower: 0.4, upper: 2.5), SinhDistance()]

    @Test("every distance has F(0) = 1, F'(0) = 1 and G(1) = 0", arguments: 0..<5)
    func normalisedAtZero(_ k: Int) {
        let d = Self.builtIn[k]
        let (g, dF) = d.evaluate(0)
        #expect(abs(g - 1) < 1e-15 && abs(dF - 1) < 1e-15, "\(d.name): F(0) = \(g), F'(0) = \(dF)")
        #expect(abs(d.distance(1)) < 1e-15, "\(d.name): G(1) = \(d.distance(1))")
    }

    @Test("F is the inverse of G' and F' the derivative of F (central differences)", arguments: 0..<5)
    func inverseOfDerivativeOfG(_ k: Int) {
        let d = Self.builtIn[k]
        for u in [-0.45, -0.25, 0.1, 0.3, 0.55] {
            let h = 1e-5
            let (g, dF) = d.evaluate(u)
            let gPlus = d.ratio(u + h), gMinus = d.ratio(u - h)
            let slopeF = (gPlus - gMinus) / (2 * h)
            #expect(abs(slopeF - dF) < 1e-6 * max(1, abs(dF)), "\(d.name) at u = \(u): F' \(dF) vs difference \(slopeF)")
            // G'(g) = u: the secant of G between F(u−h) and F(u+h).
            let secant = (d.distance(gPlus) - d.distance(gMinus)) / (gPlus - gMinus)
            #expect(abs(secant - u) < 1e-6, "\(d.name) at u = \(u): G'(F(u)) = \(secant)")
            if let b = d.bounds { #expect(g >= b.lower && g <= b.upper) }
        }
    }

    @Test("one place maps names to methods: every name round-trips, poststratify calibrates with the raking distance")
    func namesRoundTrip() throws {
        for kind in CalibrationMethod.Name.allCases {
            let method = try CalibrationMethod(name: kind.rawValue, bounds: kind.needsBounds ? (0.5, 2) : nil)
            #expect(method.name == kind.rawValue && method.kind == kind)
        }
        #expect(CalibrationMethod.poststratify.distance is RakingDistance)
        #expect(CalibrationMethod(distance: LogitDistance(lower: 0.5, upper: 2)) == .logit(lower: 0.5, upper: 2))
        #expect(CalibrationMethod(distance: SinhDistance()).name == "sinh")
        #expect(throws: CalibrationMethodError.missingBounds("logit")) { try CalibrationMethod(name: "logit") }
        #expect(throws: CalibrationMethodError.unexpectedBounds("raking")) { try CalibrationMethod(name: "raking", bounds: (0.5, 2)) }
        #expect(throws: CalibrationMethodError.unknownName("rake")) { try CalibrationMethod(name: "rake") }
    }

    static let folder = fixturesURL()

    /// R survey 4.1.1 `calibrate(calfun = make.calfun(sinh, cosh))` on apistrat (Fixtures/distance/make_sinh.R).
    @Test("a user-defined sinh distance calibrates through the public API as R's make.calfun: weights to 1e-9, means and totals with their linearized SE to 1e-8")
    func userDefinedDistanceMatchesR() throws {
        let golden = Self.folder.appendingPathComponent("golden").path
        let table = try Table(contentsOf: golden + "/apistrat.csv")
        let margins = try MarginsFile.read(golden + "/margins_stype_schwide_api99.csv")
        let result = try Calibrator(margins: margins, distance: SinhDistance(), options: CalibrationOptions(maxIterations: 200, tolerance: 1e-13))
            .calibrate(table, weightColumn: "pw")
        #expect(result.report.method == "sinh")
        let distanceFolder = Self.folder.appendingPathComponent("distance").path
        let expected = try Table(contentsOf: distanceFolder + "/expected_sinh_weights.csv").numeric("weight").values
        #expect(expected.count == 200 && result.weights.count == 200)
        let worst = zip(result.weights, expected).reduce(0.0) { max($0, abs($1.0 - $1.1) / abs($1.1)) }
        #expect(worst < 1e-9, "max relative difference \(worst)")
        // Not the linear or raking solution: the distance matters.
        let linear = try Calibrator(margins: margins, method: .linear).calibrate(table, weightColumn: "pw").weights
        #expect(zip(linear, expected).contains { abs($0 - $1) / $1 > 1e-6 })

        let design = try SurveyDesign(table: table, weight: "pw", strata: "stype", fpc: "fpc").calibrated(result)
        let estimator = SurveyEstimator(table: table, design: design)
        let rows = try Table(contentsOf: distanceFolder + "/expected_sinh_estimates.csv")
        let statistic = try rows.categorical("statistic"), variable = try rows.categorical("variable")
        let estimate = try rows.numeric("estimate").values, se = try rows.numeric("se").values
        #expect(rows.rowCount == 3)
        for i in 0..<rows.rowCount {
            let s = statistic.levels[Int(statistic.codes[i])], v = variable.levels[Int(variable.codes[i])]
            let got = try estimator.estimate(variables: [v], statistic: s == "total" ? .total : .mean)[0]
            #expect(abs(got.estimate - estimate[i]) / estimate[i] < 1e-8, "\(s) \(v): \(got.estimate) vs R \(estimate[i])")
            #expect(abs(got.se - se[i]) / se[i] < 1e-8, "\(s) \(v): se \(got.se) vs R \(se[i])")
        }
    }
}
