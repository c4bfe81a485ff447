import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

/// Two-phase linearization against R survey 4.1.1's `twophase(method = "full")`, uncalibrated and calibrated at
/// phase 2 to the phase-1 totals (`Fixtures/twophase/make_twophase.R`).
@Suite("Two-phase linearization against R survey's twophase design")
struct TwoPhaseGoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/twophase")

    static func rows(_ name: String) throws -> [[String: String]] {
        let buffer = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        let all = buffer.split(separator: "\n")
        let names = all[0].split(separator: ",").map(String.init)
        let lines = all.dropFirst()
        return lines.map { line in Dictionary(uniqueKeysWithValues: zip(names, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init))) }
    }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var description: String { name }
    }

    static let cases = ["wr_none", "wr_linear", "wr_raking", "wor_none", "wor_linear", "wor_raking"].map { Case(name: $0) }

    @Test("totals and means of a numeric and a binary variable: estimates to 1e-8, standard errors to 1e-7 (relative)", arguments: cases)
    func agreesWithR(_ c: Case) throws {
        let data = try Self.rows("twophase_data.csv")
        let golden = try Self.rows("twophase_estimates.csv").filter { $0["case"] == c.name }
        #expect(golden.count == 4)
        #expect(data.count == 300)
        let w1 = data.map { Double($0["w1"]!)! }
        let s2 = data.indices.filter { data[$0]["in2"] == "1" }
        let p2 = s2.map { Double(data[$0]["p2"]!)! }
        let base = zip(s2, p2).map { w1[$0.0] / $0.1 }
        var weights = base
        var aux: [[Double]] = []
        let method = String(c.name.split(separator: "_")[1])
        if method != "none" {
            // Phase-2 calibration to the phase-1 estimated totals of cls (3 levels) and x.
            let levels = ["a", "b", "c"]
            var totals = [0.0, 0.0, 0.0], xTotal = 0.0
            for (i, r) in data.enumerated() {
                totals[levels.firstIndex(of: r["cls"]!)!] += w1[i]
                xTotal += w1[i] * Double(r["x"]!)!
            }
            let margins = Margins(categorical: [try CategoricalMargin(variables: ["cls"], levels: levels.map { [$0] }, targets: totals)],
                                  numeric: [NumericTotal("x", total: xTotal)])
            let table = try Table(columns: [("cls", .categorical(s2.map { data[$0]["cls"] })),
                                        ("x", .numeric(s2.map { Double(data[$0]["x"]!)! }))])
            let result = try Calibrator(margins: margins, method: method == "linear" ? .linear : .raking).calibrate(table, baseWeights: base)
            weights = result.weights
            aux = s2.map { i in levels.map { data[i]["cls"] == $0 ? 1.0 : 0.0 } + [Double(data[i]["x"]!)!] }
        }
        let design = TwoPhaseLinearization(phase1Weights: w1, phase2Rows: s2, phase2Probabilities: p2, finalWeights: weights,
                                           phase2Auxiliaries: aux,
                                           phase1Sampling: c.name.hasPrefix("wor") ? .withoutReplacement : .withReplacement)
        for g in golden {
            let y = s2.map { Double(data[$0][g["variable"]!]!)! }
            let r = g["statistic"] == "total" ? design.total(y) : design.mean(y)
            let estimate = Double(g["estimate"]!)!, se = Double(g["se"]!)!
            #expect(abs(r.estimate - estimate) <= 1e-8 * abs(estimate), "\(c.name) \(g["statistic"]!) \(g["variable"]!): \(r.estimate) vs R \(estimate)")
            #expect(abs(r.standardError - se) <= 1e-7 * se, "\(c.name) \(g["statistic"]!) \(g["variable"]!): SE \(r.standardError) vs R \(se)")
        }
    }

    @Test("phase-2 calibration to a phase-1 total removes the phase-2 variance of that variable's total")
    func calibratedVariableHasOnlyPhaseOneVariance() throws {
        // x is a calibration variable: its residuals at phase 2 are zero, so only the phase-1 part is left.
        let data = try Self.rows("twophase_data.csv")
        let w1 = data.map { Double($0["w1"]!)! }
        let s2 = data.indices.filter { data[$0]["in2"] == "1" }
        let p2 = s2.map { Double(data[$0]["p2"]!)! }
        let x = s2.map { Double(data[$0]["x"]!)! }
        let design = TwoPhaseLinearization(phase1Weights: w1, phase2Rows: s2, phase2Probabilities: p2,
                                           finalWeights: zip(s2, p2).map { w1[$0.0] / $0.1 },
                                           phase2Auxiliaries: x.map { [1, $0] })
        let r = design.total(x)
        #expect(abs(r.phase2Variance) < 1e-9 * r.phase1Variance)
        #expect(r.phase1Variance > 0)
    }
}
