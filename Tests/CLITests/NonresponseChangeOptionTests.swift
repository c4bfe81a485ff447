import ArgumentParser
import Testing
import Weighting
@testable import weight_cli

/// In-process parsing of `nonresponse` and `change` (no binary run): their closed options are typed choices, a
/// wrong word is refused with weight-cli's message, and the shared calibration option groups reach them.
@Suite("Typed options of nonresponse and change")
struct NonresponseChangeOptionTests {
    static let nonresponse = ["nonresponse", "r.csv", "--frame", "f.csv", "--frame-id", "id", "--covariates", "x",
                              "--margins", "m.csv", "-o", "w.csv"]
    static let change = ["change", "--wave1", "a.csv", "--wave2", "b.csv", "--variables", "y"]
    static let changeWeighting = change + ["--id", "id", "--margins", "m.csv", "--covariates", "x"]

    static func parse(_ args: [String]) throws -> ParsableCommand { try WeightCLI.parseAsRoot(args) }

    static func refusal(_ args: [String]) -> String? {
        do {
            _ = try parse(args)
            return nil
        } catch {
            return WeightCLI.message(for: error)
        }
    }

    @Test("every calibration method and adjustment parses in nonresponse and in change with --margins",
          arguments: CalibrationMethod.Name.allCases)
    func methods(_ name: CalibrationMethod.Name) throws {
        let extra = ["--method", name.rawValue] + (name.needsBounds ? ["--bounds", "0.5,2"] : [])
        let n = try #require(try Self.parse(Self.nonresponse + extra) as? NonresponseCommand)
        let c = try #require(try Self.parse(Self.changeWeighting + extra) as? ChangeCommand)
        for options in [n.methodOptions, c.methodOptions] {
            #expect(options.method == name)
            let method = try options.calibrationMethod()
            #expect(method.kind == name)
            if name.needsBounds { #expect(method.bounds?.lower == 0.5 && method.bounds?.upper == 2) }
        }
        for a in AdjustmentChoice.allCases {
            #expect((try Self.parse(Self.nonresponse + ["--adjustment", a.rawValue]) as! NonresponseCommand).adjustment == a)
            #expect((try Self.parse(Self.changeWeighting + ["--adjustment", a.rawValue]) as! ChangeCommand).adjustment == a)
        }
    }

    @Test("the tolerances, iterations, trimming and targets options reach nonresponse's and change's calibrations")
    func sharedCalibrationOptions() throws {
        let extra = ["--tolerance", "1e-8", "--max-iterations", "7", "--trim-weights", "1,50", "--trim-ratio", "0.5,3",
                     "--targets", "shares", "--population", "1000", "--margin-tolerance", "0.01"]
        let n = try #require(try Self.parse(Self.nonresponse + extra) as? NonresponseCommand)
        let c = try #require(try Self.parse(Self.changeWeighting + extra) as? ChangeCommand)
        for (method, targets) in [(n.methodOptions, n.marginsOptions.targetsOptions), (c.methodOptions, c.targetsOptions)] {
            let options = try method.calibrationOptions()
            #expect(options.tolerance == 1e-8 && options.maxIterations == 7)
            #expect(options.trimming?.minWeight == 1 && options.trimming?.maxWeight == 50)
            #expect(options.trimming?.minRatio == 0.5 && options.trimming?.maxRatio == 3)
            #expect(targets.targets == .shares && targets.population == 1000 && targets.marginTolerance == 0.01)
        }
    }

    @Test("every choice of change's closed options parses to its value")
    func changeChoices() throws {
        for v in ChangeVarianceChoice.allCases {
            #expect((try Self.parse(Self.change + ["--variance", v.rawValue]) as! ChangeCommand).variance == v)
        }
        for ci in ChangeIntervalChoice.allCases {
            #expect((try Self.parse(Self.change + ["--ci", ci.rawValue]) as! ChangeCommand).ci == ci)
        }
        for a in PValueAdjustment.allCases {
            #expect((try Self.parse(Self.change + ["--adjust", a.rawValue]) as! ChangeCommand).adjust == a)
        }
        for f in ChangeFormat.allCases {
            #expect((try Self.parse(Self.change + ["--format", f.rawValue]) as! ChangeCommand).format == f)
        }
        let defaults = try #require(try Self.parse(Self.change) as? ChangeCommand)
        #expect(defaults.variance == .linearization && defaults.ci == .wald && defaults.adjust == .holm && defaults.format == .csv)
    }

    @Test("a wrong value is refused with the option's name, the choices and the value given", arguments: [
        (nonresponse + ["--method", "rake"], "--method must be one of poststratify, raking, linear, logit, truncated; got 'rake'"),
        (nonresponse + ["--adjustment", "ipw"], "--adjustment must be propensity or classes; got 'ipw'"),
        (nonresponse + ["--method", "logit"], "--method logit needs --bounds L,U"),
        (nonresponse + ["--method", "logit", "--bounds", "auto"], "--bounds auto is not available in nonresponse"),
        (nonresponse + ["--targets", "shares"], "--targets shares needs --population N (a positive number)"),
        (changeWeighting + ["--method", "magic"], "--method must be one of poststratify, raking, linear, logit, truncated; got 'magic'"),
        (changeWeighting + ["--adjustment", "ipw"], "--adjustment must be propensity or classes; got 'ipw'"),
        (change + ["--variance", "jackknife"], "--variance must be linearization or bootstrap; got 'jackknife'"),
        (change + ["--ci", "beta"], "--ci must be wald or logit; got 'beta'"),
        (change + ["--adjust", "fdr"], "--adjust must be none, holm or bonferroni; got 'fdr'"),
        (change + ["--format", "xlsx"], "--format must be csv, json, md or html; got 'xlsx'"),
    ])
    func refused(_ args: [String], _ message: String) {
        let text = Self.refusal(args)
        #expect(text?.contains(message) == true, "\(args): \(text ?? "parsed")")
    }

    @Test("--help of nonresponse and change lists the choices and the shared calibration options")
    func helpListsChoices() {
        let nonresponse = WeightCLI.helpMessage(for: NonresponseCommand.self, columns: 1000)
        for choices in ["poststratify | raking | linear | logit | truncated", "propensity | classes", "--trim-weights", "--tolerance", "--targets"] {
            #expect(nonresponse.contains(choices), "nonresponse --help lacks \(choices)")
        }
        let change = WeightCLI.helpMessage(for: ChangeCommand.self, columns: 1000)
        for choices in ["linearization | bootstrap", "wald | logit", "none | bonferroni | holm", "csv | json | md | html",
                        "poststratify | raking | linear | logit | truncated", "--max-iterations"] {
            #expect(change.contains(choices), "change --help lacks \(choices)")
        }
    }
}
