/// One calibration equation: a margin level (`Σ_{i∈level} w_i = N_level`) or a numeric total (`Σ w_i x_i = X`).
public struct CalibrationConstraint: Sendable, Equatable {
    /// `margin=level` for a category, the variable name for a numeric total.
    public var label: String
    /// The margin name (variables joined by `*`) or the numeric variable.
    public var margin: String
    /// The level (parts joined by `*`), `nil` for a numeric total.
    public var level: String?
    /// The population target.
    public var target: Double
}

/// The calibration problem in aggregated form: records grouped into the cells of the categorical margins, with
/// the numeric auxiliaries kept per record.
///
/// With categorical margins only, a cell is a combination of margin levels present in the sample, and the
/// calibration factor `g = w/d` is the same for every record of a cell, so iterations run on cells, never on
/// records: the cells are the *units* `g` is computed for. With numeric totals (or when trimming needs
/// record-level control) `g` differs between records of a cell and the units are the records; the auxiliary
/// matrix stays in split form `x_i = (z_{c(i)}, v_i)` (``SplitAuxiliaries``), so every product over the
/// records reduces to sums per cell plus the `q` numeric columns.
struct AuxiliaryDesign: Sendable {
    /// Every constraint, margins in order then numeric totals.
    var constraints: [CalibrationConstraint]
    /// Categorical cell of each record.
    var recordCell: [Int32]
    /// Number of records in each categorical cell.
    var cellRespondents: [Int]
    /// The auxiliary matrix over the units (cells, or records with numeric totals or trimming), in split form:
    /// 0/1 indicators per categorical cell and numeric values per unit.
    var auxiliaries: SplitAuxiliaries
    /// Sum of base weights `s_u = Σ_{i∈u} d_i` of each unit (`d_i` itself when the units are records).
    var unitWeight: [Double]
    /// For each categorical margin, the level index of each cell.
    var cellLevel: [[Int32]]
    /// For each categorical margin, the constraint index of each of its levels (-1 when dropped).
    var marginColumns: [[Int]]
    /// Base weights of the records.
    var baseWeights: [Double]

    /// Number of categorical cells.
    var cellCount: Int { cellRespondents.count }
    /// Number of units `g` is computed for: the cells, or the records when `perRecord`.
    var unitCount: Int { auxiliaries.unitCount }
    /// Whether each record is its own unit (numeric totals or trimming).
    var perRecord: Bool { auxiliaries.unitCell != nil }
    /// The population targets, in constraint order.
    var targets: [Double] { constraints.map(\.target) }

    /// The unit of record `i`: the record itself, or its categorical cell.
    @inline(__always)
    func unit(ofRecord i: Int) -> Int { perRecord ? i : Int(recordCell[i]) }

    /// Sums `Σ_{i∈u} y_i` of per-record values over each unit.
    func unitSums(_ y: [Double]) -> [Double] {
        precondition(y.count == recordCell.count)
        if perRecord { return y }
        var s = [Double](repeating: 0, count: unitCount)
        for i in 0..<y.count { s[Int(recordCell[i])] += y[i] }
        return s
    }

    /// Weighted totals `Σ_u s_u x_u` of the constraints for unit totals `s` (e.g. Σd, or Σw).
    func totals(unitSums s: [Double]) -> [Double] {
        auxiliaries.totals(weights: s)
    }

    /// The same design with other base weights (a replicate's): only the unit sums of `d` change.
    func rebased(on d: [Double]) -> AuxiliaryDesign {
        var design = self
        design.unitWeight = unitSums(d)
        design.baseWeights = d
        return design
    }
}

extension AuxiliaryDesign {
    /// Checks base weights: every one must be a finite number > 0.
    static func checkBaseWeights(_ d: [Double], table: Table, column: String?, allowZero: Bool = false) throws {
        for (i, v) in d.enumerated() where !(v > 0 || (allowZero && v == 0)) || !v.isFinite {
            let col = column.flatMap { table.names.firstIndex(of: $0) }
            let loc = col.map { table.location(row: i, column: $0) } ?? SourceLocation(file: table.source, line: i + 2)
            throw CalibrationError.invalidBaseWeight(loc, value: v.isNaN ? "missing" : Table.format(v))
        }
    }

