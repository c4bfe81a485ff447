import Foundation

extension CalibrationReport {
    /// The report as pretty-printed JSON (keys sorted, so outputs diff cleanly; a non-finite number is `null`).
    public func json() throws -> String { try ReportJSON.encode(self) }

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
    /// `x` with `digits` decimals; empty when NaN or infinite (a table cell is left empty, never `nan`/`inf`).
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "" }
        return String(format: "%.\(digits)f", x)
    }

    /// `x` as `1.23e-04`; empty when NaN or infinite.
    static func scientific(_ x: Double) -> String {
        guard x.isFinite else { return "" }
        return String(format: "%.2e", x)
    }

    /// `x` as its shortest text (integers without decimals); empty when NaN or infinite.
    static func short(_ x: Double) -> String { x.isFinite ? Table.format(x) : "" }

    /// The note under a Markdown table listing its undefined values (empty when there are none).
    static func undefinedNotes(_ undefined: [UndefinedValue]) -> String {
        guard !undefined.isEmpty else { return "" }
        let shown = undefined.prefix(20).map { "- \($0)\n" }.joined()
        return "\nEmpty cells are undefined values:\n\n" + shown + (undefined.count > 20 ? "- … and \(undefined.count - 20) more\n" : "")
    }
}
