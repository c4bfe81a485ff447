import Weighting
import WeightingIO
import WeightingReports
import Foundation

/// The barometer end to end on the simulated collectivités (``BarometerSimulation``): wave 1 raked on region and
/// strate (type × size class); waves 2 and 3 made national by the attrition correction that uses the wave-1 answers
/// of the same collectivités (response model, propensity classes, calibration to the wave-1 weighted totals), with
/// two-phase linearization variances, all through ``PanelWeighting``; per theme, the published raw share, the simulated
/// raw share, the weighted estimate with its interval, the truth and the small-against-large gap.
public struct BarometerDemo: Sendable {
    /// One indicator of one wave.
    public struct Row: Sendable, Equatable {
        /// Wave (1–3).
        public var wave: Int
        /// Theme.
        public var theme: String
        /// Column name.
        public var indicator: String
        /// English label.
        public var label: String
        /// Published raw share of the real barometer.
        public var published: Double
        /// Population share (simulated truth).
        public var truth: Double
        /// Unweighted share among all the wave's respondents.
        public var raw: Double
        /// Weighted estimate (wave 1: raked; waves 2–3: attrition-adjusted, on the panel respondents).
        public var weighted: Double
        /// Standard error (waves 2–3: two-phase).
        public var se: Double
        /// One-phase standard error (the adjusted weights taken as base weights and the wave-1 totals as known);
        /// equal to `se` for wave 1.
        public var onePhaseSE: Double
        /// Phase-1 part of the two-phase variance (waves 2–3; 0 for wave 1).
        /// 95 % interval (logit scale, back-transformed).
        public var ciLow: Double, ciHigh: Double
        /// Small (communes < 3,500) minus large: raw, weighted, true.
        public var gapRaw: Double, gapWeighted: Double, gapTruth: Double
        /// Phase-1 part of the two-phase variance (waves 2–3; 0 for wave 1).
        public var phase1Variance: Double = 0
        /// Other estimators, for the Monte Carlo: raked only (wave 1: region and strate; waves 2–3: all the wave's
        /// respondents raked on small/large and the total of log population) and adjusted against the full frame
        /// (response model on the frame, propensity classes, then the same calibration); NaN when not computed.
        public var raked: Double = .nan, frameAdjusted: Double = .nan
        /// Two-phase standard errors of waves 2–3 with the other leverage corrections of the phase-2 part: none
        /// (R survey's `twophase`) and `hc2` (``LeverageAdjustment``); NaN for wave 1.
        public var plainSE: Double = .nan, hc2SE: Double = .nan
        /// Whether the weighted estimate is closer to the truth than the raw one.
        public var weightedCloser: Bool { abs(weighted - truth) < abs(raw - truth) }
        /// Whether the interval covers the truth.
        public var covers: Bool { ciLow <= truth && truth <= ciHigh }
    }

    /// Everything the demo produced.
    public struct Output: Sendable {
        /// The table, wave by wave, theme by theme.
        public var rows: [Row]
        /// The simulation.
        public var simulation: BarometerSimulation.Output
        /// The wave files' text.
        public var waveFiles: [String]
        /// The truth file's text.
        public var truthFile: String
        /// Wave-1 calibration.
        public var wave1: CalibrationResult
        /// Attrition reports of waves 2 and 3.
        public var attrition: [AttritionReport]
        /// Wave-k respondents who did not answer wave 1 (not in the panel).
        public var newcomers: [Int]
        /// Cross-sectional weights of waves 2 and 3, one per row of the wave: the panel members' attrition-adjusted
        /// weights and the newcomers combined (``CrossSectionalCombination``, composite factor `n_P / n`), then
        /// raked to the frame's small/large counts and total of log population; every respondent's is positive.
        public var crossSectionalWeights: [[Double]] = []
        /// How the newcomers of waves 2 and 3 were combined with the panel.
        public var combinations: [CrossSectionalCombination.Report] = []
        /// The HTML report, section by section: a later section (e.g. "next edition") can be appended with
        /// `report.section(_:_:)` before rendering.
        public var report: HTMLReport
        /// The HTML report.
        public var html: String { report.render() }
    }

