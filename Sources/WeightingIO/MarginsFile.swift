import Weighting
/// How the targets of a margins file are expressed.
public enum TargetScale: Sendable, Equatable {
    /// Population counts (and numeric population totals).
    case counts
    /// Shares of the population (each categorical margin sums to 1; a numeric row gives a population mean),
    /// turned into counts by multiplying by the population size.
    case shares(population: Double)
}

/// Reads margins files in long format: header `variable,level,target`.
///
/// - One row per category of a categorical variable: `region,Occitanie,4446`.
/// - A cross-classified margin joins variables and levels with `*`: `region*taille,Occitanie*500-999,663`.
/// - A numeric total leaves the level empty: `population,,68350798`.
///
/// Rows of one margin may appear in any order; margins keep the order of their first row.
public enum MarginsFile {
    /// Reads and checks a margins file.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - scale: counts (default) or shares with a population size.
    ///   - dialect: delimiter and decimal mark.
    ///   - shareTolerance: how far from 1 the shares of a margin may sum.
    /// - Throws: ``MarginsError`` or ``DataError`` naming the file, line and column.
    public static func read(_ path: String, scale: TargetScale = .counts, dialect: CSVDialect = CSVDialect(),
                            shareTolerance: Double = 1e-6) throws -> Margins {
        let buffer = try CSVBuffer(contentsOf: path, dialect: dialect)
        return try parse(buffer, scale: scale, decimalComma: dialect.decimalComma, shareTolerance: shareTolerance)
    }

    /// Parses an already split margins file.
    public static func parse(_ buffer: CSVBuffer, scale: TargetScale = .counts, decimalComma: Bool = false,
                             shareTolerance: Double = 1e-6) throws -> Margins {
        var columns: [Int] = []
        for name in ["variable", "level", "target"] {
            guard let j = buffer.header.firstIndex(where: { $0.lowercased() == name }) else {
                throw MarginsError.missingHeaderColumn(file: buffer.file, column: name, header: buffer.header)
            }
            columns.append(j)
        }
        let targetColumn = try buffer.numeric(column: columns[2], decimalComma: decimalComma)
        var categorical: [CategoricalMargin] = []
        var marginIndex: [String: Int] = [:]
        var numeric: [NumericTotal] = []
        var seenRows: [MarginRowKey: Int] = [:]
        for r in 0..<buffer.rowCount {
            let line = Int(buffer.lines[r])
            let variable = buffer.text(row: r, column: columns[0]).trimmingSpaces()
            let level = buffer.text(row: r, column: columns[1]).trimmingSpaces()
            let target = targetColumn.values[r]
            if variable.isEmpty { throw MarginsError.emptyVariable(buffer.location(row: r, column: columns[0])) }
            if target.isNaN {
                throw DataError.notANumber(buffer.location(row: r, column: columns[2]), value: buffer.text(row: r, column: columns[2]))
            }
            if target < 0 { throw MarginsError.negativeTarget(buffer.location(row: r, column: columns[2]), value: target) }
            let key = MarginRowKey(variable: variable, level: level)
            if let first = seenRows.updateValue(line, forKey: key) {
                throw MarginsError.duplicateRow(SourceLocation(file: buffer.file, line: line), firstLine: first, label: "\(variable)=\(level)")
            }
            if level.isEmpty {
                numeric.append(NumericTotal(variable, total: target))
                continue
            }
            // One variable (no '*' in either field) needs no splitting: the common case, and every row of a margin
            // with many levels.
            let star = UInt8(ascii: "*")
            let single = !variable.utf8.contains(star) && !level.utf8.contains(star)
            let variables = single ? [variable] : variable.split(separator: "*", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
            let parts = single ? [level] : level.split(separator: "*", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
            if variables.contains(where: \.isEmpty) { throw MarginsError.emptyVariable(buffer.location(row: r, column: columns[0])) }
            if parts.count != variables.count {
                throw MarginsError.levelArity(buffer.location(row: r, column: columns[1]), variable: variable,
                                              level: level, expected: variables.count)
            }
            let name = single ? variable : variables.joined(separator: "*")
            if let m = marginIndex[name] {
                categorical[m].levels.append(parts)
                categorical[m].targets.append(target)
            } else {
                marginIndex[name] = categorical.count
                categorical.append(CategoricalMargin(checkedVariables: variables, levels: [parts], targets: [target]))
            }
        }
        if categorical.isEmpty && numeric.isEmpty { throw MarginsError.empty(file: buffer.file) }
        if case .shares(let population) = scale {
            for k in categorical.indices {
                let sum = categorical[k].total
                if abs(sum - 1) > shareTolerance {
                    throw MarginsError.sharesDoNotSumToOne(file: buffer.file, margin: categorical[k].name, sum: sum)
                }
                categorical[k].targets = categorical[k].targets.map { $0 * population }
            }
            for k in numeric.indices { numeric[k].total *= population }
        }
        return Margins(categorical: categorical, numeric: numeric)
    }
}

/// A row of a margins file, for finding repeated rows (a variable and a level, compared as written).
struct MarginRowKey: Hashable {
    let variable: String
    let level: String
}
