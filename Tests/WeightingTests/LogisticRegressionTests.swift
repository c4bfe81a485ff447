import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

@Suite("Logistic regression against R glm(family = binomial)")
struct LogisticRegressionTests {
    static let folder = fixturesURL().appendingPathComponent("golden")

    @Test("coefficients, standard errors and deviance match R to a relative 1e-8", arguments: ["none", "pw"])
    func matchesGLM(weights: String) throws {
        let table = try Table(contentsOf: Self.folder.appendingPathComponent("apistrat.csv").path)
        let expected = try Table(contentsOf: Self.folder.appendingPathComponent("glm_binomial.csv").path)
        let awards = try table.categorical("awards")
        let y = (0..<table.rowCount).map { awards[$0] == "Yes" ? 1.0 : 0.0 }
        let mm = try ModelMatrix(table: table, covariates: ["stype", "api99", "meals"])
        let w = weights == "pw" ? try table.numeric("pw").values : nil
        let fit = try LogisticRegression.fit(x: mm.x, terms: mm.terms, y: y, weights: w)
        #expect(fit.terms == ["(Intercept)", "stype=H", "stype=M", "api99", "meals"])
        let rTerms = ["(Intercept)", "stypeH", "stypeM", "api99", "meals"]
        let b = expected.buffer!
        for r in 0..<expected.rowCount where b.text(row: r, column: 0) == weights {
            let k = rTerms.firstIndex(of: b.text(row: r, column: 1))!
            let est = Double(b.text(row: r, column: 2))!, se = Double(b.text(row: r, column: 3))!
            #expect(abs(fit.coefficients[k] - est) / abs(est) < 1e-8, "\(rTerms[k]): \(fit.coefficients[k]) vs \(est)")
            #expect(abs(fit.standardErrors[k] - se) / se < 1e-8, "\(rTerms[k]) se: \(fit.standardErrors[k]) vs \(se)")
            let dev = Double(b.text(row: r, column: 4))!
            #expect(abs(fit.deviance - dev) / dev < 1e-10)
        }
    }

    @Test("perfect separation is named by its level")
    func separation() throws {
        let table = try Table(["g": .categorical(["a", "a", "b", "b", "c", "c", "a", "b"]), "x": .numeric([1, 2, 3, 4, 5, 6, 7, 8])])
        let y: [Double] = [1, 0, 1, 0, 1, 1, 0, 1]  // every record of level c stays
        let mm = try ModelMatrix(table: table, covariates: ["g"])
        let message = errorText { _ = try LogisticRegression.fit(x: mm.x, terms: mm.terms, y: y) }
        #expect(message.contains("perfect separation"))
        #expect(message.contains("g=c (all 2 record(s) responded)"))
    }

    @Test("collinear covariates and constant responses are refused")
    func degenerate() throws {
        let table = try Table(["x": .numeric([1, 2, 3, 4]), "x2": .numeric([2, 4, 6, 8])])
        let mm = try ModelMatrix(table: table, covariates: ["x", "x2"])
        #expect(errorText { _ = try LogisticRegression.fit(x: mm.x, terms: mm.terms, y: [1, 0, 1, 0]) }.contains("collinear"))
        let mm1 = try ModelMatrix(table: table, covariates: ["x"])
        #expect(errorText { _ = try LogisticRegression.fit(x: mm1.x, terms: mm1.terms, y: [1, 1, 1, 1]) }.contains("every record has response 1"))
    }
}
