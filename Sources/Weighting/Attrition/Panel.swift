/// Problems with panel (multi-wave) input.
public enum PanelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The same identifier appears twice in one wave.
    case duplicateIdentifier(wave: Int, id: String, lines: [SourceLocation])
    /// An identifier is missing.
    case missingIdentifier(wave: Int, location: SourceLocation)
    /// Fewer than two waves.
    case needsTwoWaves
    /// Wave `wave` has `newcomers` respondents without a wave-1 record to combine with the panel, but no column
    /// `variable` to calibrate them to the margins.
    case newcomersWithoutCalibrationVariable(wave: Int, newcomers: Int, variable: String)
    /// A set of waves for longitudinal weights that is not at least two distinct waves between 1 and `waveCount`.
    case invalidLongitudinalWaves([Int], waveCount: Int)
    /// Bootstrap replicates asked for longitudinal weights that do not start at wave 1 (the replicate chain
    /// starts from wave 1's calibration).
    case replicatesNeedWaveOne(longitudinalWaves: [Int])

    /// The message shown to the user: what went wrong, where, and what to do about it.
    public var description: String {
        switch self {
        case .duplicateIdentifier(let w, let id, let locs):
            return "wave \(w): identifier \(Echo.quoted(id)) appears more than once (\(locs.map(\.description).joined(separator: ", "))); each respondent must appear once per wave"
        case .missingIdentifier(let w, let loc): return "wave \(w): \(loc): the identifier is missing"
        case .needsTwoWaves: return "attrition needs wave 1 and at least one later wave"
        case .newcomersWithoutCalibrationVariable(let w, let n, let v):
            return "wave \(w) has \(n) respondent(s) without a wave-1 record, and no column \(Echo.quoted(v)) to calibrate them to the margins; add the calibration variables to the wave's file, or exclude the newcomers (weight 0)"
        case .invalidLongitudinalWaves(let waves, let count):
            return "longitudinal weights need at least two distinct waves between 1 and \(count); got \(waves.map(String.init).joined(separator: ","))"
        case .replicatesNeedWaveOne(let waves):
            return "bootstrap replicates need wave 1 among the longitudinal waves (the replicates start from wave 1's calibration); got \(waves.map(String.init).joined(separator: ","))"
        }
    }
}

/// Waves of a panel survey linked by a respondent identifier.
///
/// Wave 1 is the reference: who is still there at wave k, who left, and who appears later without a wave-1
/// record (reported and kept out of the longitudinal weights, never dropped silently from the wave's own file).
public struct Panel: Sendable {
    /// The wave tables, wave 1 first.
    public let waves: [Table]
    /// The identifier column.
    public let idColumn: String
    /// Identifiers of each wave, in row order.
    public let ids: [[String]]
    /// For each wave-1 record and each wave k (index k−1), its row in wave k, or nil.
    public let rowInWave: [[Int?]]

    /// Links the waves, refusing duplicated or missing identifiers.
    public init(waves: [Table], idColumn: String) throws {
        guard waves.count >= 2 else { throw PanelError.needsTwoWaves }
        self.waves = waves
        self.idColumn = idColumn
        var allIds: [[String]] = []
        var index: [[String: Int]] = []
        for (k, t) in waves.enumerated() {
            let c = try t.categorical(idColumn)
            let j = try t.index(of: idColumn)
            var map: [String: Int] = [:]
            var list: [String] = []
            for i in 0..<t.rowCount {
                guard let id = c[i] else { throw PanelError.missingIdentifier(wave: k + 1, location: t.location(row: i, column: j)) }
                if let first = map[id] {
                    throw PanelError.duplicateIdentifier(wave: k + 1, id: id, lines: [t.location(row: first, column: j), t.location(row: i, column: j)])
                }
                map[id] = i
                list.append(id)
            }
            allIds.append(list)
            index.append(map)
        }
        ids = allIds
        rowInWave = allIds[0].map { id in index.map { $0[id] } }
    }

    /// A two-wave panel known only by wave 1 and who answered again: wave 2 is the rows of wave 1 flagged
    /// `retained` (identifiers are the wave-1 row numbers).
    init(wave1: Table, retained: [Bool]) throws {
        precondition(retained.count == wave1.rowCount)
        let rows = retained.indices.filter { retained[$0] }
        waves = [wave1, try wave1.subset(rows)]
        idColumn = ""
        ids = [(0..<wave1.rowCount).map(String.init), rows.map(String.init)]
        var position = [Int?](repeating: nil, count: wave1.rowCount)
        for (j, r) in rows.enumerated() { position[r] = j }
        rowInWave = (0..<wave1.rowCount).map { [$0, position[$0]] }
    }

    /// Wave-1 records present in every wave from 1 to `k` (1-based).
    public func retained(through k: Int) -> [Bool] {
        rowInWave.map { rows in (0..<k).allSatisfy { rows[$0] != nil } }
    }

    /// Identifiers of wave `k` that have no wave-1 record.
    public func newcomers(inWave k: Int) -> [String] {
        let first = Set(ids[0])
        return ids[k - 1].filter { !first.contains($0) }
    }
}

/// Who answered which wave.
public struct AttritionSummary: Sendable, Equatable, Codable {
    /// One line per wave.
    public struct Wave: Sendable, Equatable, Codable {
        /// Wave number (1-based).
        public var wave: Int
        /// Records in the wave's file.
        public var respondents: Int
        /// Wave-1 respondents present in every wave up to this one.
        public var retainedFromWave1: Int
        /// `retained / wave-1 respondents`.
        public var retentionRate: Double
        /// Respondents without a wave-1 record.
        public var newcomers: Int
        /// A few of their identifiers.
        public var newcomerExamples: [String]
    }
    /// Retention of a group (a level of a wave-1 variable) at a wave.
    public struct Group: Sendable, Equatable, Codable {
        /// `variable=level`.
        public var group: String
        /// Wave number.
        public var wave: Int
        /// Wave-1 respondents of the group.
        public var wave1: Int
        /// Of them, still present.
        public var retained: Int
        /// Retention rate.
        public var rate: Double
    }
    /// Per wave.
    public var waves: [Wave]
    /// Per group and wave.
    public var groups: [Group]

    /// Summarizes a panel, with retention by the levels of `groupBy` (wave-1 categorical variables).
    public init(panel: Panel, groupBy: [String] = []) throws {
        let n1 = panel.ids[0].count
        waves = (1...panel.waves.count).map { k in
            let retained = panel.retained(through: k).filter { $0 }.count
            let newcomers = k == 1 ? [] : panel.newcomers(inWave: k)
            return Wave(wave: k, respondents: panel.ids[k - 1].count, retainedFromWave1: retained,
                        retentionRate: Double(retained) / Double(n1), newcomers: newcomers.count,
                        newcomerExamples: Array(newcomers.prefix(5)))
        }
        var groups: [Group] = []
        for v in groupBy {
            let c = try panel.waves[0].categorical(v)
            for k in 2...panel.waves.count {
                let kept = panel.retained(through: k)
                for (l, level) in c.levels.enumerated() {
                    var total = 0, stayed = 0
                    for i in 0..<c.count where c.codes[i] == UInt32(l) { total += 1; if kept[i] { stayed += 1 } }
                    groups.append(Group(group: "\(v)=\(level)", wave: k, wave1: total, retained: stayed,
                                        rate: Double(stayed) / Double(total)))
                }
            }
        }
        self.groups = groups
    }
}
