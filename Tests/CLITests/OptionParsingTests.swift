import ArgumentParser
import Testing
import Weighting
@testable import weight_cli

/// In-process parsing of the typed options (no binary run): every choice of every closed option parses, a wrong
/// one is refused with weight-cli's message, `--help` lists the choices, and every command that calibrates takes
/// the same calibration options.
@Suite("Typed command-line options")
struct OptionParsingTests {
    static let calibrate = ["calibrate", "s.csv", "--margins", "m.csv"]
    static let estimate = ["estimate", "s.csv", "--variables", "y"]
    static let test = ["test", "s.csv", "--variable", "y", "--by", "g", "--pairwise"]
    static let compare = ["compare", "s.csv", "--variables", "y", "--margins", "m.csv"]
    static let attrition = ["attrition", "--wave1", "a.csv", "--wave", "b.csv", "--id", "id", "--covariates", "x", "--margins", "m.csv"]

    static func parse(_ args: [String]) throws -> ParsableCommand { try WeightCLI.parseAsRoot(args) }

    /// The message ArgumentParser prints for a refused command line.
    static func refusal(_ args: [String]) -> String? {
        do {
            _ = try parse(args)
            return nil
        } catch {
            return WeightCLI.message(for: error)
        }
    }

    @Test("every calibration method parses, with bounds for logit and truncated, in every command that calibrates",
          arguments: CalibrationMethod.Name.allCases)
    func methods(_ name: CalibrationMethod.Name) throws {
        let extra = ["--method", name.rawValue] + (name.needsBounds ? ["--bounds", "0.5,2"] : [])
        for base in [Self.calibrate, Self.compare, Self.attrition, Self.estimate + ["--margins", "m.csv"], Self.test + ["--margins", "m.csv"]] {
            let command = try Self.parse(base + extra)
            let options: MethodOptions
            switch command {
            case let c as CalibrateCommand: options = c.methodOptions
            case let c as CompareCommand: options = c.methodOptions
            case let c as AttritionCommand: options = c.methodOptions
            case let c as EstimateCommand: options = c.designOptions.methodOptions
            case let c as TestCommand: options = c.designOptions.methodOptions
            default: Issue.record("\(base[0]) parsed as \(type(of: command))"); continue
            }
            #expect(options.method == name)
            let method = try options.calibrationMethod()
            #expect(method.kind == name && method.name == name.rawValue)
            if name.needsBounds { #expect(method.bounds?.lower == 0.5 && method.bounds?.upper == 2) }
        }
    }

    @Test("the calibration options (tolerances, iterations, trimming, targets) reach the calibration in every command that calibrates")
    func sharedCalibrationOptions() throws {
        let extra = ["--tolerance", "1e-8", "--max-iterations", "7", "--trim-weights", "1,50", "--trim-ratio", "0.5,3",
                     "--targets", "shares", "--population", "1000", "--margin-tolerance", "0.01"]
        for base in [Self.calibrate, Self.compare, Self.attrition] {
            let command = try Self.parse(base + extra)
            let (method, targets): (MethodOptions, TargetsOptions)
            switch command {
            case let c as CalibrateCommand: (method, targets) = (c.methodOptions, c.marginsOptions.targetsOptions)
            case let c as CompareCommand: (method, targets) = (c.methodOptions, c.marginsOptions.targetsOptions)
            case let c as AttritionCommand: (method, targets) = (c.methodOptions, c.marginsOptions.targetsOptions)
            default: Issue.record("\(type(of: command))"); continue
            }
            try Self.check(method, targets)
        }
        for base in [Self.estimate, Self.test] {
            let command = try Self.parse(base + ["--margins", "m.csv"] + extra)
            let design = (command as? EstimateCommand)?.designOptions ?? (command as! TestCommand).designOptions
            try Self.check(design.methodOptions, design.targetsOptions)
        }
    }

    static func check(_ method: MethodOptions, _ targets: TargetsOptions) throws {
        let options = try method.calibrationOptions()
        #expect(options.tolerance == 1e-8 && options.maxIterations == 7)
        #expect(options.trimming == TrimmingBounds(minWeight: 1, maxWeight: 50, minRatio: 0.5, maxRatio: 3))
        #expect(targets.targets == .shares && targets.marginTolerance == 0.01)
        if case .shares(let p) = targets.scale { #expect(p == 1000) } else { Issue.record("scale \(targets.scale)") }
    }

    @Test("every value of every closed option parses to its case")
    func everyChoice() throws {
        for v in VarianceChoice.allCases {
            let extra = v == .replicates ? ["--replicate-columns", "rep_"] : []
            let e = try Self.parse(Self.estimate + ["--variance", v.rawValue] + extra) as! EstimateCommand
            #expect(e.designOptions.variance == v)
        }
        for t in ReplicateTypeChoice.allCases {
            let e = try Self.parse(Self.estimate + ["--variance", "replicates", "--replicate-columns", "r", "--replicate-type", t.rawValue]) as! EstimateCommand
            #expect(e.designOptions.replicateType == t)
        }
        for p in LonelyPSUPolicy.allCases {
            #expect((try Self.parse(Self.estimate + ["--lonely-psu", p.rawValue]) as! EstimateCommand).designOptions.lonelyPsu == p)
        }
        for s in EstimateStatistic.allCases {
            let extra = s == .ratio ? ["--denominator", "x"] : []
            #expect((try Self.parse(Self.estimate + ["--statistic", s.rawValue] + extra) as! EstimateCommand).statistic == s)
        }
        for s in TestStatistic.allCases {
            let extra = s == .ratio ? ["--denominator", "x"] : []
            #expect((try Self.parse(Self.test + ["--statistic", s.rawValue] + extra) as! TestCommand).statistic == s)
        }
        for i in IntervalMethod.allCases {
            #expect((try Self.parse(Self.estimate + ["--ci", i.rawValue]) as! EstimateCommand).ci == i)
            #expect((try Self.parse(Self.compare + ["--ci", i.rawValue]) as! CompareCommand).ci == i)
        }
        for f in TableFormat.allCases {
            let extra = f == .xlsx ? ["--output", "out.xlsx"] : []  // a workbook needs a file
            #expect((try Self.parse(Self.estimate + ["--format", f.rawValue] + extra) as! EstimateCommand).format == f)
            #expect((try Self.parse(Self.test + ["--format", f.rawValue] + extra) as! TestCommand).format == f)
        }
        for f in CompareFormat.allCases {
            let extra = f == .xlsx ? ["--output", "out.xlsx"] : []
            #expect((try Self.parse(Self.compare + ["--format", f.rawValue] + extra) as! CompareCommand).format == f)
        }
        let auto = try Self.parse(Self.calibrate + ["--method", "logit", "--bounds", "auto:0.2"]) as! CalibrateCommand
        #expect(auto.methodOptions.bounds?.autoSlack == 0.2)
        for a in PValueAdjustment.allCases {
            #expect((try Self.parse(Self.test + ["--adjust", a.rawValue]) as! TestCommand).adjust == a)
        }
        for a in AdjustmentChoice.allCases {
            #expect((try Self.parse(Self.attrition + ["--adjustment", a.rawValue]) as! AttritionCommand).adjustment == a)
        }
        for t in TargetsKind.allCases {
            let extra = t == .shares ? ["--population", "10"] : []
            #expect((try Self.parse(Self.calibrate + ["--targets", t.rawValue] + extra) as! CalibrateCommand).marginsOptions.targets == t)
        }
    }

    @Test("a wrong value is refused with the option's name, the choices and the value given", arguments: [
        (calibrate + ["--method", "magic"], "--method must be one of poststratify, raking, linear, logit, truncated; got 'magic'"),
        (attrition + ["--method", "rake"], "--method must be one of poststratify, raking, linear, logit, truncated; got 'rake'"),
        (estimate + ["--variance", "jackknife"], "--variance must be linearization, jk1, jkn, bootstrap, brr or replicates; got 'jackknife'"),
        (estimate + ["--variance", "replicates", "--replicate-columns", "r", "--replicate-type", "jk2"], "--replicate-type must be jk1, bootstrap, brr or fay; got 'jk2'"),
        (estimate + ["--lonely-psu", "drop"], "--lonely-psu must be fail, remove, certainty, adjust or average; got 'drop'"),
        (estimate + ["--statistic", "mode"], "--statistic must be mean, total, ratio or quantile; got 'mode'"),
        (test + ["--statistic", "quantile"], "--statistic must be mean, total or ratio; got 'quantile'"),
        (estimate + ["--ci", "exact"], "--ci must be wald, logit, wilson or beta; got 'exact'"),
        (estimate + ["--format", "html"], "--format must be csv, json, md or xlsx; got 'html'"),
        (compare + ["--format", "pdf"], "--format must be csv, json, md, html, svg or xlsx; got 'pdf'"),
        (test + ["--adjust", "fdr"], "--adjust must be none, holm or bonferroni; got 'fdr'"),
        (attrition + ["--adjustment", "ipw"], "--adjustment must be propensity or classes; got 'ipw'"),
        (calibrate + ["--targets", "percent"], "--targets must be counts or shares; got 'percent'"),
        (calibrate + ["--method", "logit", "--bounds", "0.5"], "--bounds takes two numbers L,U (e.g. 0.5,2), got '0.5'"),
        (calibrate + ["--method", "logit", "--bounds", "0.5,inf"], "--bounds takes two finite numbers L,U"),
        (calibrate + ["--method", "logit"], "--method logit needs --bounds L,U"),
        (estimate + ["--margins", "m.csv", "--method", "truncated"], "--method truncated needs --bounds L,U"),
        (calibrate + ["--bounds", "0.5,2"], "--bounds applies to --method logit or truncated"),
        (calibrate + ["--method", "logit", "--bounds", "auto:2"], "--bounds auto takes an optional slack between 0 and 1"),
        (estimate + ["--format", "xlsx"], "--format xlsx writes a workbook: give the file with --output FILE.xlsx"),
    ])
    func refused(_ args: [String], _ message: String) {
        let text = Self.refusal(args)
        #expect(text?.contains(message) == true, "\(args): \(text ?? "parsed")")
    }

    @Test("estimate and test refuse --targets shares without --population, as calibrate does")
    func sharesNeedPopulation() {
        for base in [Self.calibrate, Self.estimate + ["--margins", "m.csv"], Self.test + ["--margins", "m.csv"], Self.compare, Self.attrition] {
            let text = Self.refusal(base + ["--targets", "shares"])
            #expect(text?.contains("--targets shares needs --population N (a positive number)") == true, "\(base[0]): \(text ?? "parsed")")
        }
    }

    @Test("--help lists the choices of every closed option")
    func helpListsChoices() {
        let calibrate = WeightCLI.helpMessage(for: CalibrateCommand.self, columns: 1000)
        #expect(calibrate.contains("poststratify | raking | linear | logit | truncated"))
        let estimate = WeightCLI.helpMessage(for: EstimateCommand.self, columns: 1000)
        for choices in ["linearization | jk1 | jkn | bootstrap | brr | replicates", "jk1 | bootstrap | brr | fay",
                        "fail | remove | certainty | adjust | average", "mean | total | ratio | quantile", "wald | logit | wilson | beta",
                        "csv | json | md", "poststratify | raking | linear | logit | truncated", "--trim-weights", "--tolerance", "--max-iterations", "--margin-tolerance"] {
            #expect(estimate.contains(choices), "estimate --help lacks \(choices)")
        }
        let attrition = WeightCLI.helpMessage(for: AttritionCommand.self, columns: 1000)
        for choices in ["propensity (inverse propensity) | classes (propensity classes)", "poststratify | raking | linear | logit | truncated", "--trim-ratio", "--targets"] {
            #expect(attrition.contains(choices), "attrition --help lacks \(choices)")
        }
        #expect(WeightCLI.helpMessage(for: CompareCommand.self, columns: 1000).contains("csv | json | md | html | svg"))
        #expect(WeightCLI.helpMessage(for: TestCommand.self, columns: 1000).contains("none | bonferroni | holm"))
    }
}
