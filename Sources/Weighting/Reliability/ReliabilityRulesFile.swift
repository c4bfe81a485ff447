import Foundation

/// A problem in a flags file (`--flags FILE`): the file, line and column, and what is expected there.
public enum ReliabilityRulesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first line is not `rule,threshold,action`.
    case badHeader(file: String, found: String)
    /// A line does not have three fields.
    case fieldCount(file: String, line: Int, count: Int)
    /// The rule's name is not one of ``ReliabilityRule/Measure``.
    case unknownRule(file: String, line: Int, column: Int, name: String)
    /// The threshold is not a finite number ≥ 0.
    case badThreshold(file: String, line: Int, column: Int, text: String)
    /// The action is neither `flag` nor `suppress`.
    case unknownAction(file: String, line: Int, column: Int, text: String)
    /// The file holds no rule (use `--flags none` to turn the flags off).
    case empty(file: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .badHeader(let f, let h):
            return "\(f):1:1: a flags file starts with the header 'rule,threshold,action', found \(Echo.quoted(h))"
        case .fieldCount(let f, let l, let c):
            return "\(f):\(l):1: expected 3 fields (rule,threshold,action), found \(c)"
        case .unknownRule(let f, let l, let c, let n):
            let known = ReliabilityRule.Measure.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(f):\(l):\(c): unknown rule \(Echo.quoted(n)); known rules: \(known)"
        case .badThreshold(let f, let l, let c, let t):
            return "\(f):\(l):\(c): the threshold must be a finite number ≥ 0, got \(Echo.quoted(t))"
        case .unknownAction(let f, let l, let c, let t):
            return "\(f):\(l):\(c): the action must be 'flag' or 'suppress', got \(Echo.quoted(t))"
        case .empty(let f):
            return "\(f): the flags file holds no rule (ask for no flags instead of an empty rule set)"
        }
    }
}

extension ReliabilityRuleSet {
    /// Reads the text of a flags file: a header `rule,threshold,action`, then one rule a line, e.g.
    ///
    /// ```csv
    /// rule,threshold,action
    /// min_effective_n,30,suppress
    /// max_cv,0.2,flag
    /// extreme_proportion,,flag
    /// ```
    ///
    /// Blank lines and lines starting with `#` are skipped; fields are trimmed of spaces. The threshold of
    /// `extreme_proportion` may be empty.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: its name, for messages.
    public init(flagsFile text: String, file: String) throws {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map(String.init)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = String(first.dropFirst()) }
        let header = lines.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        guard header == ["rule", "threshold", "action"] else { throw ReliabilityRulesError.badHeader(file: file, found: lines.first ?? "") }
        var rules: [ReliabilityRule] = []
        for (index, line) in lines.enumerated().dropFirst() {
            let lineNumber = index + 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let raw = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard raw.count == 3 else { throw ReliabilityRulesError.fieldCount(file: file, line: lineNumber, count: raw.count) }
            let fields = raw.map { $0.trimmingCharacters(in: .whitespaces) }
            let columns = [1, raw[0].count + 2, raw[0].count + raw[1].count + 3]
            guard let measure = ReliabilityRule.Measure(rawValue: fields[0]) else {
                throw ReliabilityRulesError.unknownRule(file: file, line: lineNumber, column: columns[0], name: fields[0])
            }
            let threshold: Double
            if measure == .extremeProportion && fields[1].isEmpty { threshold = 0 } else {
                guard let t = Double(fields[1]), t.isFinite, t >= 0 else {
                    throw ReliabilityRulesError.badThreshold(file: file, line: lineNumber, column: columns[1], text: fields[1])
                }
                threshold = t
            }
            guard let action = ReliabilityRule.Action(rawValue: fields[2]) else {
                throw ReliabilityRulesError.unknownAction(file: file, line: lineNumber, column: columns[2], text: fields[2])
            }
            rules.append(ReliabilityRule(measure, threshold, action))
        }
        guard !rules.isEmpty else { throw ReliabilityRulesError.empty(file: file) }
        self.init(name: file, rules: rules)
    }
}