    /// Maps each record to the index of its level in `margin`, collecting levels the margin does not list.
    static func recordLevels(table: Table, margin: CategoricalMargin) throws -> (levels: [Int32], unknown: [UnknownLevel]) {
        let n = table.rowCount
        var columns: [CategoricalColumn] = []
        for v in margin.variables {
            let c = try table.categorical(v)
            if let first = c.codes.firstIndex(of: CategoricalColumn.missing) {
                let j = try table.index(of: v)
                throw CalibrationError.missingValues(variable: v, count: c.missingCount, firstSeen: table.location(row: first, column: j))
            }
            columns.append(c)
        }
        var marginIndex: [[String]: Int32] = [:]
        for (k, l) in margin.levels.enumerated() { marginIndex[l] = Int32(k) }
        // Mixed-radix key over the data codes; each distinct combination is looked up once.
        var radix: [UInt64] = []
        var product: UInt64 = 1
        var overflow = false
        for c in columns {
            radix.append(product)
            let (p, o) = product.multipliedReportingOverflow(by: UInt64(max(1, c.levels.count)))
            product = p
            overflow = overflow || o
        }
        var out = [Int32](repeating: -1, count: n)
        var unknownCounts: [[String]: (Int, Int)] = [:]  // level -> (count, first row)
        var unknownOrder: [[String]] = []
        func resolve(_ i: Int) -> Int32 {
            let parts = columns.map { $0.levels[Int($0.codes[i])] }
            if let k = marginIndex[parts] { return k }
            return -1
        }
        if columns.count == 1 {
            // One variable: each data level is looked up once by its text, then one array read per record.
            var byText: [String: Int32] = [:]
            byText.reserveCapacity(margin.levels.count)
            for (k, l) in margin.levels.enumerated() { byText[l[0]] = Int32(k) }
            let map = columns[0].levels.map { byText[$0] ?? -1 }
            columns[0].codes.withUnsafeBufferPointer { codes in
                map.withUnsafeBufferPointer { map in
                    out.withUnsafeMutableBufferPointer { out in
                        for i in 0..<n { out[i] = map[Int(codes[i])] }
                    }
                }
            }
        } else if !overflow && product <= 1 << 22 {
            var lookup = [Int32](repeating: -2, count: Int(product))
            for i in 0..<n {
                var key = 0
                for (m, c) in columns.enumerated() { key += Int(c.codes[i]) * Int(radix[m]) }
                var k = lookup[key]
                if k == -2 { k = resolve(i); lookup[key] = k }
                out[i] = k
            }
        } else {
            var lookup: [[UInt32]: Int32] = [:]
            for i in 0..<n {
                let key = columns.map { $0.codes[i] }
                if let k = lookup[key] { out[i] = k } else { let k = resolve(i); lookup[key] = k; out[i] = k }
            }
        }
        for i in 0..<n where out[i] < 0 {
            let parts = columns.map { $0.levels[Int($0.codes[i])] }
            if let (c, f) = unknownCounts[parts] { unknownCounts[parts] = (c + 1, f) } else {
                unknownCounts[parts] = (1, i)
                unknownOrder.append(parts)
            }
        }
        let unknown = try unknownOrder.map { parts -> UnknownLevel in
            let (count, first) = unknownCounts[parts]!
            let j = try table.index(of: margin.variables[0])
            return UnknownLevel(margin: margin.name, level: parts.joined(separator: "*"), count: count,
                                firstSeen: table.location(row: first, column: j))
        }
        return (out, unknown)
    }

