import Weighting
import WeightingIO
import Foundation

/// A self-contained HTML report (inline CSS, inline SVG, no script, no network).
public struct HTMLReport: Sendable {
    /// Title.
    public var title: String
    var sections: [String] = []

    /// Starts a report.
    public init(title: String) { self.title = title }

    /// Adds a section with a heading and raw HTML content.
    public mutating func section(_ heading: String, _ html: String) {
        sections.append("<section><h2>\(SVGChart.escape(heading))</h2>\n\(html)\n</section>")
    }

    /// Adds a calibration report: summary, margins chart and table, weight histogram, convergence trace.
    public mutating func add(calibration r: CalibrationReport, weights: [Double], heading: String = "Calibration") {
        var summary = "<table class=\"summary\"><tr><th>method</th><td>\(SVGChart.escape(r.method))\(r.bounds.map { " [\(NumberFormat.short($0[0])), \(NumberFormat.short($0[1]))]" } ?? "")</td></tr>"
        summary += "<tr><th>respondents</th><td>\(r.respondents)</td></tr><tr><th>iterations</th><td>\(r.iterations) (\(r.algorithm))</td></tr>"
        summary += "<tr><th>max relative deviation</th><td>\(NumberFormat.scientific(r.maxDeviation))</td></tr>"
        summary += "<tr><th>Kish deff</th><td>\(NumberFormat.fixed(r.kishBefore.designEffect, 3)) → \(NumberFormat.fixed(r.kishAfter.designEffect, 3))</td></tr>"
        summary += "<tr><th>effective n</th><td>\(NumberFormat.fixed(r.kishBefore.effectiveSampleSize, 1)) → \(NumberFormat.fixed(r.kishAfter.effectiveSampleSize, 1))</td></tr></table>"
        section(heading, summary)
        var table = "<table class=\"margins\"><thead><tr><th>constraint</th><th>target</th><th>respondents</th><th>before</th><th>after</th><th>deviation</th></tr></thead><tbody>"
        for c in r.constraints {
            table += "<tr><td>\(SVGChart.escape(c.label))</td><td>\(NumberFormat.fixed(c.target, 1))</td><td>\(c.respondents)</td><td>\(NumberFormat.fixed(c.before, 1))</td><td>\(NumberFormat.fixed(c.after, 1))</td><td>\(NumberFormat.scientific(c.deviation))</td></tr>"
        }
        table += "</tbody></table>"
        section("\(heading): margins before and after", SVGChart.margins(r.constraints, title: "Shares of each margin level") + table)
        section("\(heading): weights", SVGChart.histogram(weights, title: "Distribution of the final weights"))
        section("\(heading): convergence", SVGChart.trace(r.trace, title: "Largest relative deviation by iteration (log scale)"))
    }

    /// The document.
    public func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(SVGChart.escape(title))</title>
        <style>body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:.5em 0}
        td,th{border:1px solid #ccc;padding:2px 8px;font-size:13px;text-align:right}th:first-child,td:first-child{text-align:left}
        svg{display:block;margin:.5em 0}h2{border-bottom:1px solid #ddd}</style></head>
        <body><h1>\(SVGChart.escape(title))</h1>
        \(sections.joined(separator: "\n"))
        </body></html>

        """
    }
}
