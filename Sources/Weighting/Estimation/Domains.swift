/// The domains (subpopulations) of a `--by` specification: every combination of levels present in the sample.
public struct Domains: Sendable {
    /// Label of each domain, e.g. `region=Occitanie & taille=500-999`.
    public let labels: [String]
    /// Domain index of each record.
    public let recordDomain: [Int32]

    /// The whole population as a single unlabeled domain.
    public static func whole(count: Int) -> Domains { Domains(labels: [""], recordDomain: [Int32](repeating: 0, count: count)) }

    init(labels: [String], recordDomain: [Int32]) {
        self.labels = labels
        self.recordDomain = recordDomain
    }

    /// Domains crossing the given categorical variables, sorted by level text (as R's `svyby`).
    ///
    /// - Throws: if a variable is unknown or has missing values (a domain must be known for every record).
    public init(table: Table, by variables: [String]) throws {
        let n = table.rowCount
        guard !variables.isEmpty else { self = .whole(count: n); return }
        let columns = try variables.map { try table.categorical($0) }
        for (v, c) in zip(variables, columns) {
            if let i = c.codes.firstIndex(of: CategoricalColumn.missing) {
                throw DesignError.missingDesignValue(variable: v, firstSeen: table.location(row: i, column: try table.index(of: v)))
            }
        }
        var keys: [[UInt32]: Int32] = [:]
        var raw = [Int32](repeating: 0, count: n)
        var order: [[UInt32]] = []
        for i in 0..<n {
            let key = columns.map { $0.codes[i] }
            if let k = keys[key] { raw[i] = k } else { let k = Int32(order.count); keys[key] = k; order.append(key); raw[i] = k }
        }
        func text(_ key: [UInt32]) -> [String] { zip(columns, key).map { $0.0.levels[Int($0.1)] } }
        let sorted = order.indices.sorted { a, b in
            let ta = text(order[a]), tb = text(order[b])
            for (x, y) in zip(ta, tb) where x != y { return x < y }
            return false
        }
        var remap = [Int32](repeating: 0, count: order.count)
        for (newIndex, old) in sorted.enumerated() { remap[old] = Int32(newIndex) }
        labels = sorted.map { old in zip(variables, text(order[old])).map { "\($0.0)=\($0.1)" }.joined(separator: " & ") }
        recordDomain = raw.map { remap[Int($0)] }
    }

    /// Membership mask of domain `k`.
    public func mask(_ k: Int) -> [Bool] { recordDomain.map { Int($0) == k } }

    /// The records of every domain, in increasing order, in one pass over the records.
    public func rows() -> [[Int]] {
        var out = [[Int]](repeating: [], count: labels.count)
        for (i, k) in recordDomain.enumerated() { out[Int(k)].append(i) }
        return out
    }

    /// Membership masks of every domain, in one pass over the records.
    public func masks() -> [[Bool]] {
        var out = [[Bool]](repeating: [Bool](repeating: false, count: recordDomain.count), count: labels.count)
        for (i, k) in recordDomain.enumerated() { out[Int(k)][i] = true }
        return out
    }
}