    /// Builds the aggregated problem.
    ///
    /// - Parameters:
    ///   - perRecord: one unit per record (needed with trimming; implied by numeric totals). The categorical
    ///     cells are built either way; only the unit `g` is computed for changes.
    ///   - method: used in messages about empty levels.
    static func build(table: Table, margins: Margins, baseWeights d: [Double], perRecord forcePerRecord: Bool,
                      method: String) throws -> AuxiliaryDesign {
        let n = table.rowCount
        precondition(d.count == n)
        // Record levels for every categorical margin; collect all unknown levels before failing.
        var recordLevel: [[Int32]] = []
        var unknown: [UnknownLevel] = []
        for m in margins.categorical {
            let (levels, u) = try recordLevels(table: table, margin: m)
            recordLevel.append(levels)
            unknown += u
        }
        if !unknown.isEmpty { throw CalibrationError.levelsNotInMargins(unknown) }

        // Respondents per margin level; empty levels and zero targets.
        var constraints: [CalibrationConstraint] = []
        var marginColumns: [[Int]] = []
        var empty: [EmptyLevel] = []
        for (mi, m) in margins.categorical.enumerated() {
            var counts = [Int](repeating: 0, count: m.levels.count)
            for k in recordLevel[mi] { counts[Int(k)] += 1 }
            var cols: [Int] = []
            for k in 0..<m.levels.count {
                if counts[k] == 0 {
                    if m.targets[k] > 0 { empty.append(EmptyLevel(label: m.label(k), target: m.targets[k])) }
                    cols.append(-1)
                    continue
                }
                if m.targets[k] == 0 { throw CalibrationError.zeroTargetWithRespondents(label: m.label(k), count: counts[k]) }
                cols.append(constraints.count)
                constraints.append(CalibrationConstraint(label: m.label(k), margin: m.name,
                                                         level: m.levels[k].joined(separator: "*"), target: m.targets[k]))
            }
            marginColumns.append(cols)
        }
        if !empty.isEmpty { throw CalibrationError.emptyMarginLevels(empty, method: method) }

        var numericValues: [[Double]] = []
        for t in margins.numeric {
            let col = try table.numeric(t.variable)
            if let first = col.values.firstIndex(where: { $0.isNaN }) {
                let j = try table.index(of: t.variable)
                throw CalibrationError.missingValues(variable: t.variable, count: col.missingCount,
                                                     firstSeen: table.location(row: first, column: j))
            }
            numericValues.append(col.values)
            constraints.append(CalibrationConstraint(label: t.variable, margin: t.variable, level: nil, target: t.total))
        }
        let p = constraints.count
        let perRecord = forcePerRecord || !margins.numeric.isEmpty

        // Categorical cells: the distinct combinations of margin levels, numbered in order of first record.
        var recordCell = [Int32](repeating: 0, count: n)
        var cellRecord: [Int] = []  // a representative record of each cell
        var knownCellLevels: [[Int32]]? = nil  // each margin's level of each cell, when found on the way
        var knownCellSums: (weight: [Double], respondents: [Int])? = nil  // Σ d and records per cell, likewise
        var radix: [Int] = []
        var product = 1
        var small = true
        for m in margins.categorical {
            radix.append(product)
            let (pr, o) = product.multipliedReportingOverflow(by: max(1, m.levels.count))
            if o || pr > 1 << 24 { small = false }
            product = o ? Int.max : pr
        }
        // With a margin of many levels, cells are numbered by that margin's level, then by first record within
        // a level: the sweeps then read and write its level totals in sequence instead of at random in an array
        // too large for the cache, and no table of every combination is allocated.
        let big = recordLevel.indices.max(by: { margins.categorical[$0].levels.count < margins.categorical[$1].levels.count })
        if let big, margins.categorical[big].levels.count >= AuxiliaryDesign.cellOrderThreshold,
           case let others = product / max(1, margins.categorical[big].levels.count), others <= 1 << 20 {
            let levelCount = margins.categorical[big].levels.count
            let byLevel = recordLevel[big]
            var start = [Int](repeating: 0, count: levelCount + 1)
            for i in 0..<n { start[Int(byLevel[i]) + 1] += 1 }
            for k in 0..<levelCount { start[k + 1] += start[k] }
            var otherRadix: [Int] = [], r = 1
            for mi in recordLevel.indices { otherRadix.append(mi == big ? 0 : r); if mi != big { r *= max(1, margins.categorical[mi].levels.count) } }
            // The records grouped by level (a stable counting sort), each with the key of its other margins' levels,
            // both read in record order so that the loop below reads them in sequence. Loops run over buffer
            // pointers: with 1M records spread over 100,000 levels, the accesses are scattered.
            var order = [UInt64](repeating: 0, count: n)  // record << 32 | key, one write per record
            var next = start
            var keys = [Int](repeating: 0, count: n)
            keys.withUnsafeMutableBufferPointer { keys in
                for mi in 0..<recordLevel.count where mi != big {
                    let radix = otherRadix[mi]
                    recordLevel[mi].withUnsafeBufferPointer { lv in
                        for i in 0..<n { keys[i] &+= Int(lv[i]) &* radix }
                    }
                }
            }
            order.withUnsafeMutableBufferPointer { order in
                next.withUnsafeMutableBufferPointer { next in
                    byLevel.withUnsafeBufferPointer { byLevel in
                        keys.withUnsafeBufferPointer { keys in
                            for i in 0..<n {
                                let k = Int(byLevel[i])
                                order[next[k]] = UInt64(i) << 32 | UInt64(keys[i])
                                next[k] &+= 1
                            }
                        }
                    }
                }
            }
            var weightOfCells: [Double] = [], respondentsOfCells: [Int] = []
            var lookup = [Int32](repeating: -1, count: max(1, others))
            var touched: [Int] = []
            var cellLevelsFlat: [Int32] = []  // margin mi's level of cell c at c × margins + mi
            let marginCount = recordLevel.count
            let levelCounts = margins.categorical.map { max(1, $0.levels.count) }
            weightOfCells.reserveCapacity(min(n, 1 << 20)); respondentsOfCells.reserveCapacity(min(n, 1 << 20))
            recordCell.withUnsafeMutableBufferPointer { recordCell in
                d.withUnsafeBufferPointer { d in
                    order.withUnsafeBufferPointer { order in
                        lookup.withUnsafeMutableBufferPointer { lookup in
                            for k in 0..<levelCount {
                                for idx in start[k]..<start[k + 1] {
                                    let i = Int(order[idx] >> 32), key = Int(order[idx] & 0xFFFF_FFFF)
                                    var c = lookup[key]
                                    if c < 0 {
                                        c = Int32(cellRecord.count); lookup[key] = c; cellRecord.append(i); touched.append(key)
                                        weightOfCells.append(0); respondentsOfCells.append(0)
                                        for mi in 0..<marginCount {
                                            cellLevelsFlat.append(mi == big ? Int32(k) : Int32((key / otherRadix[mi]) % levelCounts[mi]))
                                        }
                                    }
                                    recordCell[i] = c
                                    weightOfCells[Int(c)] += d[i]
                                    respondentsOfCells[Int(c)] += 1
                                }
                                for key in touched { lookup[key] = -1 }
                                touched.removeAll(keepingCapacity: true)
                            }
                        }
                    }
                }
            }
            let cellTotal = cellRecord.count
            knownCellSums = (weightOfCells, respondentsOfCells)
            knownCellLevels = (0..<marginCount).map { mi in (0..<cellTotal).map { cellLevelsFlat[$0 * marginCount + mi] } }
        } else if small {
            var lookup = [Int32](repeating: -1, count: max(1, product))
            for i in 0..<n {
                var key = 0
                for mi in 0..<recordLevel.count { key += Int(recordLevel[mi][i]) * radix[mi] }
                var c = lookup[key]
                if c < 0 { c = Int32(cellRecord.count); lookup[key] = c; cellRecord.append(i) }
                recordCell[i] = c
            }
        } else {
            var lookup: [[Int32]: Int32] = [:]
            for i in 0..<n {
                let key = recordLevel.map { $0[i] }
                if let c = lookup[key] { recordCell[i] = c } else {
                    let c = Int32(cellRecord.count)
                    lookup[key] = c
                    cellRecord.append(i)
                    recordCell[i] = c
                }
            }
        }
        let cells = cellRecord.count
        var cellWeight = knownCellSums?.weight ?? [Double](repeating: 0, count: cells)
        var cellRespondents = knownCellSums?.respondents ?? [Int](repeating: 0, count: cells)
        if knownCellSums == nil {
            for i in 0..<n {
                let c = Int(recordCell[i])
                cellWeight[c] += d[i]
                cellRespondents[c] += 1
            }
        }
        // Indicators z_c of the categorical levels, per cell: one column (or -1) per margin, never cells x levels.
        let firstNumeric = p - numericValues.count
        let slots = recordLevel.count
        var cellColumns = [Int32](repeating: -1, count: cells * slots)
        var cellLevel: [[Int32]] = []
        for (mi, levels) in recordLevel.enumerated() {
            var cl = knownCellLevels?[mi] ?? [Int32](repeating: 0, count: cells)
            if knownCellLevels == nil { for c in 0..<cells { cl[c] = levels[cellRecord[c]] } }
            for c in 0..<cells { cellColumns[c * slots + mi] = Int32(marginColumns[mi][Int(cl[c])]) }
            cellLevel.append(cl)
        }
        // Numeric auxiliaries v_i, per record (the units are then the records).
        let units = perRecord ? n : cells
        var v = Matrix(rows: units, columns: numericValues.count)
        for (t, values) in numericValues.enumerated() {
            v.values.replaceSubrange((t * units)..<((t + 1) * units), with: values)
        }
        let auxiliaries = SplitAuxiliaries(cellColumns: cellColumns, slots: slots, cellCount: cells,
                                           indicatorCount: firstNumeric, numeric: v, unitCell: perRecord ? recordCell : nil)
        return AuxiliaryDesign(constraints: constraints, recordCell: recordCell, cellRespondents: cellRespondents,
                               auxiliaries: auxiliaries, unitWeight: perRecord ? d : cellWeight, cellLevel: cellLevel,
                               marginColumns: marginColumns, baseWeights: d)
    }
}

