import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
import WeightingTestSupport

/// `SurveyEstimator.estimate` estimates several variables at once (issue 17): the estimates, and the error when
/// one variable fails, do not depend on the number of threads.
@Suite("Variables estimated in parallel")
struct ParallelVariableEstimateTests {
    static let folder = fixturesURL().appendingPathComponent("golden")

    static func estimator(threads: Int, calibrated: Bool) throws -> SurveyEstimator {
        let table = try Table(contentsOf: folder.appendingPathComponent("apistrat.csv").path)
        var design = try SurveyDesign(table: table, weight: "pw", strata: "stype", fpc: "fpc")
        if calibrated {
            let margins = try MarginsFile.read(folder.appendingPathComponent("margins_stype_schwide.csv").path)
            let calibrator = Calibrator(margins: margins, method: .raking, options: CalibrationOptions(maxIterations: 1000, tolerance: 1e-13))
            design = design.calibrated(try calibrator.calibrate(table, weightColumn: "pw"))
        }
        var e = SurveyEstimator(table: table, design: design)
        e.threads = threads
        return e
    }

    static let variables = ["api00", "api99", "both", "awards", "enroll", "meals", "ell", "yr_rnd", "comp_imp"]

    @Test("the estimates of 9 variables by domain are the same bit for bit with 1, 2 and 5 threads", arguments: [false, true])
    func sameEstimates(calibrated: Bool) throws {
        let one = try Self.estimator(threads: 1, calibrated: calibrated).estimate(variables: Self.variables, statistic: .mean, by: ["sch_wide"])
        #expect(one.count > Self.variables.count * 2)
        for threads in [2, 5] {
            let many = try Self.estimator(threads: threads, calibrated: calibrated).estimate(variables: Self.variables, statistic: .mean, by: ["sch_wide"])
            #expect(many.count == one.count)
            for (a, b) in zip(one, many) {
                #expect(a.variable == b.variable && a.level == b.level && a.domain == b.domain)
                #expect(a.estimate.bitPattern == b.estimate.bitPattern && a.se.bitPattern == b.se.bitPattern && a.df == b.df)
                #expect(a.deff?.bitPattern == b.deff?.bitPattern && a.ciLow?.bitPattern == b.ciLow?.bitPattern)
            }
        }
    }

    @Test("with two failing variables, the error is the first one's whatever the threads")
    func firstErrorInVariableOrder() throws {
        func message(_ threads: Int) -> String {
            do {
                _ = try Self.estimator(threads: threads, calibrated: false)
                    .estimate(variables: ["api00", "absent_a", "meals", "absent_b"], statistic: .mean)
                return "no error"
            } catch { return "\(error)" }
        }
        #expect(message(1).contains("absent_a"))
        for threads in [2, 4] { #expect(message(threads) == message(1)) }
    }

    @Test("workers are limited so that the per-record arrays in flight stay within 256 MiB")
    func workersWithinMemory() {
        #expect(SurveyEstimator.workers(records: 1_000_000, threads: 2) == 2)
        #expect(SurveyEstimator.workers(records: 10_000_000, threads: 2) == 1)
        #expect(SurveyEstimator.workers(records: 100, threads: 1) == 1)
    }
}
