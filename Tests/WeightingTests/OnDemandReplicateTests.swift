import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
import WeightingTestSupport

/// Bootstrap replicates made on demand (issue 17: R re-calibrated replicates in O(n + R × cells) memory) give the
/// values of stored replicates, bit for bit: the same Rao–Wu draws from the saved state of the random stream,
/// the same calibration factors per cell, the same products, the same sums in each estimator.
@Suite("Replicates made on demand")
struct OnDemandReplicateTests {
    static let folder = fixturesURL().appendingPathComponent("golden")

    /// apistrat (200 schools, 3 strata) or apiclus1 (15 clusters), raked on stype and sch_wide.
    static func setUp(clustered: Bool) throws -> (table: Table, design: SurveyDesign, calibrator: Calibrator, result: CalibrationResult) {
        let table = try Table(contentsOf: folder.appendingPathComponent(clustered ? "apiclus1.csv" : "apistrat.csv").path)
        let design = clustered ? try SurveyDesign(table: table, weight: "pw", cluster: "dnum")
            : try SurveyDesign(table: table, weight: "pw", strata: "stype")
        let margins = try MarginsFile.read(folder.appendingPathComponent("margins_stype_schwide.csv").path)
        let calibrator = Calibrator(margins: margins, method: .raking, options: CalibrationOptions(maxIterations: 1000, tolerance: 1e-13))
        let result = try calibrator.calibrate(table, weightColumn: "pw")
        return (table, design, calibrator, result)
    }

    @Test("on-demand bootstrap replicates equal stored ones, before and after re-calibration and scaling",
          arguments: [false, true])
    func sameWeights(clustered: Bool) throws {
        let s = try Self.setUp(clustered: clustered)
        let stored = try ReplicateWeights.bootstrap(s.design, replicates: 40, seed: 7, onDemandAbove: .infinity)
        let onDemand = try ReplicateWeights.bootstrap(s.design, replicates: 40, seed: 7, onDemandAbove: 0)
        #expect(!stored.isOnDemand && onDemand.isOnDemand)
        #expect(onDemand.count == 40 && onDemand.weights == stored.weights)
        #expect(onDemand.degreesOfFreedom == stored.degreesOfFreedom)
        let storedCal = try stored.recalibrated(using: s.calibrator, result: s.result, rankBudget: 0)
        let onDemandCal = try onDemand.recalibrated(using: s.calibrator, result: s.result, rankBudget: 0)
        #expect(onDemandCal.isOnDemand)
        #expect(onDemandCal.weights == storedCal.weights)
        #expect(onDemandCal.degreesOfFreedom == storedCal.degreesOfFreedom)
        // Every replicate meets the margins (a re-calibration, not a copy of the base weights).
        let stype = try s.table.categorical("stype")
        let e = stype.levels.firstIndex(of: "E")!
        for r in [0, 17, 39] {
            let w = onDemandCal.replicate(r)
            let total = zip(w, stype.codes).filter { $0.1 == UInt32(e) }.map(\.0).reduce(0, +)
            #expect(abs(total - 4421) < 1e-6)
        }
        let scaledStored = try WeightScaling.sampleSize.apply(to: storedCal, margins: s.calibrator.margins)
        let scaledOnDemand = try WeightScaling.sampleSize.apply(to: onDemandCal, margins: s.calibrator.margins)
        #expect(scaledOnDemand.isOnDemand && scaledOnDemand.weights == scaledStored.weights)
    }

    @Test("estimates, standard errors and covariances from on-demand replicates are those of stored replicates")
    func sameEstimates() throws {
        let s = try Self.setUp(clustered: false)
        let design = s.design.calibrated(s.result)
        func estimator(onDemandAbove budget: Double) throws -> SurveyEstimator {
            let reps = try ReplicateWeights.bootstrap(s.design, replicates: 30, seed: 3, onDemandAbove: budget)
                .recalibrated(using: s.calibrator, result: s.result, rankBudget: 0)
            return SurveyEstimator(table: s.table, design: design, variance: .replicates(reps), interval: .wald)
        }
        let stored = try estimator(onDemandAbove: .infinity), onDemand = try estimator(onDemandAbove: 0)
        for (statistic, variables) in [(StatisticKind.mean, ["api00", "both"]), (.total, ["enroll"]), (.ratio(denominator: "api99"), ["api00"])] {
            let a = try stored.estimate(variables: variables, statistic: statistic, by: ["sch_wide"])
            let b = try onDemand.estimate(variables: variables, statistic: statistic, by: ["sch_wide"])
            #expect(a.count == b.count && !a.isEmpty)
            for (x, y) in zip(a, b) {
                #expect(x.estimate == y.estimate && x.se == y.se && x.ciLow == y.ciLow && x.df == y.df)
                // (a proportion at 0 or 1 has no variance: "both" is "No" wherever sch_wide is "No")
                #expect(x.se > 0 || x.estimate == 0 || x.estimate == 1)
            }
        }
        let ca = try stored.jointEstimates(variable: "api00", statistic: .mean, by: ["sch_wide"])
        let cb = try onDemand.jointEstimates(variable: "api00", statistic: .mean, by: ["sch_wide"])
        #expect(ca.covariance == cb.covariance && ca.covariance[0, 0] > 0)
    }

    @Test("a replicate that cannot be re-calibrated is named, on demand as when stored")
    func failureNamesTheReplicate() throws {
        // 60 records in 3 strata; one record carries a margin level of its own: a replicate that does not draw it
        // cannot meet that level's target.
        let n = 60
        let table = try Table(columns: [
            ("w", .numeric((0..<n).map { 1 + Double($0 % 5) })),
            ("stratum", .categorical((0..<n).map { "s\($0 % 3)" })),
            ("lone", .categorical((0..<n).map { $0 == 4 ? "one" : "rest" })),
        ])
        var s = (design: try SurveyDesign(table: table, weight: "w", strata: "stratum"),
                 calibrator: Calibrator(margins: Margins(categorical: [CategoricalMargin("lone", ["one": 3, "rest": 200])]),
                                        method: .raking, options: CalibrationOptions(maxIterations: 200, tolerance: 1e-10)),
                 result: CalibrationResult?.none)
        s.result = try s.calibrator.calibrate(table, weightColumn: "w")
        var failures: [Int] = []
        for budget in [Double.infinity, 0] {
            let reps = try ReplicateWeights.bootstrap(s.design, replicates: 20, seed: 5, onDemandAbove: budget)
            do {
                _ = try reps.recalibrated(using: s.calibrator, result: s.result!, rankBudget: 0)
                Issue.record("expected a replicate that drops the lone school to fail")
            } catch let failure as ReplicateCalibrationFailure {
                failures.append(failure.replicate)
            }
        }
        #expect(failures.count == 2 && failures[0] == failures[1])
    }
}
