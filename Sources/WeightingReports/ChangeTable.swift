import Foundation
import Weighting
import WeightingIO

/// One line of the output of `weight-cli change`: an indicator in a domain at both waves, its change with the
/// panel and the independent-samples standard errors, and the p-value adjusted over the lines.
public struct ChangeTableRow: Sendable, Equatable, Codable {
    /// The change estimate.
    public var change: ChangeEstimate
    /// Wave 1's and wave 2's intervals as shown (Wald t, or logit for proportions with `--ci logit`).
    public var ciWave1: [Double]?
    /// Wave 2's interval as shown.
    public var ciWave2: [Double]?
    /// The change's p-value adjusted over all lines of the table (Holm, Bonferroni), when asked.
    public var pAdjusted: Double?
    /// The true change when known (a simulation).
    public var truth: Double?
    /// The change's reliability verdict (``ReliabilityRuleSet/assess(change:ciWave1:ciWave2:)``), when rules
    /// were applied: a `reliability` column in CSV and Markdown (a suppressed change shows `suppressed` instead of
    /// its figures, a flagged one is marked `†`), a `reliability` field in JSON.
    public var reliability: Reliability?

    /// A row.
    public init(change: ChangeEstimate, ciWave1: [Double]? = nil, ciWave2: [Double]? = nil, pAdjusted: Double? = nil, truth: Double? = nil,
                reliability: Reliability? = nil) {
        self.reliability = reliability
        self.change = change
        self.ciWave1 = ciWave1 ?? change.wave1.ciLow.flatMap { a in change.wave1.ciHigh.map { [a, $0] } }
        self.ciWave2 = ciWave2 ?? change.wave2.ciLow.flatMap { a in change.wave2.ciHigh.map { [a, $0] } }
        self.pAdjusted = pAdjusted
        self.truth = truth
    }

    /// The indicator and domain, e.g. `site_web=oui (taille=500-999)`.
    public var label: String { change.variable + (change.domain == JointEstimates.wholeName ? "" : " (\(change.domain))") }

    /// Why a line has no test, if it has none.
    public var note: String? { change.change.note }
}

/// Renders changes as CSV, JSON, Markdown or a self-contained HTML report.
public enum ChangeTable {
    /// Column names of the CSV output.
    public static let csvHeader = ["variable", "domain", "statistic", "n1", "estimate1", "se1", "ci_low1", "ci_high1",
                                   "n2", "estimate2", "se2", "ci_low2", "ci_high2", "linked", "change", "se_change",
                                   "ci_low_change", "ci_high_change", "df", "p_value", "p_adjusted", "se_independent",
                                   "p_independent", "correlation", "ratio", "se_ratio", "ci_low_ratio", "ci_high_ratio",
                                   "p_ratio", "note", "missing1", "missing2"]

    static func n(_ x: Double?) -> String { x.map(NumberFormat.cell) ?? "" }

    /// CSV text (numbers with up to 17 significant digits, missing values empty); a last column `reliability`
    /// (empty when reliable, else the verdict and its reasons) when the rows carry verdicts.
    public static func csv(_ rows: [ChangeTableRow]) -> String {
        let judged = rows.contains { $0.reliability != nil }
        var s = (csvHeader + (judged ? ["reliability"] : [])).joined(separator: ",") + "\n"
        for r in rows {
            let c = r.change
            let fields: [String] = [c.variable, c.domain, c.statistic, String(c.wave1.n), n(c.wave1.estimate), n(c.wave1.se),
                                    n(r.ciWave1?[0]), n(r.ciWave1?[1]), String(c.wave2.n), n(c.wave2.estimate), n(c.wave2.se),
                                    n(r.ciWave2?[0]), n(r.ciWave2?[1]), String(c.linked), n(c.change.estimate), n(c.change.se),
                                    n(c.change.ciLow), n(c.change.ciHigh), n(c.change.df), n(c.change.pValue), n(r.pAdjusted),
                                    n(c.independentSE), n(c.independentPValue), n(c.correlation), n(c.ratio?.estimate),
                                    n(c.ratio?.se), n(c.ratio?.ciLow), n(c.ratio?.ciHigh), n(c.ratio?.pValue), r.note ?? "",
                                    String(c.wave1.missing), String(c.wave2.missing)]
                + (judged ? [r.reliability?.summary ?? ""] : [])
            s += fields.map { CSVField.quoted($0) }.joined(separator: ",") + "\n"
        }
        return s
    }

