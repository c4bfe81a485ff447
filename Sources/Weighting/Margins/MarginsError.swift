/// Problems with a margins file or with margins against the sample.
public enum MarginsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The header lacks a required column.
    case missingHeaderColumn(file: String, column: String, header: [String])
    /// A target is negative.
    case negativeTarget(SourceLocation, value: Double)
    /// A numeric total has an empty variable name, or a row names no variable.
    case emptyVariable(SourceLocation)
    /// A crossed margin's level does not have one part per variable.
    case levelArity(SourceLocation, variable: String, level: String, expected: Int)
    /// The same margin row appears twice.
    case duplicateRow(SourceLocation, firstLine: Int, label: String)
    /// Shares of a margin do not sum to 1.
    case sharesDoNotSumToOne(file: String, margin: String, sum: Double)
    /// Shares were given without a population size.
    case sharesNeedPopulation
    /// Margins imply different population sizes.
    case inconsistentTotals([MarginTotal])
    /// The margins file has no rows.
    case empty(file: String)
    /// A margin built in code is malformed (no variable, not one target per category, or a category without one
    /// level per variable).
    case malformedMargin(name: String, reason: String)

    /// The message shown to the user: what went wrong, where, and what to do about it.
    public var description: String {
        switch self {
        case .missingHeaderColumn(let f, let c, let h):
            return "\(f): the header must have columns variable,level,target; \(Echo.quoted(c)) is missing (found: \(Echo.list(h)))"
        case .negativeTarget(let loc, let v): return "\(loc): target \(Table.format(v)) is negative"
        case .emptyVariable(let loc): return "\(loc): the variable name is empty"
        case .levelArity(let loc, let v, let l, let e):
            return "\(loc): margin \(Echo.quoted(v)) crosses \(e) variables, so its level must have \(e) parts joined by '*'; got \(Echo.quoted(l))"
        case .duplicateRow(let loc, let first, let label):
            return "\(loc): margin row \(Echo.text(label)) already given on line \(first)"
        case .sharesDoNotSumToOne(let f, let m, let s):
            return "\(f): the shares of margin \(Echo.quoted(m)) sum to \(s), not 1"
        case .sharesNeedPopulation: return "targets given as shares need a population size"
        case .inconsistentTotals(let totals):
            let list = totals.prefix(10).map { "\(Echo.text($0.margin)): \(Table.format($0.total))" }.joined(separator: "; ")
                + (totals.count > 10 ? "; … and \(totals.count - 10) more" : "")
            return "the margins imply different population sizes (\(list)); every categorical margin must sum to the same total"
        case .empty(let f): return "\(f): the margins file has no rows"
        case .malformedMargin(let n, let r): return "margin \(Echo.quoted(n)) is malformed: \(r)"
        }
    }
}
