import Weighting
import WeightingIO
import Foundation

/// One line of the output of `weight-cli test`: a contrast (estimate, standard error, interval, t test) or a
/// test (statistic, degrees of freedom, p-value).
public struct ContrastTableRow: Sendable, Equatable, Codable {
    /// What is compared or tested, e.g. `api00 mean: E - H`, `stype x sch_wide: Rao-Scott F`.
    public var comparison: String
    /// The estimate of a contrast (or difference of a t test).
    public var estimate: Double?
    /// Its standard error.
    public var se: Double?
    /// Lower confidence limit.
    public var ciLow: Double?
    /// Upper confidence limit.
    public var ciHigh: Double?
    /// The test statistic (t, F or χ²).
    public var statistic: Double?
    /// Name of the statistic: `t`, `F`, `chisq`.
    public var statisticName: String?
    /// Degrees of freedom (of t or χ²), or the numerator degrees of freedom of F.
    public var df: Double?
    /// Denominator degrees of freedom of F.
    public var ddf: Double?
    /// p-value.
    public var pValue: Double?
    /// p-value adjusted for multiple comparisons.
    public var pAdjusted: Double?
    /// A remark (why there is no test, the adjustment).
    public var note: String?
    /// The reliability verdict (only the degrees-of-freedom and sample-size rules apply to a comparison:
    /// ``ReliabilityRuleSet/assessComparison(df:)``).
    public var reliability: Reliability? = nil
    /// How the interval was formed: `wald` (t on the design degrees of freedom) when there is one.
    public var intervalMethod: String? = nil
    /// Records of the comparison's scope (a level of every `--by` variable; every record for a test of
    /// independence) left out because a value the comparison needs is missing: the compared variable, the
    /// denominator of a ratio, or either variable of a test of independence (issue 14: every output says how
    /// many analysis values were missing).
    public var missing: Int? = nil

    /// A row for a contrast of `variable`.
    public init(variable: String, _ c: ContrastEstimate) {
        comparison = "\(variable): \(c.label)"
        estimate = c.estimate
        se = c.se
        ciLow = c.ciLow
        ciHigh = c.ciHigh
        statistic = c.t
        statisticName = c.t == nil ? nil : "t"
        df = c.df
        pValue = c.pValue
        pAdjusted = c.adjustedPValue
        note = c.note
        intervalMethod = c.ciLow == nil && c.ciHigh == nil ? nil : IntervalMethod.wald.label
    }

    /// A row for a test.
    public init(comparison: String, estimate: Double? = nil, se: Double? = nil, ciLow: Double? = nil, ciHigh: Double? = nil,
                statistic: Double, statisticName: String, df: Double, ddf: Double? = nil, pValue: Double, note: String? = nil) {
        self.comparison = comparison
        self.estimate = estimate
        self.se = se
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.statistic = statistic
        self.statisticName = statisticName
        self.df = df
        self.ddf = ddf
        self.pValue = pValue
        self.note = note
        intervalMethod = ciLow == nil && ciHigh == nil ? nil : IntervalMethod.wald.label
    }
}

/// Renders comparisons and tests as CSV, JSON or Markdown.
public enum ContrastTable {
    /// Column names of the CSV output.
    public static let csvHeader = ["comparison", "estimate", "se", "ci_low", "ci_high", "statistic", "statistic_name",
                                   "df", "ddf", "p_value", "p_adjusted", "note", "ci_method", "reliability", "missing"]

    /// CSV text (numbers with up to 17 significant digits, missing values empty).
    public static func csv(_ rows: [ContrastTableRow]) -> String {
        var s = csvHeader.joined(separator: ",") + "\n"
        for r in rows {
            let fields: [String] = [r.comparison, n(r.estimate), n(r.se), n(r.ciLow), n(r.ciHigh), n(r.statistic),
                                    r.statisticName ?? "", n(r.df), n(r.ddf), n(r.pValue), n(r.pAdjusted), r.note ?? "",
                                    r.intervalMethod ?? "", r.reliability?.summary ?? "", r.missing.map(String.init) ?? ""]
            s += fields.map { CSVField.quoted($0) }.joined(separator: ",") + "\n"
        }
        return s
    }

    /// Pretty JSON array.
    public static func json(_ rows: [ContrastTableRow]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(rows), as: UTF8.self) + "\n"
    }

    /// Markdown table with rounded figures.
    public static func markdown(_ rows: [ContrastTableRow], level: Double) -> String {
        let pct = NumberFormat.fixed(level * 100, 0)
        var s = "| comparison | estimate | se | \(pct)% CI | CI method | statistic | df | p | p adjusted | note | reliability | missing |\n"
        s += "|---|---:|---:|---|---|---:|---|---:|---:|---|---|---:|\n"
        func f(_ x: Double?, _ d: Int = 4) -> String { x.map { NumberFormat.fixed($0, d) } ?? "" }
        for r in rows {
            let ci = r.ciLow == nil ? "" : "\(f(r.ciLow)) – \(f(r.ciHigh))"
            let stat = r.statistic.map { "\(r.statisticName ?? "") = \(NumberFormat.fixed($0, 3))" } ?? ""
            let df = r.df.map { d in r.ddf.map { "\(NumberFormat.fixed(d, 2)), \(NumberFormat.fixed($0, 1))" } ?? NumberFormat.fixed(d, 0) } ?? ""
            let flag = (r.reliability?.summary ?? "").replacingOccurrences(of: "|", with: "\\|")
            s += "| \(r.comparison) | \(f(r.estimate)) | \(f(r.se)) | \(ci) | \(r.intervalMethod ?? "") | \(stat) | \(df) | \(p(r.pValue)) | \(p(r.pAdjusted)) | \(r.note ?? "") | \(flag) | \(r.missing.map(String.init) ?? "") |\n"
        }
        return s
    }

    static func n(_ x: Double?) -> String { x.map(NumberFormat.cell) ?? "" }
    static func p(_ x: Double?) -> String {
        guard let x else { return "" }
        return x < 1e-4 ? "< 0.0001" : NumberFormat.fixed(x, 4)
    }
}

