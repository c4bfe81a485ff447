import Weighting
import WeightingIO
import Foundation

extension CalibrationReport {
    /// The report as pretty-printed JSON (keys sorted, so outputs diff cleanly; a non-finite number is `null`).
    public func json() throws -> String { try ReportJSON.encode(self) }

    /// The report as Markdown: summary, weight distribution, and per-constraint table.
    public func markdown(title: String = "Calibration report") -> String {
        var s = "# \(title)\n\n"
        var method = self.method
        if let b = bounds { method += " (bounds on w/d: [\(NumberFormat.short(b[0])), \(NumberFormat.short(b[1]))])" }
        s += "| | |\n|---|---|\n"
        s += "| method | \(method) |\n"
        s += "| algorithm | \(algorithm) |\n"
        s += "| respondents | \(respondents) |\n"
        s += "| cells | \(cells) |\n"
        s += "| iterations | \(iterations) |\n"
        s += "| converged | \(converged ? "yes" : "no") |\n"
        s += "| max relative deviation | \(NumberFormat.scientific(maxDeviation)) |\n"
        s += "| Kish deff before / after | \(NumberFormat.fixed(kishBefore.designEffect, 4)) / \(NumberFormat.fixed(kishAfter.designEffect, 4)) |\n"
        s += "| effective n before / after | \(NumberFormat.fixed(kishBefore.effectiveSampleSize, 1)) / \(NumberFormat.fixed(kishAfter.effectiveSampleSize, 1)) |\n"
        if trimmed { s += "| trimming | \(trimmedCount) weight(s) at a trimming bound |\n" }
        s += "\n## Weights\n\n| | min | Q1 | median | Q3 | max | mean | sum |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for (name, w) in [("base weight d", baseWeights), ("final weight w", weights), ("ratio w/d", ratios)] {
            s += "| \(name) | \(NumberFormat.fixed(w.min, 4)) | \(NumberFormat.fixed(w.q1, 4)) | \(NumberFormat.fixed(w.median, 4)) | \(NumberFormat.fixed(w.q3, 4)) | \(NumberFormat.fixed(w.max, 4)) | \(NumberFormat.fixed(w.mean, 4)) | \(NumberFormat.fixed(w.sum, 2)) |\n"
        }
        s += "\n## Margins\n\n| constraint | target | respondents | before | after | rel. deviation |\n|---|---:|---:|---:|---:|---:|\n"
        for c in constraints {
            s += "| \(c.label)\(c.redundant ? " (implied)" : "") | \(NumberFormat.fixed(c.target, 2)) | \(c.respondents) | \(NumberFormat.fixed(c.before, 2)) | \(NumberFormat.fixed(c.after, 2)) | \(NumberFormat.scientific(c.deviation)) |\n"
        }
        if !collapsed.isEmpty {
            s += "\n## Collapsed cells\n\n" + collapsed.map { "- \($0)\n" }.joined()
        }
        if !notes.isEmpty {
            s += "\n## Notes\n\n" + notes.map { "- \($0)\n" }.joined()
        }
        return s
    }
}
