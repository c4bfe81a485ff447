import Foundation

/// Margins given separately for each group of respondents (wave, type of collectivité, country, ...), read
/// from a margins file with a `group` column: `group,variable,level,target`.
///
/// Calibrating each group to its own margins is one calibration to the margins crossed with the group
/// (``crossed(for:relativeTolerance:)``): the constraints of different groups share no record, and the distances of
/// Deville & Särndal (1992) are sums over records, so the joint solution is the per-group solutions side by side.
/// Running it as one calibration keeps one design for the variance (linearization residualizes on the crossed
/// auxiliaries; replicates are re-calibrated group by group at once) and one weight column for `estimate` and
/// `compare`.
public struct GroupedMargins: Sendable, Equatable {
    /// The data column holding each respondent's group.
    public var groupVariable: String
    /// The groups, in the order of their first row in the file.
    public var groups: [String]
    /// Each group's margins.
    public var margins: [String: Margins]
    /// The file read (for messages).
    public var file: String

    /// Creates grouped margins.
    public init(groupVariable: String, groups: [String], margins: [String: Margins], file: String = "margins") {
        self.groupVariable = groupVariable
        self.groups = groups
        self.margins = margins
        self.file = file
    }

    /// Name of the derived column holding numeric auxiliary `variable` within `group` (0 elsewhere).
    public func derivedColumn(_ variable: String, group: String) -> String { "\(variable)[\(groupVariable)=\(group)]" }

    /// The equivalent single set of margins: each categorical margin crossed with the group variable, each
    /// numeric total `v` of group `g` a total of the derived column `v·1{group = g}`, which is added to `table`.
    ///
    /// - Throws: ``GroupedMarginsError`` when a group of the data has no margins, a group of the file has no
    ///   respondent, groups do not use the same margin variables, or a group's margins imply different totals.
    public func crossed(for table: inout Table, relativeTolerance: Double = 1e-6) throws -> Margins {
        let column = try table.categorical(groupVariable)
        var counts = [Int](repeating: 0, count: column.levels.count)
        for c in column.codes where c != CategoricalColumn.missing { counts[Int(c)] += 1 }
        if let first = column.codes.firstIndex(of: CategoricalColumn.missing) {
            throw GroupedMarginsError.missingGroup(variable: groupVariable, row: first + 2, file: table.source)
        }
        for (k, level) in column.levels.enumerated() where counts[k] > 0 && margins[level] == nil {
            throw GroupedMarginsError.groupWithoutMargins(group: level, variable: groupVariable, respondents: counts[k], file: file, groups: groups)
        }
        let present = Set(column.levels.indices.filter { counts[$0] > 0 }.map { column.levels[$0] })
        for g in groups where !present.contains(g) {
            throw GroupedMarginsError.groupAbsentFromData(group: g, variable: groupVariable, file: file, data: table.source)
        }
        let first = margins[groups[0]]!
        let names = first.categorical.map(\.name), numericNames = first.numeric.map(\.variable)
        for g in groups.dropFirst() {
            let m = margins[g]!
            if Set(m.categorical.map(\.name)) != Set(names) || Set(m.numeric.map(\.variable)) != Set(numericNames) {
                throw GroupedMarginsError.differentVariables(group: g, variables: m.categorical.map(\.name) + m.numeric.map(\.variable),
                                                             first: groups[0], firstVariables: names + numericNames)
            }
        }
        for g in groups {
            let totals = margins[g]!.categorical.map(\.total)
            if let lo = totals.min(), let hi = totals.max(), hi - lo > relativeTolerance * max(1, hi) {
                throw GroupedMarginsError.inconsistentTotals(group: g, totals: zip(margins[g]!.categorical.map(\.name), totals).map { ($0, $1) })
            }
        }
        var categorical: [CategoricalMargin] = []
        for name in names {
            var crossed = CategoricalMargin(checkedVariables: [], levels: [], targets: [])
            for g in groups {
                let m = margins[g]!.categorical.first { $0.name == name }!
                crossed.variables = [groupVariable] + m.variables
                crossed.levels += m.levels.map { [g] + $0 }
                crossed.targets += m.targets
            }
            categorical.append(crossed)
        }
        var numeric: [NumericTotal] = []
        let inGroup = column.codes.map { $0 == CategoricalColumn.missing ? "" : column.levels[Int($0)] }
        for v in numericNames {
            let values = try table.numeric(v).values
            for g in groups {
                let total = margins[g]!.numeric.first { $0.variable == v }!.total
                let name = derivedColumn(v, group: g)
                table.setNumeric(name, zip(values, inGroup).map { $1 == g ? $0 : 0 })
                numeric.append(NumericTotal(name, total: total))
            }
        }
        return Margins(categorical: categorical, numeric: numeric)
    }

