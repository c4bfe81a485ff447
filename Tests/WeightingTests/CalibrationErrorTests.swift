import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

@Suite("Calibration errors")
struct CalibrationErrorTests {
    let survey = SyntheticSurvey()

    func calibrate(_ m: Margins, _ method: CalibrationMethod = .raking, options: CalibrationOptions = CalibrationOptions(),
                   table: Table? = nil, weight: String? = "d") -> String {
        errorText { _ = try Calibrator(margins: m, method: method, options: options).calibrate(table ?? survey.table, weightColumn: weight) }
    }

    @Test("a level in the sample but not in the margins is named with its count and first line")
    func levelMissingFromMargins() throws {
        let m = Margins(categorical: [try CategoricalMargin(variables: ["region"], levels: [["Nord"], ["Sud"], ["Est"]],
                                                        targets: [5000, 3000, 2000])])
        let msg = calibrate(m)
        #expect(msg.contains("'Ouest' of region"))
        #expect(msg.contains("present in the sample but missing from the margins"))
    }

    @Test("a margin level with population but no respondent is named; post-stratification suggests collapsing")
    func marginLevelWithoutRespondent() {
        var margin = survey.regionMargin
        margin.levels.append(["Corse"]); margin.targets.append(10)
        let m = Margins(categorical: [margin])
        #expect(calibrate(m).contains("region=Corse (target 10)"))
        // The library's advice names no flag; weight-cli adds `--collapse` (corpus and ExitCode+Errors.swift).
        #expect(calibrate(m, .poststratify).contains("; " + CalibrationError.Advice.collapse))
    }

    @Test("empty post-strata are merged into a named neighbour or the nearest ordered level")
    func collapse() throws {
        var levels: [[String]] = [], targets: [Double] = []
        for r in SyntheticSurvey.regions { for s in SyntheticSurvey.sizes + ["géante"] { levels.append([r, s]); targets.append(100) } }
        let m = Margins(categorical: [try CategoricalMargin(variables: ["region", "size"], levels: levels, targets: targets)])
        #expect(calibrate(m, .poststratify).contains("Nord*géante"))
        let opts = CalibrationOptions(collapse: [.nearest(onOrderedVariable: "size")])
        let r = try Calibrator(margins: m, method: .poststratify, options: opts).calibrate(survey.table, weightColumn: "d")
        #expect(r.report.collapsed.count == 4)
        #expect(r.report.collapsed[0].contains("merged into Nord*grande"))
        let total = try weightedTotals(survey.table, "region", r.weights)
        #expect(abs(total["Nord"]! - 400) < 1e-9)
        let named = CalibrationOptions(collapse: [.merge(cell: ["Nord", "géante"], into: ["Nord", "petite"])])
        let msg = errorText { _ = try Calibrator(margins: m, method: .poststratify, options: named).calibrate(survey.table, weightColumn: "d") }
        #expect(msg.contains("Sud*géante"))  // the others stay empty, and are named
    }

    @Test("missing values in a calibration variable are counted and located")
    func missingValues() throws {
        let t = try Table(["region": .categorical(["Nord", nil, "Sud"]), "d": .numeric([1, 1, 1])], source: "t.csv")
        let m = Margins(categorical: [CategoricalMargin("region", ["Nord": 1, "Sud": 2])])
        let msg = calibrate(m, table: t)
        #expect(msg.contains("'region' is missing for 1 record(s), first at t.csv:3"))
    }

    @Test("zero, negative, missing and infinite base weights are refused with their line", arguments: [0.0, -2, .nan, .infinity])
    func badBaseWeights(value: Double) throws {
        let t = try Table(["region": .categorical(["Nord", "Sud"]), "d": .numeric([1, value])], source: "t.csv")
        let m = Margins(categorical: [CategoricalMargin("region", ["Nord": 1, "Sud": 2])])
        let msg = calibrate(m, table: t)
        #expect(msg.contains("t.csv:3:2"))
        #expect(msg.contains("is not a positive finite number"))
    }

    @Test("margins with different totals are refused before calibrating")
    func inconsistentTotals() {
        var size = survey.sizeMargin
        size.targets[0] += 500
        #expect(calibrate(Margins(categorical: [survey.regionMargin, size])).contains("imply different population sizes"))
    }

    @Test("bounds that cannot reach a target are reported with the reachable range")
    func infeasibleBounds() {
        let m = Margins(categorical: [survey.regionMargin, survey.sizeMargin])
        let msg = calibrate(m, .logit(lower: 0.9, upper: 1.1))
        #expect(msg.contains("cannot be reached within the bounds"))
        #expect(msg.contains("outside the reachable ["))
        #expect(calibrate(m, .logit(lower: 1.2, upper: 3)).contains("bounds must satisfy 0 <= L < 1 < U"))
    }

    @Test("non-convergence names the worst constraints")
    func nonConvergence() {
        let m = Margins(categorical: [survey.regionMargin, survey.sizeMargin])
        let msg = calibrate(m, .logit(lower: 0.3, upper: 3), options: CalibrationOptions(maxIterations: 1))
        #expect(msg.contains("did not converge in 1 iterations"))
        #expect(msg.contains("worst constraints: "))
    }

    @Test("a target of 0 for a level with respondents is refused")
    func zeroTarget() {
        var r = survey.regionMargin
        r.targets[3] = 0
        r.targets[0] += 1000
        #expect(calibrate(Margins(categorical: [r])).contains("region=Ouest has target 0 but"))
    }

    @Test("post-stratification on two margins is refused with a pointer to raking")
    func poststratifyTwoMargins() {
        let msg = calibrate(Margins(categorical: [survey.regionMargin, survey.sizeMargin]), .poststratify)
        #expect(msg.contains("post-stratification takes one categorical margin"))
        #expect(msg.contains("; " + CalibrationError.Advice.raking))  // weight-cli: "use --method raking"
    }

    @Test("trimming bounds incompatible with the margins are reported")
    func trimmingInfeasible() {
        let m = Margins(categorical: [survey.regionMargin])
        let msg = calibrate(m, options: CalibrationOptions(trimming: TrimmingBounds(maxWeight: 5)))
        #expect(msg.contains("cannot be reached within the bounds"))
        #expect(msg.contains("trimming w <= 5"))
    }
}