    /// The frame of collectivités.
    public var frame: CollectiviteFrame
    /// Wave-1 raking margins (region and strate, `data/margins/collectivites/collectivites_region_strate.csv`).
    public var rakingMargins: Margins
    /// Seed.
    public var seed: UInt64
    /// Scenario of the simulation.
    public var scenario: BarometerSimulation.Scenario
    /// Wave-1 answers used by the response model and the phase-2 calibration.
    public static let panelAnswers = ["site_web", "reseaux_sociaux", "lieu_mediation", "formation_cyber_agents", "sans_rssi",
                                      "sans_plan_continuite", "actions_mediation", "participation_en_ligne"]

    /// Whether to compute the raked-only and frame-adjusted estimators too (for the Monte Carlo).
    public var allEstimators = false
    /// Whether the two-phase variance of waves 2–3 carries the estimation of the response model's propensity
    /// classes (``ResponseModelLinearization``); false treats the classes' staying rates as known (for comparison).
    public var includeResponseModelVariance = true
    /// The leverage correction of the two-phase variance's phase-2 part (``LeverageAdjustment``; jackknife-like by
    /// default: the plain residuals make the intervals of waves 2–3 too short, README's Monte Carlo).
    public var leverage: LeverageAdjustment = .jackknife
    /// Bootstrap replicates carried through the whole chain for the standard errors of waves 2–3 (0: two-phase
    /// linearization, the default): each replicate re-calibrates wave 1, re-fits the response model, re-forms the
    /// propensity classes and re-calibrates both panel parts (``AttritionBootstrap``, Rao & Wu 1988); the
    /// two-phase SEs stay in ``Row/plainSE``, ``Row/hc2SE``.
    public var bootstrapReplicates = 0

    /// Creates the demo.
    public init(frame: CollectiviteFrame, rakingMargins: Margins, seed: UInt64 = 2026, scenario: BarometerSimulation.Scenario = .selfSelected) {
        self.frame = frame
        self.rakingMargins = rakingMargins
        self.seed = seed
        self.scenario = scenario
    }

