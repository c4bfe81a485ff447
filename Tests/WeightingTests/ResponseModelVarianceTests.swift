import Foundation
import Testing
@testable import Weighting

/// The response model's estimation in linearized variances (``ResponseModelLinearization``, Kim & Kim 2007)
/// against R survey 4.1.1 (`Fixtures/responsemodel/make_responsemodel.R`): propensity classes as R's `twophase`
/// design calibrated at phase 2 on the class indicators; inverse logistic propensity as the Taylor expansion in
/// the model's coefficients built in R (numerical Jacobian, glm fit) with the phase-1 design's `svytotal`.
@Suite("Response-model variance against R survey")
struct ResponseModelVarianceTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/responsemodel")

    static func rows(_ name: String) throws -> [[String: String]] {
        let all = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).split(separator: "\n")
        let names = all[0].split(separator: ",").map(String.init)
        return all.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(names, $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init))) }
    }

    static let levels = ["a", "b", "c", "d"]

    struct Data {
        var w1: [Double], retained: [Bool], cls: [Int], x: [Double], rows: [Int], values: [String: [Double]]
        init() throws {
            let d = try ResponseModelVarianceTests.rows("responsemodel_data.csv")
            w1 = d.map { Double($0["w1"]!)! }
            let r = d.map { $0["r"] == "1" }
            retained = r
            cls = d.map { ResponseModelVarianceTests.levels.firstIndex(of: $0["cls"]!)! }
            x = d.map { Double($0["x"]!)! }
            let kept = d.indices.filter { r[$0] }
            rows = kept
            var v: [String: [Double]] = [:]
            for name in ["y", "b"] { v[name] = kept.map { Double(d[$0][name]!)! } }
            values = v
        }
        /// The class model: class indicators and the classes' weighted staying rates.
        var classModel: ResponseModelLinearization {
            var all = [Double](repeating: 0, count: 4), kept = all
            for i in w1.indices { all[cls[i]] += w1[i]; if retained[i] { kept[cls[i]] += w1[i] } }
            return ResponseModelLinearization(covariates: cls.map { c in (0..<4).map { $0 == c ? 1 : 0 } },
                                              propensities: cls.map { kept[$0] / all[$0] }, phase1Weights: w1, retained: retained)
        }
    }

    static func golden(_ c: String) throws -> [[String: String]] { try rows("responsemodel_estimates.csv").filter { $0["case"] == c } }

    @Test("propensity classes: the two-phase SE with the classes estimated equals R's twophase calibrated on the class indicators (1e-7)",
          arguments: ["wr", "wor"])
    func classesAgreeWithRCalibratedTwoPhase(_ phase1: String) throws {
        let d = try Data()
        let model = d.classModel
        let p2 = d.rows.map { model.propensities[$0] }
        var design = TwoPhaseLinearization(phase1Weights: d.w1, phase2Rows: d.rows, phase2Probabilities: p2,
                                           finalWeights: zip(d.rows, p2).map { d.w1[$0.0] / $0.1 },
                                           phase1Sampling: phase1 == "wor" ? .withoutReplacement : .withReplacement)
        let known = design
        design.responseModel = model
        for (c, des) in [("classes_" + phase1, design), ("classes_known_" + phase1, known)] {
            let golden = try Self.golden(c)
            #expect(golden.count == 4)
            for g in golden {
                let y = d.values[g["variable"]!]!
                let r = g["statistic"] == "total" ? des.total(y) : des.mean(y)
                let estimate = Double(g["estimate"]!)!, se = Double(g["se"]!)!
                #expect(abs(r.estimate - estimate) <= 1e-8 * abs(estimate), "\(c) \(g["statistic"]!) \(g["variable"]!)")
                #expect(abs(r.standardError - se) <= 1e-7 * se, "\(c) \(g["statistic"]!) \(g["variable"]!): SE \(r.standardError) vs R \(se)")
            }
        }
    }

    @Test("inverse logistic propensity: the linked (Kim & Kim) SE of totals and, through ChangeDesign, of means equals R's Taylor expansion (1e-6)",
          arguments: ["wr", "wor"])
    func logisticAgreesWithRTaylorExpansion(_ phase1: String) throws {
        let d = try Data()
        let table = try Table(columns: [("x", .numeric(d.x)), ("cls", .categorical(d.cls.map { Self.levels[$0] }))])
        let mm = try ModelMatrix(table: table, covariates: ["x", "cls"])
        let fit = try LogisticRegression.fit(x: mm.x, terms: mm.terms, y: d.retained.map { $0 ? 1 : 0 }, weights: d.w1.map { $0 / 10 })
        let model = ResponseModelLinearization(covariates: (0..<mm.x.rows).map { i in (0..<mm.x.columns).map { mm.x[i, $0] } },
                                               propensities: fit.fitted, phase1Weights: d.w1, retained: d.retained)
        let linked = try SurveyDesign(weights: d.w1, fpc: phase1 == "wor" ? d.w1.map { _ in 4000 } : nil)
        let w2 = d.rows.map { d.w1[$0] / fit.fitted[$0] }
        var second = ChangeWave(weights: w2, linkedRecord: d.rows)
        second.responseModel = model
        let change = ChangeDesign(linked: linked, first: ChangeWave(weights: d.w1, linkedRecord: Array(d.w1.indices)), second: second)
        let golden = try Self.golden("logistic_" + phase1)
        #expect(golden.count == 4)
        for g in golden {
            let name = g["variable"]!, y = d.values[name]!
            let estimate = Double(g["estimate"]!)!, se = Double(g["se"]!)!
            if g["statistic"] == "total" {
                var x = [Double](repeating: 0, count: d.w1.count)
                for (k, i) in d.rows.enumerated() { x[i] = w2[k] * y[k] }
                let total = x.reduce(0, +)
                let v = try LinearizationVariance(design: linked).variance(model.linkedInfluence(x))
                #expect(abs(total - estimate) <= 1e-8 * abs(estimate))
                #expect(abs(v.squareRoot() - se) <= 1e-6 * se, "total \(name): SE \(v.squareRoot()) vs R \(se)")
            } else {
                let y1 = d.w1.indices.map { d.retained[$0] ? 0.0 : 1.0 }
                let joint = try change.jointEstimates(y1: y1, y2: y, variable: name)
                #expect(abs(joint.values[1] - estimate) <= 1e-8 * abs(estimate))
                let s = joint.covariance[1, 1].squareRoot()
                #expect(abs(s - se) <= 1e-6 * se, "mean \(name): SE \(s) vs R \(se)")
            }
        }
    }

    @Test("a logistic model saturated in the classes gives the same correction as the propensity classes")
    func saturatedLogisticIsTheClassCorrection() throws {
        let d = try Data()
        let classes = d.classModel
        // Intercept and three dummies span the class indicators; the fitted rates of a saturated model are the class rates.
        let logistic = ResponseModelLinearization(covariates: d.cls.map { c in [1] + (1..<4).map { $0 == c ? 1 : 0 } },
                                                  propensities: classes.propensities, phase1Weights: d.w1, retained: d.retained)
        var x = [Double](repeating: 0, count: d.w1.count)
        for (k, i) in d.rows.enumerated() { x[i] = d.w1[i] / classes.propensities[i] * d.values["y"]![k] }
        for (a, b) in zip(classes.linkedInfluence(x), logistic.linkedInfluence(x)) { #expect(abs(a - b) <= 1e-9 * max(1, abs(a))) }
    }

    @Test("the correction leaves the total unchanged and lowers the variance of a variable the response model predicts")
    func correctionKeepsTheTotalAndLowersVariance() throws {
        let d = try Data()
        let model = d.classModel
        var x = [Double](repeating: 0, count: d.w1.count)
        for (k, i) in d.rows.enumerated() { x[i] = d.w1[i] / model.propensities[i] * d.values["y"]![k] }
        let eta = model.linkedInfluence(x)
        let corrected: Double = eta.reduce(0, +), plain: Double = x.reduce(0, +)
        #expect(abs(corrected - plain) <= 1e-8 * abs(plain))
        let design = try SurveyDesign(weights: d.w1)
        let vCorrected = try LinearizationVariance(design: design).variance(eta), vPlain = try LinearizationVariance(design: design).variance(x)
        #expect(vCorrected < 0.9 * vPlain)
    }
}