    /// Pretty JSON array.
    public static func json(_ rows: [ChangeTableRow]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(rows), as: UTF8.self) + "\n"
    }

    /// Markdown table with rounded figures (proportions and changes of proportions in points, i.e. x 100).
    public static func markdown(_ rows: [ChangeTableRow], level: Double, waveNames: [String] = ["wave 1", "wave 2"]) -> String {
        let pct = NumberFormat.fixed(level * 100, 0)
        let hasRatio = rows.contains { $0.change.ratio != nil }
        let hasTruth = rows.contains { $0.truth != nil }
        let judged = rows.contains { $0.reliability != nil }
        var s = "| indicator | \(waveNames[0]) (\(pct)% CI) | \(waveNames[1]) (\(pct)% CI) | linked | missing | change (\(pct)% CI) | se panel | se independent | p | p adjusted |"
        s += (hasRatio ? " ratio (\(pct)% CI) |" : "") + (hasTruth ? " true change |" : "") + " note |" + (judged ? " reliability |" : "") + "\n"
        s += "|---|---|---|---:|---:|---|---:|---:|---:|---:|" + (hasRatio ? "---|" : "") + (hasTruth ? "---:|" : "") + "---|" + (judged ? "---|" : "") + "\n"
        for r in rows {
            let c = r.change
            let scale = c.statistic == "proportion" ? 100.0 : 1.0
            let d = c.statistic == "proportion" ? 1 : 3
            func f(_ x: Double?) -> String { x.map { NumberFormat.fixed(scale * $0, d) } ?? "" }
            func ci(_ v: Double, _ i: [Double]?) -> String { f(v) + (i.map { " (\(f($0[0])) – \(f($0[1])))" } ?? "") }
            s += "| \(r.label) | \(ci(c.wave1.estimate, r.ciWave1)) | \(ci(c.wave2.estimate, r.ciWave2)) | \(c.linked) | \(c.wave1.missing) / \(c.wave2.missing) | "
            switch r.reliability?.status {
            case .suppressed?:
                s += "suppressed | | | | |"
            default:
                let mark = r.reliability?.status == .flagged ? " †" : ""
                s += "\(ci(c.change.estimate, c.change.ciLow.flatMap { a in c.change.ciHigh.map { [a, $0] } }))\(mark) | \(f(c.change.se)) | \(f(c.independentSE)) | "
                s += "\(ContrastTable.p(c.change.pValue)) | \(ContrastTable.p(r.pAdjusted)) |"
            }
            if hasRatio {
                let q = r.reliability?.status == .suppressed ? nil : c.ratio
                s += " \(q.map { NumberFormat.fixed($0.estimate, 3) } ?? "")\(q?.ciLow.map { l in " (\(NumberFormat.fixed(l, 3)) – \(NumberFormat.fixed(q!.ciHigh!, 3)))" } ?? "") |"
            }
            if hasTruth { s += " \(f(r.truth)) |" }
            s += " \(r.note ?? "") |" + (judged ? " \((r.reliability?.summary ?? "").replacingOccurrences(of: "|", with: "\\|")) |" : "") + "\n"
        }
        if rows.contains(where: { $0.reliability != nil && $0.reliability?.status != .reliable }) {
            s += "\n† flagged: read with care; suppressed: too unreliable to publish (reasons in the last column).\n"
        }
        if rows.contains(where: { $0.change.statistic == "proportion" }) {
            s += "\nProportions and their changes in points (percent x 100 for the levels); panel se: accounting for the respondents of both waves; independent: as if the two samples were unlinked.\n"
        }
        return s
    }

    /// Dot plot of both waves' levels with their intervals (left) and of the change with its interval against
    /// zero (right), one line per indicator and domain, for indicators on one scale.
    public static func svg(_ rows: [ChangeTableRow], title: String, waveNames: [String] = ["wave 1", "wave 2"], width: Double = 900) -> String {
        guard !rows.isEmpty else { return "" }
        let rowH = 24.0, left = 250.0, gap = 30.0
        let levelW = (width - left - gap - 20) * 0.55, changeW = (width - left - gap - 20) * 0.45
        let height = 58 + Double(rows.count) * rowH + 46
        func range(_ values: [Double]) -> (Double, Double) {
            var lo = Double.infinity, hi = -Double.infinity
            for v in values where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
            if lo > hi { lo = 0; hi = 1 }
            let pad = (hi - lo) * 0.05 + 1e-12
            return (lo - pad, hi + pad)
        }
        var levelValues: [Double] = [], changeValues: [Double] = [0]
        for r in rows {
            levelValues += [r.change.wave1.estimate, r.change.wave2.estimate] + (r.ciWave1 ?? []) + (r.ciWave2 ?? [])
            changeValues += [r.change.change.estimate, r.change.change.ciLow, r.change.change.ciHigh, r.truth].compactMap { $0 }
        }
        let (llo, lhi) = range(levelValues), (clo, chi) = range(changeValues)
        func xl(_ v: Double) -> Double { left + (v - llo) / (lhi - llo) * levelW }
        let changeLeft = left + levelW + gap
        func xc(_ v: Double) -> Double { changeLeft + (v - clo) / (chi - clo) * changeW }
        let f = SVGChart.f, e = SVGChart.escape
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart change\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(e(title))\">"
        s += "<text x=\"10\" y=\"18\" font-size=\"13\">\(e(title))</text>"
        s += "<text x=\"\(f(left))\" y=\"38\" font-size=\"11\"><tspan fill=\"#888\">● \(e(waveNames[0]))</tspan>  <tspan fill=\"#4878a8\">● \(e(waveNames[1]))</tspan> with intervals</text>"
        s += "<text x=\"\(f(changeLeft))\" y=\"38\" font-size=\"11\">■ change with interval\(rows.contains { $0.truth != nil } ? "  ◆ true change" : "")</text>"
        let top = 52.0, axisY = top + Double(rows.count) * rowH + 4
        // Round ticks with gridlines in the quantity's unit (percent and points for proportions), under the marks.
        let percent = rows.allSatisfy { $0.change.statistic == "proportion" }
        s += SVGChart.horizontalAxis(lo: llo, hi: lhi, left: left, width: levelW, top: top, bottom: axisY, percent: percent,
                                     label: percent ? "share (%)" : "level")
        s += SVGChart.horizontalAxis(lo: clo, hi: chi, left: changeLeft, width: changeW, top: top, bottom: axisY, percent: percent,
                                     label: percent ? "change (points)" : "change")
        s += "<line class=\"zero\" x1=\"\(f(xc(0)))\" x2=\"\(f(xc(0)))\" y1=\"\(f(top))\" y2=\"\(f(axisY))\" stroke=\"#999\" stroke-dasharray=\"3,3\"/>"
        for (k, r) in rows.enumerated() {
            let y = top + Double(k) * rowH + 10
            let c = r.change
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" font-size=\"11\" text-anchor=\"end\">\(e(r.label))</text>"
            for (wave, (v, ci, colour, dy)) in [(c.wave1.estimate, r.ciWave1, "#888", -4.0), (c.wave2.estimate, r.ciWave2, "#4878a8", 4.0)].enumerated() {
                if let ci, ci[0].isFinite, ci[1].isFinite {
                    s += "<line class=\"ci wave\(wave + 1)\" x1=\"\(f(xl(ci[0])))\" x2=\"\(f(xl(ci[1])))\" y1=\"\(f(y + dy))\" y2=\"\(f(y + dy))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
                }
                if v.isFinite {
                    s += "<circle class=\"level wave\(wave + 1)\" cx=\"\(f(xl(v)))\" cy=\"\(f(y + dy))\" r=\"4\" fill=\"\(colour)\"><title>\(e(waveNames[wave])) \(NumberFormat.fixed(v, 4))</title></circle>"
                }
            }
            if let a = c.change.ciLow, let b = c.change.ciHigh, a.isFinite, b.isFinite {
                s += "<line class=\"ci change\" x1=\"\(f(xc(a)))\" x2=\"\(f(xc(b)))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#b5462f\" stroke-width=\"2\"/>"
            }
            if c.change.estimate.isFinite {
                s += "<rect class=\"change\" x=\"\(f(xc(c.change.estimate) - 4))\" y=\"\(f(y - 4))\" width=\"8\" height=\"8\" fill=\"#b5462f\"><title>change \(NumberFormat.fixed(c.change.estimate, 4))</title></rect>"
            }
            if let t = r.truth, t.isFinite {
                s += "<rect class=\"truth\" x=\"\(f(xc(t) - 3.5))\" y=\"\(f(y - 3.5))\" width=\"7\" height=\"7\" transform=\"rotate(45 \(f(xc(t))) \(f(y)))\" fill=\"#2a7a3a\"><title>true change \(NumberFormat.fixed(t, 4))</title></rect>"
            }
        }
        return s + "</svg>"
    }

    /// A self-contained HTML report: one chart per scale (all proportions together, each numeric variable on
    /// its own), then the table of changes with their p-values.
    public static func html(_ rows: [ChangeTableRow], level: Double, title: String, waveNames: [String] = ["wave 1", "wave 2"],
                            notes: [String] = []) -> String {
        var report = HTMLReport(title: title)
        var charts = ""
        // Suppressed changes are not drawn (the table says why).
        let drawn = rows.filter { $0.reliability?.status != .suppressed }
        let proportions = drawn.filter { $0.change.statistic == "proportion" }
        if !proportions.isEmpty { charts += svg(proportions, title: "Proportions: both waves and the change", waveNames: waveNames) }
        var seen: [String] = []
        for r in drawn where r.change.statistic != "proportion" && !seen.contains(r.change.variable) {
            seen.append(r.change.variable)
            charts += svg(drawn.filter { $0.change.variable == r.change.variable && $0.change.statistic != "proportion" },
                          title: "\(r.change.variable): both waves and the change", waveNames: waveNames)
        }
        report.section("Levels and change, \(NumberFormat.fixed(level * 100, 0))% intervals", charts)
        report.section("Changes with panel and independent-samples standard errors", MarkdownHTML.table(markdown(rows, level: level, waveNames: waveNames)))
        if !notes.isEmpty { report.section("Notes", notes.map { "<p>\(SVGChart.escape($0))</p>" }.joined(separator: "\n")) }
        return report.render()
    }
}
