/// Builders of replicate weights from a design (before any calibration): the jackknives, the Rao–Wu rescaled
/// bootstrap and balanced repeated replication with Fay's factor. Replicate weights are the design weights
/// times per-PSU multipliers; records of a PSU always share a multiplier, so the rank of the n x R replicate
/// weights (R survey's degrees of freedom: rank − 1) is the rank of the PSU x R multipliers: in closed form for
/// the jackknives and BRR, computed on that small matrix for the bootstrap.
extension ReplicateWeights {
    /// Delete-one-PSU jackknife for unstratified designs (JK1): replicate `k` drops PSU `k` and multiplies the
    /// others by `n/(n−1)`; `V = (1 − f)(n−1)/n Σ_k (θ̂_k − θ̄)²` (R's `jk1weights`).
    public static func jk1(_ design: SurveyDesign) throws -> ReplicateWeights {
        try design.checkUnadjusted()
        guard design.psuCount.count == 1 else {
            throw DesignError.invalidReplicates("JK1 is for unstratified designs; use JKn with strata")
        }
        let psus = design.psuIndex()
        let n = psus.count
        guard n > 1 else { throw DesignError.invalidReplicates("the jackknife needs at least 2 PSUs, found \(n)") }
        let factor = Double(n) / Double(n - 1)
        var weights: [[Double]] = []
        weights.reserveCapacity(n)
        for k in 0..<n {
            var w = design.weights
            for i in w.indices { w[i] *= psus.index[i] == k ? 0 : factor }
            weights.append(w)
        }
        let scale = (1 - design.samplingFraction[0]) * Double(n - 1) / Double(n)
        // The multipliers are factor (J − I), nonsingular for n ≥ 2: rank n, so R's rank − 1 is n − 1.
        return ReplicateWeights(checkedMethod: "JK1", weights: weights, scale: scale, rscales: [Double](repeating: 1, count: n),
                                degreesOfFreedom: n - 1)
    }

    /// Stratified delete-one-PSU jackknife (JKn): one replicate per PSU; the replicate dropping a PSU of stratum
    /// `h` multiplies the other PSUs of `h` by `n_h/(n_h−1)`; `V = Σ_r (1 − f_h)(n_h−1)/n_h (θ̂_r − θ̄)²`
    /// (R's `jknweights`). Single-PSU strata follow the design's lonely-PSU policy (`fail` refuses them;
    /// the others leave them out of the replicates).
    public static func jkn(_ design: SurveyDesign) throws -> ReplicateWeights {
        try design.checkUnadjusted()
        let psus = design.psuIndex()
        var weights: [[Double]] = []
        var rscales: [Double] = []
        for h in 0..<design.psuCount.count {
            let members = (0..<psus.count).filter { psus.stratum[$0] == h }
            let nh = members.count
            if nh == 0 { continue }
            if nh == 1 {
                if design.lonelyPSU == .fail { throw DesignError.lonelyPSU(stratum: design.strataLabels[h]) }
                continue
            }
            let factor = Double(nh) / Double(nh - 1)
            for k in members {
                var w = design.weights
                for i in w.indices where Int(design.strata[i]) == h { w[i] *= psus.index[i] == k ? 0 : factor }
                weights.append(w)
                rscales.append((1 - design.samplingFraction[h]) * Double(nh - 1) / Double(nh))
            }
        }
        guard !weights.isEmpty else { throw DesignError.invalidReplicates("no stratum has 2 or more PSUs") }
        // Rank of the multipliers: within stratum h the differences of its columns span the n_h − 1 contrasts of
        // its PSUs, and the sum of its columns is n_h times the all-ones vector, shared by every stratum; so the
        // rank is Σ_h (n_h − 1) + 1 over the strata with 2 or more PSUs, and R's rank − 1 is Σ_h (n_h − 1).
        return ReplicateWeights(checkedMethod: "JKn", weights: weights, scale: 1, rscales: rscales,
                                degreesOfFreedom: psus.count - design.psuCount.filter { $0 > 0 }.count)
    }

    /// Rao & Wu (1988) rescaled bootstrap (Rao, Wu & Yue 1992): in each stratum draw `n_h − 1` PSUs with
    /// replacement; a PSU drawn `m` times gets multiplier `m n_h/(n_h−1)`; `V = Σ_r (θ̂_r − θ̄)² / (R−1)`
    /// (R's `subbootweights`). Reproducible from `seed`.
    ///
    /// When the R × n weights exceed the rank budget (n R² > ``rankBudget``, e.g. 500 replicates of more than
    /// 8,000 records) they are made on demand (``isOnDemand``): only the state of the random stream at the start
    /// of each replicate is kept, and a replicate's multipliers are drawn again, in the same order, when it is
    /// used; the values are those of stored replicates.
    public static func bootstrap(_ design: SurveyDesign, replicates: Int, seed: UInt64) throws -> ReplicateWeights {
        try bootstrap(design, replicates: replicates, seed: seed, onDemandAbove: rankBudget)
    }

