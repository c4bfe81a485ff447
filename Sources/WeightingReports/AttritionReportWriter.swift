import Weighting
import WeightingIO
import Foundation

/// Renders the attrition summary, response models, balance and calibrations as JSON or Markdown.
public enum AttritionReportWriter {
    struct Document: Codable {
        var summary: AttritionSummary
        var wave1: CalibrationReport
        var waves: [AttritionReport]
    }

    /// JSON document with every figure.
    public static func json(summary: AttritionSummary, wave1: CalibrationReport, waves: [AttritionReport]) throws -> String {
        try ReportJSON.encode(Document(summary: summary, wave1: wave1, waves: waves))
    }

    /// Markdown report.
    public static func markdown(summary: AttritionSummary, wave1: CalibrationReport, waves: [AttritionReport]) -> String {
        var s = "# Attrition report\n\n| wave | respondents | present since wave 1 | retention | without wave-1 record |\n|---:|---:|---:|---:|---:|\n"
        for w in summary.waves {
            s += "| \(w.wave) | \(w.respondents) | \(w.retainedFromWave1) | \(NumberFormat.fixed(100 * w.retentionRate, 1)) % | \(w.newcomers) |\n"
        }
        if !summary.groups.isEmpty {
            s += "\n## Retention by group\n\n| group | wave | wave 1 | retained | rate |\n|---|---:|---:|---:|---:|\n"
            for g in summary.groups { s += "| \(g.group) | \(g.wave) | \(g.wave1) | \(g.retained) | \(NumberFormat.fixed(100 * g.rate, 1)) % |\n" }
        }
        for r in waves {
            s += "\n## Wave \(r.wave): response model (logistic, \(r.model.iterations) IRLS iterations)\n\n| term | coefficient | se |\n|---|---:|---:|\n"
            for (k, t) in r.model.terms.enumerated() {
                s += "| \(t) | \(NumberFormat.fixed(r.model.coefficients[k], 4)) | \(NumberFormat.fixed(r.model.standardErrors[k], 4)) |\n"
            }
            s += "\nAdjustment: \(r.adjustment); factors min \(NumberFormat.fixed(r.factors.min, 3)), median \(NumberFormat.fixed(r.factors.median, 3)), max \(NumberFormat.fixed(r.factors.max, 3))"
            s += r.cappedFactors > 0 ? "; \(r.cappedFactors) capped.\n" : ".\n"
            s += "\n| covariate | ASMD before | ASMD after |\n|---|---:|---:|\n"
            for b in r.balance { s += "| \(b.covariate) | \(NumberFormat.fixed(b.before, 3)) | \(NumberFormat.fixed(b.after, 3)) |\n" }
            s += "\n" + r.calibration.markdown(title: "Wave \(r.wave): two-phase calibration").replacingOccurrences(of: "\n# ", with: "\n### ").replacingOccurrences(of: "# Wave", with: "### Wave").replacingOccurrences(of: "\n## ", with: "\n#### ")
        }
        s += "\n" + wave1.markdown(title: "Wave 1 calibration").replacingOccurrences(of: "# Wave 1", with: "## Wave 1").replacingOccurrences(of: "\n## ", with: "\n### ")
        return s
    }
}
