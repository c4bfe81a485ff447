import Foundation
import Weighting
import WeightingIO

/// Rendering of ``FrameNonresponse`` results.
public enum FrameNonresponseReport {
    /// The report in Markdown: model, factors, balance before and after, calibration.
    public static func markdown(_ r: FrameNonresponse.Result, frame: String) -> String {
        var s = "# Nonresponse against the frame \(frame)\n\n\(r.rows.count) respondents of \(r.report.wave1Respondents) frame units; \(r.report.adjustment)"
        s += "; factors \(NumberFormat.fixed(r.report.factors.min, 2)) to \(NumberFormat.fixed(r.report.factors.max, 2)), \(r.report.cappedFactors) capped.\n\n"
        s += "## Response model (logistic, all frame units)\n\n| term | coefficient | standard error |\n|---|---:|---:|\n"
        for (k, t) in r.report.model.terms.enumerated() {
            s += "| \(t) | \(NumberFormat.fixed(r.report.model.coefficients[k], 4)) | \(NumberFormat.fixed(r.report.model.standardErrors[k], 4)) |\n"
        }
        s += "\n## Balance on frame covariates (respondents against the frame)\n\n" + balanceTable(r.balance)
        s += "\n## Calibration\n\n\(r.report.calibration.method): \(r.report.calibration.iterations) iterations, max relative deviation \(NumberFormat.scientific(r.report.calibration.maxDeviation)), effective n \(NumberFormat.fixed(r.report.calibration.kishAfter.effectiveSampleSize, 1))\n"
        return s
    }

    /// The balance table in Markdown.
    public static func balanceTable(_ balance: [FrameBalance]) -> String {
        var s = "| covariate | in model | in margins | ASMD before | ASMD after | KS before | KS after |\n|---|---|---|---:|---:|---:|---:|\n"
        for b in balance {
            s += "| \(b.covariate) | \(b.inModel ? "yes" : "no") | \(b.inMargins ? "yes" : "no") | \(NumberFormat.fixed(b.asmdBefore, 3)) | \(NumberFormat.fixed(b.asmdAfter, 3)) | \(b.ksBefore.map { NumberFormat.fixed($0, 3) } ?? "") | \(b.ksAfter.map { NumberFormat.fixed($0, 3) } ?? "") |\n"
        }
        return s
    }
}
