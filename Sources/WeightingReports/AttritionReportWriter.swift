import Weighting
import WeightingIO
import Foundation

/// Renders the attrition summary, response models, balance and calibrations as JSON or Markdown.
public enum AttritionReportWriter {
    struct Document: Codable {
        var summary: AttritionSummary
        var wave1: CalibrationReport
        var waves: [AttritionReport]
        var newcomers: [NewcomerSection]?
    }

    /// How one later wave's respondents without a wave-1 record (newcomers) were weighted, beside its panel
    /// members: the `newcomers` section of the JSON report.
    public struct NewcomerSection: Sendable, Equatable, Codable {
        /// The wave (2, 3, ...).
        public var wave: Int
        /// Respondents of the wave with a wave-1 record.
        public var panelMembers: Int
        /// Respondents of the wave without a wave-1 record.
        public var newcomers: Int
        /// `combine` (combined with the panel part, then calibrated) or `exclude` (weight 0).
        public var treatment: String
        /// How the composite factor was chosen: `size` (`n_P / n`), `effective` (Kish effective sizes) or
        /// `fixed`; `nil` when the newcomers were excluded or there were none.
        public var compositeRule: String?
        /// The composite factor λ given to the panel part (`1 − λ` to the newcomers); `nil` when not combined.
        public var compositeFactor: Double?
        /// Kish effective sizes `(Σw)²/Σw²` of the panel part and of the newcomers before combining.
        public var panelEffectiveSize: Double?, newcomerEffectiveSize: Double?
        /// Largest deviation from the margins of the combined wave's calibration.
        public var maxDeviation: Double?
        /// The final cross-sectional weights of the panel members.
        public var panelWeights: WeightSummary?
        /// The final cross-sectional weights of the newcomers (all 0 when excluded).
        public var newcomerWeights: WeightSummary?

        /// The section of one wave's weights, newcomers treated as `treatment` says.
        public init(_ weights: PanelWeighting.WaveWeights, treatment: NewcomerTreatment) {
            wave = weights.wave
            let panel = weights.weights.indices.filter { weights.inPanel[$0] == 1 }.map { weights.weights[$0] }
            let others = weights.weights.indices.filter { weights.inPanel[$0] != 1 }.map { weights.weights[$0] }
            panelMembers = panel.count
            newcomers = others.count
            panelWeights = panel.isEmpty ? nil : WeightSummary(panel)
            newcomerWeights = others.isEmpty ? nil : WeightSummary(others)
            switch treatment {
            case .exclude: self.treatment = "exclude"
            case .combine(let rule):
                self.treatment = "combine"
                if let c = weights.newcomers {
                    switch rule {
                    case .sampleSize: compositeRule = "size"
                    case .effectiveSize: compositeRule = "effective"
                    case .fixed: compositeRule = "fixed"
                    }
                    compositeFactor = c.lambda
                    panelEffectiveSize = c.panelEffectiveSize
                    newcomerEffectiveSize = c.newcomerEffectiveSize
                    maxDeviation = c.calibration.maxDeviation
                }
            }
        }
    }

    /// JSON document with every figure; `newcomers` (one section per later wave) is written when given.
    public static func json(summary: AttritionSummary, wave1: CalibrationReport, waves: [AttritionReport],
                            newcomers: [NewcomerSection]? = nil) throws -> String {
        try ReportJSON.encode(Document(summary: summary, wave1: wave1, waves: waves, newcomers: newcomers))
    }

    /// Markdown table of the waves whose newcomers were combined with the panel (empty when none was).
    public static func newcomersMarkdown(_ waves: [PanelWeighting.WaveWeights]) -> String {
        let combined = waves.compactMap { w in w.newcomers.map { (w.wave, $0) } }
        guard !combined.isEmpty else { return "" }
        return "\n## Newcomers combined with the panel\n\n| wave | panel | newcomers | composite factor λ | panel n* | newcomers n* | max deviation |\n|---:|---:|---:|---:|---:|---:|---:|\n"
            + combined.map { k, s in
                "| \(k) | \(s.panel) | \(s.newcomers) | \(String(format: "%.4f", s.lambda)) | \(String(format: "%.1f", s.panelEffectiveSize)) | \(String(format: "%.1f", s.newcomerEffectiveSize)) | \(String(format: "%.2e", s.calibration.maxDeviation)) |"
            }.joined(separator: "\n") + "\n"
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