    /// ``bootstrap(_:replicates:seed:)`` made on demand when n R² exceeds `budget`.
    package static func bootstrap(_ design: SurveyDesign, replicates: Int, seed: UInt64,
                                  onDemandAbove budget: Double) throws -> ReplicateWeights {
        try design.checkUnadjusted()
        guard replicates >= 2 else { throw DesignError.invalidReplicates("the bootstrap needs at least 2 replicates") }
        let psus = design.psuIndex()
        var byStratum: [[Int]] = Array(repeating: [], count: design.psuCount.count)
        for k in 0..<psus.count { byStratum[psus.stratum[k]].append(k) }
        for (h, members) in byStratum.enumerated() where members.count == 1 {
            throw DesignError.invalidReplicates("stratum \(Echo.quoted(design.strataLabels[h])) has one PSU: the bootstrap cannot resample it")
        }
        let draws = RaoWuDraws(strata: byStratum, psuCount: psus.count)
        let scale = 1 / Double(replicates - 1), rscales = [Double](repeating: 1, count: replicates)
        let fallback = min(replicates, psus.count) - 1
        let r2 = Double(replicates) * Double(replicates)
        if Double(design.count) * r2 > budget {
            var rng = SplitMix64(seed: seed)
            var starts: [SplitMix64] = []
            starts.reserveCapacity(replicates)
            for _ in 0..<replicates {
                starts.append(rng)
                draws.skip(&rng)
            }
            // The rank of the PSU x R multipliers when affordable (clustered designs), else R survey's bound.
            let df = Double(psus.count) * r2 <= rankBudget
                ? rankDegreesOfFreedom(starts.map { draws.multipliers(from: $0) }, otherwise: fallback) : max(1, fallback)
            let d = design.weights, psu = psus.index, startOf = starts
            let generator = ReplicateGenerator(count: replicates, records: d.count) { r in
                let m = draws.multipliers(from: startOf[r])
                return Self.replicateWeights(d, psu: psu, multipliers: m)
            }
            return ReplicateWeights(method: "bootstrap", generator: generator, scale: scale, rscales: rscales,
                                    degreesOfFreedom: df)
        }
        var rng = SplitMix64(seed: seed)
        var multipliers: [[Double]] = []
        multipliers.reserveCapacity(replicates)
        for _ in 0..<replicates { multipliers.append(draws.draw(&rng)) }
        return fromMultipliers(design, psus: psus, multipliers: multipliers, method: "bootstrap", scale: scale, rscales: rscales,
                               degreesOfFreedom: rankDegreesOfFreedom(multipliers, otherwise: fallback))
    }

    /// Balanced repeated replication for designs with exactly 2 PSUs per stratum, from a Sylvester–Hadamard
    /// matrix of order `R ≥ H + 1` (a power of 2): in replicate `r`, stratum `h` keeps PSU 1 or 2 as the sign
    /// of `H[r][h+1]`, with multiplier `2 − ρ` for the kept PSU and `ρ` for the other (Fay's method when ρ > 0);
    /// `V = Σ_r (θ̂_r − θ̄)² / (R (1−ρ)²)` (Wolter 2007, ch. 3; Judkins 1990).
    public static func brr(_ design: SurveyDesign, fay rho: Double = 0) throws -> ReplicateWeights {
        try design.checkUnadjusted()
        guard rho >= 0 && rho < 1 else { throw DesignError.invalidReplicates("Fay's factor must be in [0, 1), got \(rho)") }
        let psus = design.psuIndex()
        var byStratum: [[Int]] = Array(repeating: [], count: design.psuCount.count)
        for k in 0..<psus.count { byStratum[psus.stratum[k]].append(k) }
        let strata = byStratum.enumerated().filter { !$0.element.isEmpty }
        for (h, members) in strata where members.count != 2 {
            throw DesignError.invalidReplicates("BRR needs exactly 2 PSUs per stratum; stratum \(Echo.quoted(design.strataLabels[h])) has \(members.count)")
        }
        var order = 1
        while order < strata.count + 1 { order *= 2 }
        var multipliers = [[Double]](repeating: [Double](repeating: 0, count: psus.count), count: order)
        for r in 0..<order {
            for (column, entry) in strata.enumerated() {
                // Sylvester: H[r][c] = (−1)^{popcount(r & c)}; column 0 is all ones, so strata use columns 1...
                let plus = (r & (column + 1)).nonzeroBitCount % 2 == 0
                multipliers[r][entry.element[0]] = plus ? 2 - rho : rho
                multipliers[r][entry.element[1]] = plus ? rho : 2 - rho
            }
        }
        // Rank of the multipliers: the PSUs' rows are 1 ± (1 − ρ) s_h with s_h a non-constant Hadamard column;
        // those columns are orthogonal to each other and to 1, so the rank is H + 1 and R's rank − 1 is H.
        return fromMultipliers(design, psus: psus, multipliers: multipliers, method: rho > 0 ? "Fay" : "BRR",
                               scale: 1 / (Double(order) * (1 - rho) * (1 - rho)),
                               rscales: [Double](repeating: 1, count: order), degreesOfFreedom: strata.count)
    }

