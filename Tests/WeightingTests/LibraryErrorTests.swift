import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Library errors carry data and advice in the library's own terms: no command-line flag (the CLI adds those,
/// in `ExitCode+Errors.swift`); an error raised inside a replicate keeps its type.
@Suite("Library errors")
struct LibraryErrorTests {
    static let flagPattern = try! NSRegularExpression(pattern: "(^|[\\s(])--[a-z]")

    static func namesAFlag(_ text: String) -> Bool {
        flagPattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static let errors: [(String, any Error)] = [
        ("empty post-stratification cells", CalibrationError.emptyMarginLevels([EmptyLevel(label: "region=Nord", target: 10)], method: "poststratify")),
        ("post-stratification on two margins", CalibrationError.poststratificationNeedsOneMargin(found: ["region", "size"])),
        ("no convergence", CalibrationError.didNotConverge(iterations: 3, maxDeviation: 0.1,
                                                           worst: [UnmetConstraint(label: "region=Nord", target: 10, achieved: 9, reachable: nil)])),
        ("shares without a population", MarginsError.sharesNeedPopulation),
        ("a statistic of a categorical variable", EstimationError.notNumeric(variable: "oui", statistic: "total")),
        ("a categorical variable compared without its level", ComparisonError.levelNeeded(variable: "oui", levels: ["non", "oui"])),
    ]

    @Test("the messages that used to name weight-cli options now name none, and keep their advice",
          arguments: errors.indices)
    func noFlags(_ k: Int) {
        let (name, error) = Self.errors[k]
        let text = "\(error)"
        #expect(!Self.namesAFlag(text), "\(name): \(text)")
        #expect(!text.contains("weight-cli"), "\(name): \(text)")
        #expect(text.count > 30, "\(name): \(text)")
    }

    @Test("JK1 on a stratified design is refused without naming --variance")
    func jackknifeMessage() throws {
        let design = try SurveyDesign(weights: [1, 1, 1, 1], strata: [0, 0, 1, 1], strataLabels: ["a", "b"])
        let text = errorText { _ = try ReplicateWeights.jk1(design) }
        #expect(text.contains("JK1 is for unstratified designs; use JKn with strata"), "\(text)")
        #expect(!Self.namesAFlag(text), "\(text)")
    }

    @Test("a replicate whose re-calibration fails throws ReplicateCalibrationFailure holding the CalibrationError")
    func replicateKeepsTheErrorType() throws {
        // Region A has one respondent: the jackknife replicate that drops it cannot reach A's target.
        let table = try Table(["region": .categorical(["A", "B", "B", "B", "C", "C"]), "d": .numeric([1, 1, 1, 1, 1, 1])])
        let margins = Margins(categorical: [CategoricalMargin("region", ["A": 10, "B": 20, "C": 30])])
        let calibrator = Calibrator(margins: margins, method: .raking)
        let result = try calibrator.calibrate(table, weightColumn: "d")
        let replicates = try ReplicateWeights.jk1(try SurveyDesign(table: table, weight: "d"))
        do {
            _ = try replicates.recalibrated(using: calibrator, result: result)
            Issue.record("the replicate without region A was calibrated")
        } catch let failure as ReplicateCalibrationFailure {
            #expect(failure.replicate == 1 && failure.count == 6)
            #expect(failure.underlying is CalibrationError, "\(type(of: failure.underlying))")
            #expect("\(failure)".hasPrefix("replicate weights: replicate 1 of 6 cannot be calibrated: "))
        }
    }
}