extension AuxiliaryDesign {
    /// Levels from which a margin's level orders the cells (see ``build(table:margins:baseWeights:perRecord:method:)``).
    static let cellOrderThreshold = 4096
}

extension AuxiliaryDesign {
    /// Indices of a maximal set of linearly independent constraint columns (in the metric `X' diag(Σd) X`),
    /// found by rank-revealing pivoted Cholesky on the unit-diagonal scaling.
    func independentColumns() -> [Int] { AuxiliaryDesign.independentColumns(auxiliaries, weights: unitWeight) }

    /// Independent columns of `x` in the metric `x' diag(weights) x` (Σ over units), the cross product formed
    /// from the split blocks (sums per cell and numeric columns), never from a dense units x p matrix.
    /// With a margin of at least `blockThreshold` levels, its diagonal block is eliminated first
    /// (``MarginBlockSystem``), so no levels x levels matrix is formed.
    static func independentColumns(_ x: SplitAuxiliaries, weights: [Double],
                                   blockThreshold: Int = MarginBlockSystem.defaultThreshold) -> [Int] {
        if let slot = MarginBlockSystem.eliminatedSlot(x, minimumLevels: blockThreshold) {
            return MarginBlockSystem(x, weights: weights, slot: slot).independentColumns()
        }
        return independentColumns(crossProduct: x.crossProduct(weights: weights))
    }

    /// Independent columns of a dense `x` in the metric `x' diag(weights) x`.
    static func independentColumns(_ x: Matrix, weights: [Double]) -> [Int] {
        independentColumns(crossProduct: LAPACK.weightedCrossProduct(x, weights: weights))
    }

    /// Independent columns given the cross product `T = x' diag(weights) x`: pivoted Cholesky (`dpstrf`,
    /// tolerance 1e-10) of `D^{-1/2} T D^{-1/2}`, `D = diag(T)`; the first `rank` pivots, ascending.
    static func independentColumns(crossProduct t0: Matrix) -> [Int] {
        let p = t0.columns
        guard p > 0 else { return [] }
        var scaled = t0
        var scale = [Double](repeating: 0, count: p)
        for j in 0..<p { scale[j] = t0[j, j] > 0 ? 1 / t0[j, j].squareRoot() : 0 }
        for j in 0..<p { for i in 0..<p { scaled[i, j] = t0[i, j] * scale[i] * scale[j] } }
        let (rank, pivots) = LAPACK.pivotedCholeskyRank(scaled, tolerance: 1e-10)
        return Array(pivots.prefix(rank)).sorted()
    }
}
