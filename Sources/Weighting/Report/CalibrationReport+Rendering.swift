import Foundation

extension CalibrationReport {
    /// The report as pretty-printed JSON (keys sorted, so outputs diff cleanly).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The report as Markdown: summary, weight distribution, and per-constraint table.
    public func markdown(title: String = "Calibration report") -> String {
        var s = "# \(title)\n\n"
        var method = self.method
        if let b = bounds { method += " (bounds on w/d: [\(Number.short(b[0])), \(Number.short(b[1]))])" }
        s += "| | |\n|---|---|\n"
        s += "| method | \(method) |\n"
        s += "| algorithm | \(algorithm) |\n"
        s += "| respondents | \(respondents) |\n"
        s += "| cells | \(cells) |\n"
        s += "| iterations | \(iterations) |\n"
        s += "| converged | \(converged ? "yes" : "no") |\n"
        s += "| max relative deviation | \(Number.scientific(maxDeviation)) |\n"
        s += "| Kish deff before / after | \(Number.fixed(kishBefore.designEffect, 4)) / \(Number.fixed(kishAfter.designEffect, 4)) |\n"
        s += "| effective n before / after | \(Number.fixed(kishBefore.effectiveSampleSize, 1)) / \(Number.fixed(kishAfter.effectiveSampleSize, 1)) |\n"
        if trimmed { s += "| trimming | \(trimmedCount) weight(s) at a trimming bound |\n" }
        s += "\n## Weights\n\n| | min | Q1 | median | Q3 | max | mean | sum |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for (name, w) in [("base weight d", baseWeights), ("final weight w", weights), ("ratio w/d", ratios)] {
            s += "| \(name) | \(Number.fixed(w.min, 4)) | \(Number.fixed(w.q1, 4)) | \(Number.fixed(w.median, 4)) | \(Number.fixed(w.q3, 4)) | \(Number.fixed(w.max, 4)) | \(Number.fixed(w.mean, 4)) | \(Number.fixed(w.sum, 2)) |\n"
        }
        s += "\n## Margins\n\n| constraint | target | respondents | before | after | rel. deviation |\n|---|---:|---:|---:|---:|---:|\n"
        for c in constraints {
            s += "| \(c.label)\(c.redundant ? " (implied)" : "") | \(Number.fixed(c.target, 2)) | \(c.respondents) | \(Number.fixed(c.before, 2)) | \(Number.fixed(c.after, 2)) | \(Number.scientific(c.deviation)) |\n"
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

/// Number formatting for reports (locale-independent).
enum Number {
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "NA" : (x > 0 ? "Inf" : "-Inf") }
        return String(format: "%.\(digits)f", x)
    }

    static func scientific(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NA" : "Inf" }
        return String(format: "%.2e", x)
    }

    static func short(_ x: Double) -> String { Table.format(x) }
}