    /// Per-group diagnostics of calibrated weights `w` (base weights `d`): respondents, Kish effective n and
    /// design effect, range of `w/d`; in the order of ``groups``.
    public func summaries(table: Table, weights w: [Double], baseWeights d: [Double]) throws -> [GroupSummary] {
        let column = try table.categorical(groupVariable)
        return groups.map { g in
            let code = column.levels.firstIndex(of: g).map(UInt32.init)
            let rows = column.codes.indices.filter { column.codes[$0] == code }
            let wg = rows.map { w[$0] }
            let ratios = rows.compactMap { d[$0] > 0 ? w[$0] / d[$0] : nil }
            return GroupSummary(group: g, respondents: rows.count, weightSum: wg.reduce(0, +), kish: KishDiagnostics(weights: wg),
                                ratioRange: (ratios.min() ?? .nan)...(ratios.max() ?? .nan))
        }
    }
}

/// The calibration of one group, as reported.
public struct GroupSummary: Sendable {
    /// The group.
    public var group: String
    /// Its respondents.
    public var respondents: Int
    /// The sum of its calibrated weights.
    public var weightSum: Double
    /// Kish's design effect and effective sample size of its weights.
    public var kish: KishDiagnostics
    /// The smallest and largest `w/d`.
    public var ratioRange: ClosedRange<Double>

    /// `group A: 320 respondents, weights sum to 12000, effective n 250.1 (deff 1.28), w/d in [0.52, 2.1]`.
    public var line: String {
        "group \(group): \(respondents) respondents, weights sum to \(String(format: "%.1f", weightSum)), effective n \(String(format: "%.1f", kish.effectiveSampleSize)) (Kish deff \(String(format: "%.3f", kish.designEffect))), w/d in [\(String(format: "%.4g", ratioRange.lowerBound)), \(String(format: "%.4g", ratioRange.upperBound))]"
    }
}

/// Problems of grouped margins.
public enum GroupedMarginsError: Error, Sendable, CustomStringConvertible {
    case emptyGroup(SourceLocation)
    case missingGroup(variable: String, row: Int, file: String)
    case groupWithoutMargins(group: String, variable: String, respondents: Int, file: String, groups: [String])
    case groupAbsentFromData(group: String, variable: String, file: String, data: String)
    case differentVariables(group: String, variables: [String], first: String, firstVariables: [String])
    case inconsistentTotals(group: String, totals: [(String, Double)])

    public var description: String {
        switch self {
        case .emptyGroup(let loc): return "\(loc): the group is empty; every row of a grouped margins file names its group"
        case .missingGroup(let v, let row, let file):
            return "\(file):\(row): the group variable \(Echo.quoted(v)) is missing; every respondent needs a group to be calibrated within it"
        case .groupWithoutMargins(let g, let v, let n, let file, let groups):
            return "\(v) = \(Echo.quoted(g)) (\(n) respondents) has no margins in \(file), whose groups are \(groups.map { Echo.quoted($0) }.joined(separator: ", ")); add its rows or drop its respondents"
        case .groupAbsentFromData(let g, let v, let file, let data):
            return "\(file) gives margins for \(v) = \(Echo.quoted(g)), which no respondent of \(data) has; check the spelling of the group or remove its rows"
        case .differentVariables(let g, let vars, let first, let firstVars):
            return "group \(Echo.quoted(g)) has margins for \(vars.joined(separator: ", ")) but group \(Echo.quoted(first)) for \(firstVars.joined(separator: ", ")); every group needs the same margin variables"
        case .inconsistentTotals(let g, let totals):
            return "the margins of group \(Echo.quoted(g)) imply different population sizes: " + totals.map { "\($0.0) sums to \(Table.format($0.1))" }.joined(separator: ", ")
        }
    }
}
