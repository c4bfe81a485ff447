import Weighting
/// Reads the optional `cost` column of a margins file: the per-constraint costs of penalized calibration
/// (``ConstraintCosts``), keyed by the constraint's label (`variable=level`, or the variable for a numeric total).
///
/// An empty cell leaves the row's target hard (met exactly); `inf` makes it explicit; 0 drops it.
public enum MarginCostsFile {
    /// The costs in the margins file's `cost` column, or `nil` when it has none.
    ///
    /// - Throws: ``MarginCostsError`` naming the file, line and column of a cost that is not a number ≥ 0.
    public static func read(_ path: String, dialect: CSVDialect = CSVDialect()) throws -> ConstraintCosts? {
        let buffer = try CSVBuffer(contentsOf: path, dialect: dialect)
        guard let column = buffer.header.firstIndex(where: { $0.lowercased() == "cost" }),
              let variable = buffer.header.firstIndex(where: { $0.lowercased() == "variable" }),
              let level = buffer.header.firstIndex(where: { $0.lowercased() == "level" }) else { return nil }
        var out: [String: Double] = [:]
        for r in 0..<buffer.rowCount {
            let text = buffer.text(row: r, column: column).trimmingSpaces()
            if text.isEmpty { continue }
            // Read here rather than as a numeric column, which refuses "inf".
            let c = Double(dialect.decimalComma ? text.replacingOccurrences(of: ",", with: ".") : text) ?? .nan
            guard !c.isNaN, c >= 0 else { throw MarginCostsError.invalidCost(buffer.location(row: r, column: column), value: text) }
            let v = buffer.text(row: r, column: variable).trimmingSpaces(), l = buffer.text(row: r, column: level).trimmingSpaces()
            let parts = l.split(separator: "*", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
            let name = v.split(separator: "*", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }.joined(separator: "*")
            out[l.isEmpty ? name : "\(name)=\(parts.joined(separator: "*"))"] = c
        }
        return out.isEmpty ? nil : ConstraintCosts(out)
    }
}

/// A bad cost in a margins file.
public enum MarginCostsError: Error, Sendable, CustomStringConvertible {
    /// Not a number ≥ 0.
    case invalidCost(SourceLocation, value: String)

    public var description: String {
        switch self {
        case .invalidCost(let loc, let v):
            return "\(loc): the cost \(Echo.quoted(v)) is not a number ≥ 0 (0 drops the margin level, a larger cost meets it more closely, inf or an empty cell meets it exactly)"
        }
    }
}
