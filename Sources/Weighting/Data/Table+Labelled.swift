extension Table {
    /// A table of columns already held: read from a statistical package's file, or a subset's (no text source of
    /// its own; numbers with a decimal point unless the caller sets ``decimalComma``).
    package init(statColumns names: [String], storage: [Storage], rowCount: Int, source: String) {
        self.names = names
        self.storage = storage
        self.rowCount = rowCount
        self.source = source
        self.textSource = nil
        self.decimalComma = false
    }

    /// The levels of a labelled column: each value's label, or its code as text when it has none, in order of
    /// first appearance (as a text column's levels).
    package static func labelledLevels(_ column: NumericColumn, _ labels: [Double: String]) -> CategoricalColumn {
        var index: [UInt64: UInt32] = [:]
        var levels: [String] = []
        var levelIndex: [String: UInt32] = [:]
        var codes = [UInt32](repeating: CategoricalColumn.missing, count: column.count)
        for (i, x) in column.values.enumerated() where !x.isNaN {
            let key = (x == 0 ? 0.0 : x).bitPattern
            if let c = index[key] { codes[i] = c; continue }
            let level = labels[x] ?? Table.format(x)
            let c: UInt32
            if let existing = levelIndex[level] { c = existing } else {  // two codes with one label are one level
                c = UInt32(levels.count)
                levels.append(level)
                levelIndex[level] = c
            }
            index[key] = c
            codes[i] = c
        }
        return CategoricalColumn(codes: codes, levels: levels)
    }
}
