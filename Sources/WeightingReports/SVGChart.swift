import Weighting
import WeightingIO
import Foundation

/// Small SVG charts written by Weighting itself (no JavaScript, no external resources).
public enum SVGChart {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func f(_ x: Double) -> String { String(format: "%.1f", x) }

    /// Round tick values covering `[lo, hi]`: steps of 1, 2 or 5 times a power of ten, about `count` of them
    /// (Heckbert 1990, "Nice numbers for graph labels"): the step whose number of intervals is nearest `count − 1`.
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 6) -> [Double] {
        guard lo.isFinite, hi.isFinite, hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(max(count - 1, 1))
        let power = pow(10, floor(log10(raw)))
        let wanted = Double(max(count - 1, 1))
        let step = [1.0, 2, 5, 10].map { $0 * power }.min { abs((hi - lo) / $0 - wanted) < abs((hi - lo) / $1 - wanted) }!
        var t = (lo / step).rounded(.up) * step, out: [Double] = []
        while t <= hi + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    /// A tick label: percent (`45 %`) for shares, otherwise a short number.
    static func tickLabel(_ v: Double, percent: Bool, step: Double) -> String {
        if percent {
            let digits = step * 100 >= 1 ? 0 : step * 100 >= 0.1 ? 1 : 2
            return NumberFormat.fixed(100 * v, digits) + " %"
        }
        let digits = step >= 1 ? 0 : max(0, Int(-floor(log10(step))))
        return NumberFormat.fixed(v, digits)
    }

    /// Vertical gridlines with tick labels under a horizontal axis from `left` to `left + width`, and an axis title.
    static func horizontalAxis(lo: Double, hi: Double, left: Double, width: Double, top: Double, bottom: Double,
                               percent: Bool, label: String) -> String {
        let t = ticks(lo, hi)
        let step = t.count > 1 ? t[1] - t[0] : 1
        func x(_ v: Double) -> Double { left + (v - lo) / (hi - lo) * width }
        var s = ""
        for v in t {
            s += "<line class=\"grid\" x1=\"\(f(x(v)))\" x2=\"\(f(x(v)))\" y1=\"\(f(top))\" y2=\"\(f(bottom))\" stroke=\"#e3e3e3\"/>"
            s += "<line class=\"tick\" x1=\"\(f(x(v)))\" x2=\"\(f(x(v)))\" y1=\"\(f(bottom))\" y2=\"\(f(bottom + 4))\" stroke=\"#333\"/>"
            s += "<text class=\"tick-label\" x=\"\(f(x(v)))\" y=\"\(f(bottom + 15))\" font-size=\"10\" text-anchor=\"middle\">\(escape(tickLabel(v, percent: percent, step: step)))</text>"
        }
        s += "<line x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(left + width))\" y2=\"\(f(bottom))\" stroke=\"#333\"/>"
        s += "<text class=\"axis-label\" x=\"\(f(left + width / 2))\" y=\"\(f(bottom + 30))\" font-size=\"11\" text-anchor=\"middle\">\(escape(label))</text>"
        return s
    }

    /// Histogram of values in `bins` equal-width bins, with gridlines and ticks on both axes and labelled axes.
    public static func histogram(_ values: [Double], bins: Int = 30, title: String, width: Double = 640, height: Double = 260,
                                 xLabel: String = "weight", yLabel: String = "respondents") -> String {
        guard let lo = values.min(), let hi = values.max(), !values.isEmpty else { return "" }
        let span = hi > lo ? hi - lo : 1
        var counts = [Int](repeating: 0, count: bins)
        for v in values { counts[min(bins - 1, Int((v - lo) / span * Double(bins)))] += 1 }
        var yTicks = ticks(0, Double(counts.max() ?? 1), count: 6)
        if yTicks.count > 1, let last = yTicks.last, last < Double(counts.max() ?? 1) { yTicks.append(last + yTicks[1] - yTicks[0]) }
        let maxCount = max(Double(counts.max() ?? 1), yTicks.last ?? 1)
        let left = 60.0, bottom = height - 45, plotW = width - left - 15, plotH = bottom - 30
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart histogram\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        s += "<text x=\"\(f(left))\" y=\"18\" font-size=\"13\">\(escape(title))</text>"
        for v in yTicks {
            let y = bottom - v / maxCount * plotH
            s += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#e3e3e3\"/>"
            s += "<text class=\"tick-label\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" font-size=\"10\" text-anchor=\"end\">\(Int(v))</text>"
        }
        s += "<text class=\"axis-label\" x=\"14\" y=\"\(f(bottom - plotH / 2))\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(f(bottom - plotH / 2)))\">\(escape(yLabel))</text>"
        let bw = plotW / Double(bins)
        for (k, c) in counts.enumerated() where c > 0 {
            let h = Double(c) / maxCount * plotH
            s += "<rect class=\"bar\" x=\"\(f(left + Double(k) * bw))\" y=\"\(f(bottom - h))\" width=\"\(f(max(1, bw - 1)))\" height=\"\(f(h))\" fill=\"#4878a8\"><title>\(c)</title></rect>"
        }
        s += horizontalAxis(lo: lo, hi: lo + span, left: left, width: plotW, top: 30, bottom: bottom, percent: false, label: xLabel)
        return s + "</svg>"
    }

    /// Line chart of a convergence trace on a log10 scale: a gridline and label per power of ten (every second or
    /// more when there are many), integer iteration ticks, and both axes named.
    public static func trace(_ values: [Double], title: String, width: Double = 640, height: Double = 240,
                             yLabel: String = "largest relative deviation") -> String {
        let pts = values.map { max($0, 1e-17) }
        guard !pts.isEmpty else { return "" }
        let logs = pts.map { log10($0) }
        let lo = floor(logs.min()!), hi = ceil(max(logs.max()!, lo + 1))
        let left = 70.0, bottom = height - 45, plotW = width - left - 15, plotH = bottom - 30
        func x(_ i: Int) -> Double { left + (pts.count > 1 ? Double(i) / Double(pts.count - 1) : 0.5) * plotW }
        func y(_ v: Double) -> Double { bottom - (v - lo) / (hi - lo) * plotH }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart trace\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        s += "<text x=\"\(f(left))\" y=\"18\" font-size=\"13\">\(escape(title))</text>"
        let decades = Int(hi - lo), every = max(1, Int((Double(decades) / 6).rounded(.up)))
        for k in stride(from: 0, through: decades, by: every) {
            let v = lo + Double(k)
            s += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\" stroke=\"#e3e3e3\"/>"
            s += "<text class=\"tick-label\" x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" font-size=\"10\" text-anchor=\"end\">1e\(Int(v))</text>"
        }
        s += "<text class=\"axis-label\" x=\"14\" y=\"\(f(bottom - plotH / 2))\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(f(bottom - plotH / 2)))\">\(escape(yLabel))</text>"
        s += "<polyline fill=\"none\" stroke=\"#b5462f\" stroke-width=\"2\" points=\"\(logs.enumerated().map { "\(f(x($0.offset))),\(f(y($0.element)))" }.joined(separator: " "))\"/>"
        for (i, v) in logs.enumerated() { s += "<circle class=\"point\" cx=\"\(f(x(i)))\" cy=\"\(f(y(v)))\" r=\"3\" fill=\"#b5462f\"><title>iteration \(i): \(String(format: "%.2e", pts[i]))</title></circle>" }
        let last = Double(max(pts.count - 1, 1))
        var s2 = ""
        for v in ticks(0, last) where v == v.rounded() {
            let xv = left + (pts.count > 1 ? v / last : 0.5) * plotW
            s2 += "<line class=\"tick\" x1=\"\(f(xv))\" x2=\"\(f(xv))\" y1=\"\(f(bottom))\" y2=\"\(f(bottom + 4))\" stroke=\"#333\"/>"
            s2 += "<text class=\"tick-label\" x=\"\(f(xv))\" y=\"\(f(bottom + 15))\" font-size=\"10\" text-anchor=\"middle\">\(Int(v))</text>"
        }
        s += s2 + "<line x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(left + plotW))\" y2=\"\(f(bottom))\" stroke=\"#333\"/>"
        s += "<text class=\"axis-label\" x=\"\(f(left + plotW / 2))\" y=\"\(f(bottom + 30))\" font-size=\"11\" text-anchor=\"middle\">iteration</text>"
        return s + "</svg>"
    }

    /// Horizontal bars per margin level: target share against weighted share before and after.
    public static func margins(_ constraints: [ConstraintDiagnostic], title: String, width: Double = 640) -> String {
        let cats = constraints.filter { $0.level != nil }
        guard !cats.isEmpty else { return "" }
        var totals: [String: (Double, Double, Double)] = [:]
        for c in cats {
            let t = totals[c.margin] ?? (0, 0, 0)
            totals[c.margin] = (t.0 + c.target, t.1 + c.before, t.2 + c.after)
        }
        let rowH = 18.0, left = 230.0, plotW = width - left - 60
        let bottom = 40 + Double(cats.count) * rowH + 4
        let height = bottom + 45
        var maxShare = 0.0
        for c in cats { let t = totals[c.margin]!; maxShare = max(maxShare, c.target / t.0, c.before / t.1, c.after / t.2) }
        // The axis ends on a round tick at or above the largest share, so bars and gridlines share one scale.
        var shareTicks = ticks(0, max(maxShare, 1e-9))
        if shareTicks.count > 1, let lastTick = shareTicks.last, lastTick < maxShare { shareTicks.append(lastTick + shareTicks[1] - shareTicks[0]) }
        maxShare = max(maxShare, shareTicks.last ?? maxShare)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart margins\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        s += "<text x=\"10\" y=\"18\" font-size=\"13\">\(escape(title))</text>"
        s += "<text x=\"\(f(left))\" y=\"34\" font-size=\"11\"><tspan fill=\"#999\">■ before</tspan> <tspan fill=\"#4878a8\">■ after</tspan> <tspan fill=\"#b5462f\">| target</tspan></text>"
        s += horizontalAxis(lo: 0, hi: maxShare, left: left, width: plotW, top: 40, bottom: bottom, percent: true,
                            label: "share of the margin's total")
        for (k, c) in cats.enumerated() {
            let t = totals[c.margin]!
            let y0 = 40 + Double(k) * rowH
            func w(_ share: Double) -> Double { share / maxShare * plotW }
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y0 + 12))\" font-size=\"11\" text-anchor=\"end\">\(escape(c.label))</text>"
            s += "<rect class=\"before\" x=\"\(f(left))\" y=\"\(f(y0 + 2))\" width=\"\(f(w(c.before / t.1)))\" height=\"6\" fill=\"#999\"/>"
            s += "<rect class=\"after\" x=\"\(f(left))\" y=\"\(f(y0 + 8))\" width=\"\(f(w(c.after / t.2)))\" height=\"6\" fill=\"#4878a8\"/>"
            s += "<line class=\"target\" x1=\"\(f(left + w(c.target / t.0)))\" x2=\"\(f(left + w(c.target / t.0)))\" y1=\"\(f(y0))\" y2=\"\(f(y0 + 16))\" stroke=\"#b5462f\" stroke-width=\"2\"/>"
        }
        return s + "</svg>"
    }

    /// Several charts stacked in one standalone SVG document (for figures in notebooks and papers).
    public static func stack(_ charts: String) -> String {
        var y = 0.0, width = 0.0, body = ""
        var rest = Substring(charts)
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            let chart = String(rest[start.lowerBound..<end.upperBound])
            func attribute(_ name: String) -> Double {
                guard let r = chart.range(of: "\(name)=\""), let q = chart[r.upperBound...].firstIndex(of: "\"") else { return 0 }
                return Double(chart[r.upperBound..<q]) ?? 0
            }
            let h = attribute("height"), w = attribute("width")
            body += chart.replacingOccurrences(of: "<svg ", with: "<svg y=\"\(f(y))\" ", options: [], range: chart.startIndex..<chart.index(chart.startIndex, offsetBy: 5))
            y += h
            width = max(width, w)
            rest = rest[end.upperBound...]
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(y))\" style=\"font-family:sans-serif\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/>" + body + "</svg>\n"
    }

    /// Dot plots grouped on comparable scales: all proportions in one chart, each numeric variable in its own.
    public static func comparisons(_ rows: [ComparisonRow], title: String, truth: [String: Double] = [:]) -> String {
        let proportions = rows.filter { $0.statistic == "proportion" }
        var out = proportions.isEmpty ? "" : comparison(proportions, title: "\(title): proportions", truth: truth)
        var seen: [String] = []
        for r in rows where r.statistic != "proportion" && !seen.contains(r.variable) {
            seen.append(r.variable)
            out += comparison(rows.filter { $0.variable == r.variable }, title: "\(title): \(r.variable)", truth: truth)
        }
        return out
    }

    /// Dot plot: raw (open circle) and weighted (filled) with its confidence interval, per indicator.
    public static func comparison(_ rows: [ComparisonRow], title: String, truth: [String: Double] = [:],
                                  published: [String: Double] = [:], axisLabel: String? = nil, width: Double = 640) -> String {
        guard !rows.isEmpty else { return "" }
        let percent = rows.allSatisfy { $0.statistic == "proportion" }
        let rowH = 22.0, left = 260.0, plotW = width - left - 20
        let height = 50 + Double(rows.count) * rowH + 44
        var lo = Double.infinity, hi = -Double.infinity
        for r in rows {
            for v in [r.raw, r.weighted, r.ciLow ?? r.weighted, r.ciHigh ?? r.weighted] where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        }
        for v in truth.values where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        for r in rows { if let v = published[r.variable], v.isFinite { lo = min(lo, v); hi = max(hi, v) } }
        if lo > hi { lo = 0; hi = 1 }  // nothing finite to draw: an empty axis, never NaN coordinates
        let pad = (hi - lo) * 0.05 + 1e-12
        lo -= pad; hi += pad
        if percent { lo = max(0, lo); hi = min(1, hi) }
        if hi <= lo { hi = lo + 1e-9 }
        func x(_ v: Double) -> Double { left + (v - lo) / (hi - lo) * plotW }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart comparison\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        s += "<text x=\"10\" y=\"18\" font-size=\"13\">\(escape(title))</text>"
        s += "<text x=\"\(f(left))\" y=\"36\" font-size=\"11\">○ raw  ● weighted with interval\(truth.isEmpty ? "" : "  ◆ truth")\(published.isEmpty ? "" : "  ▏published")</text>"
        let axisY = 50 + Double(rows.count) * rowH + 4
        s += horizontalAxis(lo: lo, hi: hi, left: left, width: plotW, top: 42, bottom: axisY, percent: percent,
                            label: axisLabel ?? (percent ? "share (%)" : "value"))
        for (k, r) in rows.enumerated() {
            let y = 50 + Double(k) * rowH + 8
            let name = (r.level.map { "\(r.variable) = \($0)" } ?? r.variable) + (r.domain.map { " (\($0))" } ?? "")
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" font-size=\"11\" text-anchor=\"end\">\(escape(name))</text>"
            // Undefined (NaN or infinite) values are not drawn; the table under the chart says which they are.
            if let a = r.ciLow, let b = r.ciHigh, a.isFinite, b.isFinite {
                s += "<line class=\"ci\" x1=\"\(f(x(a)))\" x2=\"\(f(x(b)))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#4878a8\" stroke-width=\"2\"/>"
            }
            if r.raw.isFinite { s += "<circle class=\"raw\" cx=\"\(f(x(r.raw)))\" cy=\"\(f(y))\" r=\"4\" fill=\"white\" stroke=\"#555\"><title>raw \(NumberFormat.fixed(r.raw, 4))</title></circle>" }
            if r.weighted.isFinite { s += "<circle class=\"weighted\" cx=\"\(f(x(r.weighted)))\" cy=\"\(f(y))\" r=\"4\" fill=\"#4878a8\"><title>weighted \(NumberFormat.fixed(r.weighted, 4))</title></circle>" }
            if let p = published[r.variable], p.isFinite {
                s += "<line class=\"published\" x1=\"\(f(x(p)))\" x2=\"\(f(x(p)))\" y1=\"\(f(y - 7))\" y2=\"\(f(y + 7))\" stroke=\"#2a7d3c\" stroke-width=\"2\"><title>published \(NumberFormat.fixed(p, 4))</title></line>"
            }
            if let t = truth[r.variable], t.isFinite {
                s += "<rect class=\"truth\" x=\"\(f(x(t) - 3.5))\" y=\"\(f(y - 3.5))\" width=\"7\" height=\"7\" transform=\"rotate(45 \(f(x(t))) \(f(y)))\" fill=\"#b5462f\"><title>truth \(NumberFormat.fixed(t, 4))</title></rect>"
            }
        }
        return s + "</svg>"
    }
}