    /// Runs the demo in memory.
    public func run() throws -> Output {
        let simulation = BarometerSimulation(frame: frame, seed: seed, scenario: scenario)
        let sim = simulation.run()
        let files = (1...3).map { simulation.waveFile(sim, wave: $0) }
        let tables = try files.enumerated().map { try Table(buffer: CSVBuffer(bytes: Array($0.element.utf8), file: "vague\($0.offset + 1).csv")) }
        // The panel: wave 1 raked on region and strate; waves 2 and 3 linked by id, their wave-1 respondents adjusted
        // for attrition (propensity classes on wave-1 answers, raking back to the wave-1 totals only: no population
        // margin at phase 2), the newcomers combined with them.
        var weighting = try PanelWeighting(waves: tables, idColumn: "id", calibrator: Calibrator(margins: rakingMargins, method: .raking),
                                           covariates: ["log_population"] + Self.panelAnswers, adjustment: .propensityClasses(5),
                                           calibrateToWave1: ["type", "petite", "log_population"] + Self.panelAnswers)
        weighting.laterWaveMargins = Margins()
        weighting.newcomers = .combine(.sampleSize)
        let first = try weighting.calibrateWave1()
        let z = StandardNormal().quantile(0.975)
        func strings(_ t: Table, _ name: String) throws -> [String] {
            let c = try t.categorical(name)
            return c.codes.map { $0 == CategoricalColumn.missing ? "" : c.levels[Int($0)] }
        }
        func interval(_ p: Double, _ se: Double) -> (Double, Double) {
            guard p > 0, p < 1, se > 0 else { return (p, p) }
            let l = log(p / (1 - p)), h = z * se / (p * (1 - p))
            return (1 / (1 + exp(-(l - h))), 1 / (1 + exp(-(l + h))))
        }
        func shares(_ y: [Double], _ w: [Double], _ small: [Bool]) -> (all: Double, gap: Double) {
            var a = [0.0, 0.0], b = [0.0, 0.0], all = 0.0, tot = 0.0
            for i in y.indices { let k = small[i] ? 0 : 1; a[k] += w[i] * y[i]; b[k] += w[i]; all += w[i] * y[i]; tot += w[i] }
            return (all / tot, a[0] / b[0] - a[1] / b[1])
        }
        var rows: [Row] = []
        let frameTable = allEstimators ? try Self.frameTable(frame) : nil
        // Frame adjustment of the wave's respondents: weights per wave row (rows are in frame order).
        func frameAdjusted(_ respondents: [Int], covariates: [String], margins: Margins) throws -> [Double] {
            var responded = [Bool](repeating: false, count: frame.units.count)
            for i in respondents { responded[i] = true }
            return try FrameNonresponse(frame: frameTable!, responded: responded, covariates: covariates, adjustment: .propensityClasses(5),
                                        margins: margins, method: .raking).run().weights
        }
        let laterMargins = Margins(categorical: [CategoricalMargin(checkedVariables: ["petite"], levels: [["oui"], ["non"]],
                                                                   targets: [Double(frame.units.filter(\.isSmall).count), Double(frame.units.filter { !$0.isSmall }.count)])],
                                   numeric: [NumericTotal("log_population", total: frame.units.reduce(0) { $0 + (Double(String(format: "%.4f", $1.logPopulation)) ?? 0) })])
        let frameWeights1 = allEstimators ? try frameAdjusted(sim.respondents[0], covariates: ["region", "strate", "log_population"], margins: rakingMargins) : []
        // Wave 1: raked on region and strate.
        let small1 = try strings(tables[0], "petite").map { $0 == "oui" }
        let design1 = try SurveyDesign(table: tables[0]).calibrated(first)
        let cmp1 = try Comparison.compare(table: tables[0], weighted: design1, variables: BarometerSimulation.questions(wave: 1).map(\.name), interval: .logit)
        for q in BarometerSimulation.questions(wave: 1) {
            guard let c = cmp1.first(where: { $0.variable == q.name && $0.level == "oui" }) else { continue }
            let y = try strings(tables[0], q.name).map { $0 == "oui" ? 1.0 : 0.0 }
            let raw = shares(y, y.map { _ in 1 }, small1), weighted = shares(y, first.weights, small1)
            rows.append(Row(wave: 1, theme: q.theme, indicator: q.name, label: q.label, published: q.published, truth: sim.truth[q.name]!,
                            raw: c.raw, weighted: c.weighted, se: c.se, onePhaseSE: c.se, ciLow: c.ciLow ?? .nan, ciHigh: c.ciHigh ?? .nan,
                            gapRaw: raw.gap, gapWeighted: weighted.gap, gapTruth: sim.truthSmall[q.name]! - sim.truthLarge[q.name]!,
                            raked: c.weighted, frameAdjusted: allEstimators ? shares(y, frameWeights1, small1).all : .nan))
        }
        // Waves 2 and 3: the panel part (wave-1 respondents who answered wave k) adjusted for attrition; every
        // respondent of wave k gets a cross-sectional weight: the newcomers join the panel members (issue 14), the
        // wave then raked to the frame's small/large counts and log-population total.
        weighting.combinedWaveCalibrator = Calibrator(margins: laterMargins, method: .raking)
        var attrition: [AttritionReport] = [], newcomers: [Int] = []
        var crossSectional: [[Double]] = [], combinations: [CrossSectionalCombination.Report] = []
        var parts: [PanelWeighting.PanelPart] = []
        for k in 2...3 {
            let wave = try weighting.crossSectional(wave: k, wave1: first)
            let part = wave.panelPart, calibration = part.calibration
            parts.append(part)
            newcomers.append(tables[k - 1].rowCount - part.rows.count)
            attrition.append(wave.report)
            crossSectional.append(wave.weights)
            if let combination = wave.newcomers { combinations.append(combination) }
            let answers = try tables[k - 1].subset(part.rows)
            let onePhase = try SurveyDesign(weights: calibration.baseWeights).calibrated(calibration)
            let cmp = try Comparison.compare(table: answers, weighted: onePhase, variables: BarometerSimulation.questions(wave: k).map(\.name), interval: .logit)
            // Two-phase variance (phase 1: the raked wave 1; phase 2: staying), the estimation of the propensity
            // classes included (Kim & Kim 2007) unless asked otherwise.
            let twoPhase = try weighting.twoPhase(part, wave1: first, estimatedPropensities: includeResponseModelVariance, leverage: leverage)
            var plain = twoPhase, hc2 = twoPhase
            plain.leverage = .none
            hc2.leverage = .hc2
            let panelRows = part.wave1Rows
            let smallAll = try strings(tables[k - 1], "petite").map { $0 == "oui" }, smallPanel = panelRows.map { small1[$0] }
            let rakedK = allEstimators ? try Calibrator(margins: laterMargins, method: .raking).calibrate(tables[k - 1]).weights : []
            let frameK = allEstimators ? try frameAdjusted(sim.respondents[k - 1], covariates: ["petite", "log_population"], margins: laterMargins) : []
            for q in BarometerSimulation.questions(wave: k) {
                let yAll = try strings(tables[k - 1], q.name).map { $0 == "oui" ? 1.0 : 0.0 }
                let y = try strings(answers, q.name).map { $0 == "oui" ? 1.0 : 0.0 }
                let r = twoPhase.mean(y)
                let (lo, hi) = interval(r.estimate, r.standardError)
                let one = cmp.first { $0.variable == q.name && $0.level == "oui" }?.se ?? .nan
                rows.append(Row(wave: k, theme: q.theme, indicator: q.name, label: q.label, published: q.published, truth: sim.truth[q.name]!,
                                raw: yAll.reduce(0, +) / Double(yAll.count), weighted: r.estimate, se: r.standardError, onePhaseSE: one,
                                ciLow: lo, ciHigh: hi, gapRaw: shares(yAll, yAll.map { _ in 1 }, smallAll).gap,
                                gapWeighted: shares(y, calibration.weights, smallPanel).gap,
                                gapTruth: sim.truthSmall[q.name]! - sim.truthLarge[q.name]!, phase1Variance: r.phase1Variance,
                                raked: allEstimators ? shares(yAll, rakedK, smallAll).all : .nan,
                                frameAdjusted: allEstimators ? shares(yAll, frameK, smallAll).all : .nan,
                                plainSE: plain.mean(y).standardError, hc2SE: hc2.mean(y).standardError))
            }
        }
        if bootstrapReplicates >= 2 {
            // The replicate chain: the SE of each wave-k estimate from its replicate estimates.
            let boot = try AttritionBootstrap(replicates: bootstrapReplicates, seed: seed &+ 11)
                .run(calibrator: weighting.calibrator, wave1: first, adjustments: parts.map(\.adjustment))
            for (k, part) in zip(2...3, parts) {
                let answers = try tables[k - 1].subset(part.rows)
                for j in rows.indices where rows[j].wave == k {
                    let y = try strings(answers, rows[j].indicator).map { $0 == "oui" ? 1.0 : 0.0 }
                    let thetas = boot.adjusted[k - 2].weights.map { w in zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / w.reduce(0, +) }
                    let se = boot.wave1.variance(replicateEstimates: thetas, fullSample: rows[j].weighted).squareRoot()
                    rows[j].se = se
                    (rows[j].ciLow, rows[j].ciHigh) = interval(rows[j].weighted, se)
                }
            }
        }
        var report = HTMLReport(title: "Baromètre Numérique & Collectivités (simulated): published, raw, weighted and true shares")
        report.section("What is simulated", Self.simulatedNote(sim: sim, newcomers: newcomers, scenario: scenario))
        for w in 1...3 {
            let waveRows = rows.filter { $0.wave == w }
            let chartRows = waveRows.map { r in
                ComparisonRow(variable: r.label, level: nil, domain: nil, statistic: "proportion", raw: r.raw, weighted: r.weighted, se: r.se,
                              ciLow: r.ciLow, ciHigh: r.ciHigh, shift: r.weighted - r.raw, rawOutsideInterval: r.raw < r.ciLow || r.raw > r.ciHigh, n: 0)
            }
            let truth = Dictionary(uniqueKeysWithValues: waveRows.map { ($0.label, $0.truth) })
            let published = Dictionary(uniqueKeysWithValues: waveRows.map { ($0.label, $0.published) })
            let themes = BarometerSimulation.themes(wave: w).joined(separator: ", ")
            report.section("Wave \(w): \(themes)",
                             SVGChart.comparison(chartRows, title: "Wave \(w): share of collectivités, raw and weighted (95 % interval)",
                                                 truth: truth, published: published, axisLabel: "share of collectivités (%)")
                             + MarkdownHTML.table(Self.markdown(waveRows)))
        }
        report.add(calibration: first.report, weights: first.weights, heading: "Wave 1 raking on region and strate")
        for r in attrition {
            var balance = "| covariate | ASMD before | ASMD after |\n|---|---:|---:|\n"
            for b in r.balance { balance += "| \(b.covariate) | \(NumberFormat.fixed(b.before, 3)) | \(NumberFormat.fixed(b.after, 3)) |\n" }
            report.section("Wave \(r.wave): attrition correction",
                           "<p>\(r.retained) of \(r.wave1Respondents) wave-1 respondents answered wave \(r.wave); \(r.adjustment), then raking to the wave-1 weighted totals of type, small/large, log population and \(Self.panelAnswers.count) wave-1 answers. Variances are \(bootstrapReplicates >= 2 ? "from the bootstrap carried through the whole chain (\(bootstrapReplicates) replicates)" : "two-phase (phase 1: the raked wave 1; phase 2: staying, its residuals corrected for the stayers' leverage: \(leverage.rawValue))").</p>"
                           + MarkdownHTML.table(balance))
        }
        return Output(rows: rows, simulation: sim, waveFiles: files, truthFile: BarometerSimulation.truthFile(sim), wave1: first,
                      attrition: attrition, newcomers: newcomers, crossSectionalWeights: crossSectional, combinations: combinations,
                      report: report)
    }

    /// The frame as a table of the covariates the adjustments use.
    static func frameTable(_ frame: CollectiviteFrame) throws -> Table {
        let u = frame.units
        return try Table(columns: [("type", .categorical(u.map(\.type))), ("region", .categorical(u.map(\.region))),
                               ("strate", .categorical(u.map(\.strate))), ("petite", .categorical(u.map { $0.isSmall ? "oui" : "non" })),
                               ("log_population", .numeric(u.map { Double(String(format: "%.4f", $0.logPopulation))! }))], source: "frame")
    }

    static func simulatedNote(sim: BarometerSimulation.Output, newcomers: [Int], scenario: BarometerSimulation.Scenario) -> String {
        "<p><strong>The data are simulated.</strong> The real microdata of the Baromètre Numérique &amp; Collectivités are not public. "
            + "The population is every real collectivité of the INSEE COG 2026 frame (34,875 communes, 1,255 EPCI, 101 départements, 18 régions); "
            + "each has a simulated latent digital maturity that grows with its size and type, and every question's answers are drawn for every collectivité, "
            + "so the truth is known. Respondents select themselves: larger, more mature collectivités and the three over-represented regions answer more "
            + "(scenario: \(scenario.rawValue)); the intercepts make the raw shares equal the published ones. Waves: \(sim.respondents.map { String($0.count) }.joined(separator: ", ")) respondents; "
            + "waves 2 and 3 have \(newcomers.map(String.init).joined(separator: " and ")) respondents who did not answer wave 1: outside the panel, "
            + "they still get a positive cross-sectional weight (combined with the panel members by the composite factor n<sub>P</sub>/n, then raked to the frame's small/large counts and log-population total); "
            + "the estimates of waves 2 and 3 below are the panel's, with their two-phase variance.</p>"
    }

    /// The demo's table as Markdown.
    public static func markdown(_ rows: [Row]) -> String {
        var s = "| wave | theme | indicator | published raw | simulated raw | weighted | 95% CI | truth | gap small − large (weighted / truth) |\n|---:|---|---|---:|---:|---:|---|---:|---:|\n"
        func p(_ x: Double) -> String { NumberFormat.fixed(100 * x, 1) }
        for r in rows {
            s += "| \(r.wave) | \(r.theme) | \(r.label) | \(p(r.published)) % | \(p(r.raw)) % | \(p(r.weighted)) % | \(p(r.ciLow)) – \(p(r.ciHigh)) % | \(p(r.truth)) % | \(p(r.gapWeighted)) / \(p(r.gapTruth)) pts |\n"
        }
        return s
    }
}
