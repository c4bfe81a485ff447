import Foundation

/// What to do with records whose calibration variable is missing (`--missing fail|level|exclude`).
public enum MissingValuePolicy: String, Sendable, CaseIterable {
    /// Refuse: the error names the variable, the number of missing values and where the first ones are.
    case fail
    /// Missing is a level of its own, `NA`, whose population count the margins give (`region,NA,120`), as R's
    /// `addNA()` factor in `calibrate`/`rake`/`postStratify`.
    case level
    /// The records are left out of that margin's constraints only: the margin's distribution is met among the
    /// records where the variable is known, and their weights are still set by the other margins.
    ///
    /// With target counts `N_l` summing to `N`, the constraints `Σ_{i: v_i = l} w_i = N_l` become
    /// `Σ_i w_i (1{v_i = l} − 1{v_i known} N_l/N) = 0` for every level but the last (the last is implied): the
    /// weighted shares among the known values equal the population shares. This is an ordinary calibration on
    /// numeric auxiliaries with zero totals (Deville & Särndal 1992), so every method, and the linearized
    /// variance, apply unchanged. When nobody is missing it reproduces the margin's own calibration.
    case exclude
}

/// A calibration problem with its missing values dealt with by a ``MissingValuePolicy``: the table and margins
/// to hand to ``Calibrator``, and what was done, for the report.
public struct MissingCalibrationValues: Sendable {
    /// The level that stands for a missing value under ``MissingValuePolicy/level``.
    public static let missingLevel = "NA"

    /// The table to calibrate (the original one, with missing values recoded or auxiliaries added).
    public var table: Table
    /// The margins to calibrate to.
    public var margins: Margins
    /// One sentence per variable with missing values: how many, and what was done.
    public var notes: [String]

    /// Applies `policy` to the categorical calibration variables of `margins` in `table`.
    ///
    /// - Throws: ``MissingValueError/missingLevelWithoutMissingValues(variable:margin:)`` when the margins
    ///   give a target for the `NA` level of a variable that has no missing value (whatever the policy: the
    ///   target would have no respondent); ``MissingValueError/excludeNeedsSingleVariableMargin(variable:margin:)``
    ///   for `exclude` on a crossed margin; under `fail`, ``CalibrationError/missingValues(variable:count:firstSeen:)``
    ///   is thrown by the calibration itself.
    public init(table: Table, margins: Margins, policy: MissingValuePolicy) throws {
        var table = table
        var margins = margins
        var notes: [String] = []
        // Categorical calibration variables, in order of first use.
        var variables: [String] = []
        for m in margins.categorical { for v in m.variables where !variables.contains(v) { variables.append(v) } }
        var missingCounts: [String: Int] = [:]
        for v in variables where table.has(v) {
            missingCounts[v] = try table.categorical(v).missingCount
        }
        // A target for the NA level of a variable with no missing value is refused under every policy.
        for m in margins.categorical {
            for (position, v) in m.variables.enumerated() where (missingCounts[v] ?? 0) == 0 {
                if m.levels.contains(where: { $0[position] == Self.missingLevel }) {
                    throw MissingValueError.missingLevelWithoutMissingValues(variable: v, margin: m.name)
                }
            }
        }
        switch policy {
        case .fail:
            break
        case .level:
            for v in variables {
                guard let count = missingCounts[v], count > 0 else { continue }
                var c = try table.categorical(v)
                let code: UInt32
                if let existing = c.levels.firstIndex(of: Self.missingLevel) { code = UInt32(existing) } else {
                    c.levels.append(Self.missingLevel)
                    code = UInt32(c.levels.count - 1)
                }
                for i in c.codes.indices where c.codes[i] == CategoricalColumn.missing { c.codes[i] = code }
                table.setCategorical(v, c)
                notes.append("\(v): \(count) missing value(s) calibrated as the level \(Self.missingLevel)")
            }
        case .exclude:
            var kept: [CategoricalMargin] = []
            var added: [NumericTotal] = []
            for m in margins.categorical {
                let withMissing = m.variables.filter { (missingCounts[$0] ?? 0) > 0 }
                guard let v = withMissing.first else { kept.append(m); continue }
                guard m.variables.count == 1 else {
                    throw MissingValueError.excludeNeedsSingleVariableMargin(variable: v, margin: m.name)
                }
                let c = try table.categorical(v)
                let total = m.total
                let known = c.codes.map { $0 == CategoricalColumn.missing ? 0.0 : 1.0 }
                for (k, level) in m.levels.enumerated().dropLast() {
                    let share = m.targets[k] / total
                    let code = c.levels.firstIndex(of: level[0]).map(UInt32.init)
                    let values = c.codes.indices.map { i in (c.codes[i] == code ? 1.0 : 0.0) - known[i] * share }
                    let name = "\(m.name)=\(level[0]) (share among known)"
                    table.setNumeric(name, values)
                    added.append(NumericTotal(name, total: 0))
                }
                let count = missingCounts[v] ?? 0
                notes.append("\(v): \(count) record(s) with a missing value left out of this margin's constraints; its shares are met among the \(table.rowCount - count) others")
            }
            margins.categorical = kept
            margins.numeric = added + margins.numeric
        }
        self.table = table
        self.margins = margins
        self.notes = notes
    }
}

/// Problems with missing values of calibration variables.
public enum MissingValueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The margins give the `NA` level of a variable that has no missing value.
    case missingLevelWithoutMissingValues(variable: String, margin: String)
    /// `--missing exclude` applies to margins of one variable only.
    case excludeNeedsSingleVariableMargin(variable: String, margin: String)

    /// The policy that leaves records out of a margin, as the messages name it (a front end may name its option).
    public static let excludePolicy = "leaving records with a missing value out of the margin"
    /// The advice to treat missing as a level, as the messages name it.
    public static let levelPolicy = "treat missing as a level"

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .missingLevelWithoutMissingValues(let v, let m):
            return "the margins give a target for the missing level \(MissingCalibrationValues.missingLevel) of \(Echo.quoted(v)) (margin \(Echo.quoted(m))), but \(Echo.quoted(v)) has no missing value in the data; remove that row of the margins"
        case .excludeNeedsSingleVariableMargin(let v, let m):
            return "\(Self.excludePolicy): \(Echo.quoted(v)) has missing values and is part of the crossed margin \(Echo.quoted(m)); \(Self.levelPolicy) with an NA level in that margin, or a margin of \(Echo.quoted(v)) alone"
        }
    }
}
