import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

/// Within-group calibration of the barometer's wave 1 (2,774 answers; groups: communes under / over 1,000
/// inhabitants, each with its own region and size margins) against R survey calibrating each group separately
/// and combining the weights (Fixtures/choices/make_grouped.R, make_grouped_fixture.py).
@Suite("Calibration within groups")
struct GroupedCalibrationTests {
    static let folder = fixturesURL().appendingPathComponent("choices")

    static func calibrate(_ method: CalibrationMethod) throws -> (Table, CalibrationResult, GroupedMargins) {
        var table = try Table(contentsOf: folder.appendingPathComponent("wave1_groups.csv").path)
        let grouped = try GroupedMargins.read(folder.appendingPathComponent("margins_grouped.csv").path, groupVariable: "groupe")
        let margins = try grouped.crossed(for: &table)
        let d = try table.numeric("d").values
        return (table, try Calibrator(margins: margins, method: method).calibrate(table, baseWeights: d), grouped)
    }

    static func golden(_ column: String) throws -> [Double] {
        try Table(contentsOf: folder.appendingPathComponent("grouped_weights.csv").path).numeric(column).values
    }

    @Test("the reference holds 2,774 records")
    func fixtureLoaded() throws {
        #expect(try Self.golden("raking").count == 2774)
    }

    @Test("combined weights equal R's per-group calibrations", arguments: [("raking", CalibrationMethod.raking), ("linear", .linear)])
    func matchesPerGroupR(name: String, method: CalibrationMethod) throws {
        let (_, result, _) = try Self.calibrate(method)
        let ref = try Self.golden(name)
        let diff = zip(result.weights, ref).map { abs($0 - $1) / abs($1) }.max()!
        #expect(diff < 1e-8, "\(name): max relative difference \(diff)")
    }

    @Test("total and mean of site_web with their linearization SE match R survey")
    func estimatesMatchR() throws {
        let (table, result, _) = try Self.calibrate(.raking)
        let design = try SurveyDesign(table: table, weight: "d").calibrated(result)
        let est = SurveyEstimator(table: table, design: design)
        let ref = try Table(contentsOf: Self.folder.appendingPathComponent("grouped_estimates.csv").path)
        let values = try ref.numeric("estimate").values, ses = try ref.numeric("se").values
        let total = try est.estimate(variables: ["site_web"], statistic: .total)[0]
        let mean = try est.estimate(variables: ["site_web"], statistic: .mean)[0]
        #expect(abs(total.estimate - values[0]) <= 1e-8 * values[0])
        #expect(abs(total.se - ses[0]) <= 1e-6 * ses[0], "total se \(total.se) vs \(ses[0])")
        #expect(abs(mean.estimate - values[1]) <= 1e-8 * values[1])
        #expect(abs(mean.se - ses[1]) <= 1e-6 * ses[1], "mean se \(mean.se) vs \(ses[1])")
    }

    @Test("each group's weights sum to its own population")
    func groupSums() throws {
        let (table, result, grouped) = try Self.calibrate(.raking)
        let s = try grouped.summaries(table: table, weights: result.weights, baseWeights: result.baseWeights)
        #expect(s.map(\.group) == ["petite", "grande"])
        #expect(abs(s[0].weightSum - 24844) < 1e-6 && abs(s[1].weightSum - 10031) < 1e-6, "\(s.map(\.weightSum))")
    }

    @Test("a group of the data without margins is named")
    func groupWithoutMargins() throws {
        var table = try Table(contentsOf: Self.folder.appendingPathComponent("wave1_groups.csv").path)
        var grouped = try GroupedMargins.read(Self.folder.appendingPathComponent("margins_grouped.csv").path, groupVariable: "groupe")
        grouped.groups = ["petite"]
        grouped.margins["grande"] = nil
        #expect(throws: GroupedMarginsError.self) { _ = try grouped.crossed(for: &table) }
        do { _ = try grouped.crossed(for: &table) } catch { #expect("\(error)".contains("\"grande\"") || "\(error)".contains("'grande'"), "\(error)") }
    }

    @Test("margins for a group no respondent has are refused")
    func groupAbsentFromData() throws {
        var table = try Table(contentsOf: Self.folder.appendingPathComponent("wave1_groups.csv").path)
        var grouped = try GroupedMargins.read(Self.folder.appendingPathComponent("margins_grouped.csv").path, groupVariable: "groupe")
        grouped.groups.append("moyenne")
        grouped.margins["moyenne"] = grouped.margins["grande"]
        do {
            _ = try grouped.crossed(for: &table)
            Issue.record("margins of an absent group were accepted")
        } catch {
            #expect("\(error)".contains("moyenne") && "\(error)".contains("which no respondent"), "\(error)")
        }
    }
}
