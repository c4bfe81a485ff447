import Foundation
import Weighting

extension GroupedMargins {
    /// Reads a margins file with a `group` column (header `group,variable,level,target`, any order).
    ///
    /// - Throws: ``MarginsError`` naming the file, line and column (missing column, bad number, negative
    ///   target, duplicate row within a group, ...).
    public static func read(_ path: String, groupVariable: String, dialect: CSVDialect = CSVDialect()) throws -> GroupedMargins {
        let buffer = try CSVBuffer(contentsOf: path, dialect: dialect)
        var columns: [Int] = []
        for name in ["group", "variable", "level", "target"] {
            guard let j = buffer.header.firstIndex(where: { $0.lowercased() == name }) else {
                throw MarginsError.missingHeaderColumn(file: buffer.file, column: name, header: buffer.header)
            }
            columns.append(j)
        }
        let target = try buffer.numeric(column: columns[3], decimalComma: dialect.decimalComma)
        var groups: [String] = []
        var categorical: [String: [CategoricalMargin]] = [:], numeric: [String: [NumericTotal]] = [:]
        var seen: [String: Int] = [:]
        for r in 0..<buffer.rowCount {
            let group = buffer.text(row: r, column: columns[0]).trimmingCharacters(in: .whitespaces)
            let variable = buffer.text(row: r, column: columns[1]).trimmingCharacters(in: .whitespaces)
            let level = buffer.text(row: r, column: columns[2]).trimmingCharacters(in: .whitespaces)
            let t = target.values[r]
            if group.isEmpty { throw GroupedMarginsError.emptyGroup(buffer.location(row: r, column: columns[0])) }
            if variable.isEmpty { throw MarginsError.emptyVariable(buffer.location(row: r, column: columns[1])) }
            if t.isNaN { throw DataError.notANumber(buffer.location(row: r, column: columns[3]), value: buffer.text(row: r, column: columns[3])) }
            if t < 0 { throw MarginsError.negativeTarget(buffer.location(row: r, column: columns[3]), value: t) }
            let key = "\(group)|\(variable)=\(level)"
            if let first = seen[key] {
                throw MarginsError.duplicateRow(SourceLocation(file: buffer.file, line: Int(buffer.lines[r])), firstLine: first, label: "\(variable)=\(level) in group \(group)")
            }
            seen[key] = Int(buffer.lines[r])
            if categorical[group] == nil { groups.append(group); categorical[group] = []; numeric[group] = [] }
            if level.isEmpty { numeric[group]!.append(NumericTotal(variable, total: t)); continue }
            let variables = variable.split(separator: "*", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let parts = level.split(separator: "*", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count != variables.count {
                throw MarginsError.levelArity(buffer.location(row: r, column: columns[2]), variable: variable, level: level, expected: variables.count)
            }
            let name = variables.joined(separator: "*")
            if let m = categorical[group]!.firstIndex(where: { $0.name == name }) {
                categorical[group]![m].levels.append(parts)
                categorical[group]![m].targets.append(t)
            } else {
                categorical[group]!.append(CategoricalMargin(checkedVariables: variables, levels: [parts], targets: [t]))
            }
        }
        if groups.isEmpty { throw MarginsError.empty(file: buffer.file) }
        var margins: [String: Margins] = [:]
        for g in groups { margins[g] = Margins(categorical: categorical[g]!, numeric: numeric[g]!) }
        return GroupedMargins(groupVariable: groupVariable, groups: groups, margins: margins, file: buffer.file)
    }
}