    static func fromMultipliers(_ design: SurveyDesign, psus: SurveyDesign.PSUIndex, multipliers: [[Double]],
                                method: String, scale: Double, rscales: [Double], degreesOfFreedom: Int) -> ReplicateWeights {
        // w_ri = d_i m_r,psu(i): R x n products, read through buffer pointers (the PSU indices are in range by
        // construction) so that the loop runs without a bounds check per record.
        precondition(psus.index.count == design.weights.count && multipliers.allSatisfy { $0.count == psus.count })
        let weights = multipliers.map { replicateWeights(design.weights, psu: psus.index, multipliers: $0) }
        return ReplicateWeights(checkedMethod: method, weights: weights, scale: scale, rscales: rscales,
                                degreesOfFreedom: degreesOfFreedom)
    }
}

extension ReplicateWeights {
    /// `w_i = d_i m_psu(i)`, read through buffer pointers (the PSU indices are in range by construction) so that
    /// the loop runs without a bounds check per record.
    static func replicateWeights(_ d: [Double], psu: [Int], multipliers m: [Double]) -> [Double] {
        d.withUnsafeBufferPointer { d in
            psu.withUnsafeBufferPointer { psu in
                m.withUnsafeBufferPointer { m in
                    [Double](unsafeUninitializedCapacity: d.count) { w, count in
                        for i in 0..<d.count { w[i] = d[i] * m[psu[i]] }
                        count = d.count
                    }
                }
            }
        }
    }
}

/// The Rao–Wu draws of one bootstrap replicate: in each stratum with `n_h ≥ 2` PSUs, `n_h − 1` PSUs drawn with
/// replacement, each draw adding `n_h/(n_h−1)` to the drawn PSU's multiplier.
struct RaoWuDraws: Sendable {
    /// The PSUs of each stratum.
    var strata: [[Int]]
    /// Number of PSUs.
    var psuCount: Int

    /// The multipliers of the replicate whose draws start at `start`.
    func multipliers(from start: SplitMix64) -> [Double] {
        var rng = start
        return draw(&rng)
    }

    /// The multipliers of the next replicate of `rng`'s stream.
    ///
    /// The draws of a stratum are counted by position within the stratum (a small array, 2 bytes a PSU, where
    /// the random increments stay in cache) and then written to the PSUs in order; a PSU drawn `m` times gets
    /// `factor` added `m` times, the same additions in the same order as adding at each draw. A count that would
    /// pass 65,535 (never seen: the count is binomial with mean about 1) sends the stratum to direct addition
    /// from the same random state.
    func draw(_ rng: inout SplitMix64) -> [Double] {
        var row = [Double](repeating: 0, count: psuCount)
        var counts = [UInt16](repeating: 0, count: strata.lazy.map(\.count).max() ?? 0)
        row.withUnsafeMutableBufferPointer { row in
            counts.withUnsafeMutableBufferPointer { counts in
                for members in strata where members.count > 1 {
                    let nh = members.count
                    let factor = Double(nh) / Double(nh - 1)
                    let start = rng
                    var overflow = false
                    for _ in 0..<(nh - 1) {
                        let j = Int.random(in: 0..<nh, using: &rng)
                        if counts[j] == UInt16.max { overflow = true } else { counts[j] += 1 }
                    }
                    if overflow {
                        var again = start
                        for j in 0..<nh { counts[j] = 0 }
                        for _ in 0..<(nh - 1) { row[members[Int.random(in: 0..<nh, using: &again)]] += factor }
                        continue
                    }
                    members.withUnsafeBufferPointer { members in
                        for j in 0..<nh where counts[j] > 0 {
                            var m = row[members[j]]
                            for _ in 0..<counts[j] { m += factor }
                            row[members[j]] = m
                            counts[j] = 0
                        }
                    }
                }
            }
        }
        return row
    }

    /// Advances `rng` past one replicate's draws.
    func skip(_ rng: inout SplitMix64) {
        for members in strata where members.count > 1 {
            let nh = members.count
            for _ in 0..<(nh - 1) { _ = Int.random(in: 0..<nh, using: &rng) }
        }
    }
}

extension SurveyDesign {
    /// PSUs numbered `0..<count` in order of first appearance, with their stratum.
    struct PSUIndex {
        var index: [Int]
        var stratum: [Int]
        var count: Int { stratum.count }
    }

    func psuIndex() -> PSUIndex {
        var map: [Int32: Int] = [:]
        var index = [Int](repeating: 0, count: count)
        var stratum: [Int] = []
        for i in 0..<count {
            if let k = map[clusters[i]] { index[i] = k } else {
                map[clusters[i]] = stratum.count
                index[i] = stratum.count
                stratum.append(Int(strata[i]))
            }
        }
        return PSUIndex(index: index, stratum: stratum)
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, reproducible generator for the bootstrap.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

extension SurveyDesign {
    /// Refuses to build replicate weights from adjusted weights: the replicates would not re-run the
    /// adjustments (R's `as.svrepdesign` refuses a calibrated design); ``withReplicates(_:)`` does.
    func checkUnadjusted() throws {
        guard adjustments.isEmpty else {
            throw DesignError.replicatesOfAdjustedDesign(adjustments: adjustments.map(\.kind.rawValue))
        }
    }
}
