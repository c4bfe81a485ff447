import Weighting
import WeightingIO
import WeightingReports
import Foundation

/// The barometer case end to end: simulate three waves on the real frame, rake wave 1 on region and size,
/// adjust waves 2 and 3 for attrition, and compare raw and weighted estimates with the known truth.
public struct BarometerDemo: Sendable {
    /// One line of the demo's table.
    public struct Row: Sendable, Equatable {
        /// Wave (1–3).
        public var wave: Int
        /// Indicator.
        public var indicator: String
        /// Population rate.
        public var truth: Double
        /// Unweighted share of "oui" among respondents.
        public var raw: Double
        /// Weighted estimate and interval.
        public var weighted: Double
        /// Lower limit.
        public var ciLow: Double
        /// Upper limit.
        public var ciHigh: Double
        /// Whether the weighted estimate is closer to the truth than the raw one.
        public var weightedCloser: Bool { abs(weighted - truth) < abs(raw - truth) }
    }

    /// Everything the demo produced.
    public struct Output: Sendable {
        /// The table.
        public var rows: [Row]
        /// The simulated files.
        public var simulation: BarometerSimulator.Output
        /// Wave-1 calibration.
        public var wave1: CalibrationResult
        /// Attrition reports of waves 2 and 3.
        public var attrition: [AttritionReport]
        /// The HTML report.
        public var html: String
    }

    /// Crossed region × size margin for the simulation, and the raking margins (region, size).
    public var frameMargins: Margins
    /// Raking margins.
    public var rakingMargins: Margins
    /// Seed.
    public var seed: UInt64

    /// Creates the demo.
    public init(frameMargins: Margins, rakingMargins: Margins, seed: UInt64 = 2026) {
        self.frameMargins = frameMargins
        self.rakingMargins = rakingMargins
        self.seed = seed
    }

    /// Runs the demo in memory.
    public func run() throws -> Output {
        let sim = try BarometerSimulator(margins: frameMargins, seed: seed).run()
        let tables = try sim.waves.enumerated().map { try Table(buffer: CSVBuffer(bytes: Array($0.element.utf8), file: "vague\($0.offset + 1).csv")) }
        let panel = try Panel(waves: tables, idColumn: "code_commune")
        let first = try Calibrator(margins: rakingMargins, method: .raking).calibrate(tables[0])
        let indicators = BarometerSimulator.indicators.map(\.name)
        var rows: [Row] = []
        var attrition: [AttritionReport] = []
        var comparisons: [ComparisonRow] = []
        func add(wave: Int, table: Table, design: SurveyDesign) throws {
            let cmp = try Comparison.compare(table: table, weighted: design, variables: indicators, interval: .logit)
            for c in cmp where c.level == "oui" {
                rows.append(Row(wave: wave, indicator: c.variable, truth: sim.rates[wave - 1][c.variable]!, raw: c.raw,
                                weighted: c.weighted, ciLow: c.ciLow ?? .nan, ciHigh: c.ciHigh ?? .nan))
                var labelled = c
                labelled.domain = "wave \(wave)"
                comparisons.append(labelled)
            }
        }
        try add(wave: 1, table: tables[0], design: try SurveyDesign(table: tables[0]).calibrated(first))
        for k in 2...3 {
            let adj = AttritionAdjustment(wave1: tables[0], retained: panel.retained(through: k),
                                          covariates: ["region", "taille", "score_maturite"], adjustment: .propensityClasses(5),
                                          margins: rakingMargins, calibrateToWave1: ["score_maturite", "site_web"],
                                          method: .raking, wave: k)
            let (_, retainedRows, report, calibration) = try adj.run(wave1Weights: first.weights)
            attrition.append(report)
            let waveRows = retainedRows.map { panel.rowInWave[$0][k - 1]! }
            let answers = try tables[k - 1].subset(waveRows)
            let design = try SurveyDesign(weights: calibration.baseWeights).calibrated(calibration)
            try add(wave: k, table: answers, design: design)
        }
        var html = HTMLReport(title: "Baromètre Numérique & Collectivités (simulated): raw, weighted and true rates")
        html.section("Indicators by wave", SVGChart.comparison(comparisons.sorted { ($0.domain!, $0.variable) < ($1.domain!, $1.variable) },
                                                               title: "Share of 'oui': raw, weighted (95% logit interval)")
                     + MarkdownHTML.table(Self.markdown(rows)))
        html.add(calibration: first.report, weights: first.weights, heading: "Wave 1 raking on region and size")
        for r in attrition {
            html.section("Wave \(r.wave): attrition", MarkdownHTML.table(AttritionReportWriter.markdown(
                summary: try AttritionSummary(panel: panel), wave1: first.report, waves: [r])
                .components(separatedBy: "\n## Wave 1").first ?? ""))
        }
        return Output(rows: rows, simulation: sim, wave1: first, attrition: attrition, html: html.render())
    }

    /// The demo's table as Markdown.
    public static func markdown(_ rows: [Row]) -> String {
        var s = "| wave | indicator | truth | raw | weighted | 95% CI | closer |\n|---:|---|---:|---:|---:|---|---|\n"
        for r in rows {
            s += "| \(r.wave) | \(r.indicator) | \(NumberFormat.fixed(100 * r.truth, 1)) % | \(NumberFormat.fixed(100 * r.raw, 1)) % | \(NumberFormat.fixed(100 * r.weighted, 1)) % | \(NumberFormat.fixed(100 * r.ciLow, 1)) – \(NumberFormat.fixed(100 * r.ciHigh, 1)) % | \(r.weightedCloser ? "weighted" : "raw") |\n"
        }
        return s
    }
}
