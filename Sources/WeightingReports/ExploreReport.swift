import Foundation
import Weighting
import WeightingIO

/// The page of `weight-cli explore`: a chart of each scheme's Kish design effect against the largest shift of
/// the indicators, a table of every scheme (feasibility, iterations, range of `w/d`, design effect, effective n,
/// indicator shifts with their intervals, balance), and the recommendation with its rule.
public enum ExploreReport {
    /// Scatter chart: x = Kish design effect, y = largest |shift| of the indicators; one labelled point per
    /// scheme that converged, the recommended one highlighted.
    public static func chart(_ outcomes: [SchemeOutcome], recommended: Int?, width: Double = 640, height: Double = 360) -> String {
        let points = outcomes.indices.compactMap { i -> (Int, Double, Double)? in
            guard let k = outcomes[i].kish else { return nil }
            return (i, k.designEffect, outcomes[i].largestShift)
        }
        guard !points.isEmpty else { return "" }
        let f = SVGChart.f, esc = SVGChart.escape
        let xs = points.map(\.1), ys = points.map(\.2)
        let xlo = min(1, xs.min()!), xhi = max(xs.max()! * 1.05, xlo + 0.1)
        let ylo = 0.0, yhi = max(ys.max()! * 1.1, 1e-9)
        let left = 60.0, bottom = height - 45, plotW = width - left - 20, plotH = bottom - 40
        func x(_ v: Double) -> Double { left + (v - xlo) / (xhi - xlo) * plotW }
        func y(_ v: Double) -> Double { bottom - (v - ylo) / (yhi - ylo) * plotH }
        let title = "Design effect against the largest indicator shift"
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart explore\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(esc(title))\">"
        s += "<text x=\"\(f(left))\" y=\"18\" font-size=\"13\">\(esc(title))</text>"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(left + plotW))\" y2=\"\(f(bottom))\" stroke=\"#333\"/>"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(left))\" y2=\"\(f(bottom - plotH))\" stroke=\"#333\"/>"
        // Round ticks (1, 2 or 5 times a power of ten) with light gridlines.
        let xt = SVGChart.ticks(xlo, xhi, count: 5), yt = SVGChart.ticks(ylo, yhi, count: 5)
        let xstep = xt.count > 1 ? xt[1] - xt[0] : 1, ystep = yt.count > 1 ? yt[1] - yt[0] : 1
        for vx in xt {
            s += "<line x1=\"\(f(x(vx)))\" y1=\"\(f(bottom))\" x2=\"\(f(x(vx)))\" y2=\"\(f(bottom - plotH))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(x(vx)))\" y=\"\(f(bottom + 15))\" font-size=\"11\" text-anchor=\"middle\">\(SVGChart.tickLabel(vx, percent: false, step: xstep))</text>"
        }
        for vy in yt {
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y(vy)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(vy)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y(vy) + 4))\" font-size=\"11\" text-anchor=\"end\">\(SVGChart.tickLabel(vy, percent: false, step: ystep))</text>"
        }
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 6))\" font-size=\"12\" text-anchor=\"middle\">Kish design effect 1 + cv²(w)</text>"
        s += "<text x=\"14\" y=\"\(f(bottom - plotH / 2))\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(f(bottom - plotH / 2)))\">largest |weighted − raw| (proportions as fractions)</text>"
        // Labels of points close to an earlier one are moved down a line, so that they do not overlap.
        var placed: [(Double, Double)] = []
        for (i, vx, vy) in points {
            let best = i == recommended
            var labelY = y(vy) - 8
            while placed.contains(where: { abs($0.0 - x(vx)) < 120 && abs($0.1 - labelY) < 12 }) { labelY += 13 }
            placed.append((x(vx), labelY))
            s += "<circle class=\"scheme\(best ? " recommended" : "")\" cx=\"\(f(x(vx)))\" cy=\"\(f(y(vy)))\" r=\"\(best ? 7 : 5)\" fill=\"\(best ? "#2e7d32" : "#4878a8")\"><title>\(esc(outcomes[i].name)): deff \(NumberFormat.fixed(vx, 3)), shift \(NumberFormat.fixed(vy, 2))</title></circle>"
            let anchor = x(vx) > left + plotW * 0.7 ? "end" : "start"
            let dx = anchor == "end" ? -9.0 : 9.0
            s += "<text x=\"\(f(x(vx) + dx))\" y=\"\(f(labelY))\" font-size=\"11\" text-anchor=\"\(anchor)\">\(esc(outcomes[i].name))</text>"
        }
        return s + "</svg>"
    }

    /// The table of schemes, as HTML.
    public static func table(_ outcomes: [SchemeOutcome], recommended: Int?) -> String {
        let esc = SVGChart.escape
        let covariates = outcomes.first { !$0.balance.isEmpty }?.balance.map(\.variable) ?? []
        let indicators = outcomes.first { !$0.indicators.isEmpty }?.indicators
            .map { ($0.variable, $0.level) }.sorted { ($0.0, $0.1 ?? "") < ($1.0, $1.1 ?? "") } ?? []
        var h = "<table class=\"schemes\"><thead><tr><th>scheme</th><th>method</th><th>converged</th><th>iterations</th><th>w/d range</th><th>Kish deff</th><th>effective n</th>"
        for (v, l) in indicators { h += "<th>\(esc(l.map { "\(v)=\($0)" } ?? v)): weighted [interval] (shift)</th>" }
        for c in covariates { h += "<th>ASMD \(esc(c))</th>" }
        h += "</tr></thead><tbody>"
        for (i, o) in outcomes.enumerated() {
            h += "<tr class=\"\(i == recommended ? "recommended" : o.feasible ? "feasible" : "infeasible")\"><td>\(esc(o.name))\(i == recommended ? " ★" : "")</td><td>\(esc(o.method))</td>"
            guard o.feasible, let k = o.kish, let r = o.ratioRange else {
                let reason = o.failure ?? ""
                let short = reason.count > 320 ? String(reason.prefix(320)) + " …" : reason
                h += "<td colspan=\"\(5 + indicators.count + covariates.count)\" class=\"failure\" style=\"text-align:left\">no: \(esc(short))</td></tr>"
                continue
            }
            h += "<td>yes</td><td>\(o.iterations)</td><td>[\(NumberFormat.fixed(r.lowerBound, 3)), \(NumberFormat.fixed(r.upperBound, 3))]</td><td>\(NumberFormat.fixed(k.designEffect, 3))</td><td>\(NumberFormat.fixed(k.effectiveSampleSize, 1))</td>"
            for (v, l) in indicators {
                guard let row = o.indicators.first(where: { $0.variable == v && $0.level == l }) else { h += "<td></td>"; continue }
                // Proportions in percent with one decimal; means with three significant digits.
                let isShare = row.statistic == "proportion"
                func num(_ v: Double) -> String { isShare ? NumberFormat.fixed(v * 100, 1) : String(format: "%.3g", v) }
                let ci = row.ciLow.flatMap { lo in row.ciHigh.map { "[\(num(lo)), \(num($0))]" } } ?? ""
                let shift = isShare ? NumberFormat.fixed(row.shift, 1) : String(format: "%.3g", row.shift)
                h += "<td>\(num(row.weighted)) \(ci) (\(row.shift >= 0 ? "+" : "")\(shift))</td>"
            }
            for c in covariates { h += "<td>\(o.balance.first { $0.variable == c }.map { NumberFormat.fixed($0.asmd, 3) } ?? "")</td>" }
            h += "</tr>"
        }
        return h + "</tbody></table>"
    }

    /// The whole page.
    public static func html(_ outcomes: [SchemeOutcome], title: String) -> String {
        let (best, rule) = SchemeComparison.recommend(outcomes)
        var report = HTMLReport(title: title)
        let line = best.map { "<p class=\"recommendation\"><strong>Recommended: \(SVGChart.escape(outcomes[$0].name))</strong>. Rule: \(SVGChart.escape(rule)).</p>" }
            ?? "<p class=\"recommendation\"><strong>No recommendation</strong>: \(SVGChart.escape(rule)).</p>"
        report.section("Recommendation", line)
        report.section("Design effect and indicator shift", chart(outcomes, recommended: best)
            + "<p>Each point is a scheme that converged: further right, the weights vary more (less precision); higher, the weighting moves the indicators more from the raw sample (proportions in points).</p>")
        report.section("Schemes", table(outcomes, recommended: best)
            + "<p>Intervals: 95% linearization intervals accounting for the calibration (residuals on the auxiliaries). Shift: weighted − unweighted. ASMD: |weighted sample mean − population mean| / population SD.</p>")
        return report.render()
    }
}
