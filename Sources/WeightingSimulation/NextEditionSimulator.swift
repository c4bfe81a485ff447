import Foundation
import Weighting
import WeightingIO
import WeightingReports

/// Two editions of the barometer on one synthetic population: the 2025 edition and a next one in which part of
/// the 2025 respondents answer again, with the true population rates of both editions (so the true change is
/// known).
///
/// Built on ``BarometerSimulator``'s frame (its region × size cells) and indicators. Each commune has a latent
/// digital maturity `m ~ N(0, 1)`; at edition `e` its answer to an indicator is `1{U < p_e}` with
/// `p_e = expit(a + b·size + c·m + δ·(e − 1))` (`δ`: the progress between editions) and a uniform `U` kept from
/// one edition to the next with probability ``persistence`` (redrawn otherwise), so answers persist as real
/// equipment does. The true rates are the population's realized shares at each edition (finite-population
/// truth). The 2025 sample is a Poisson sample whose inclusion probability depends on region (three regions
/// three times as often, the overseas regions eight times and
/// Corsica four times, so that these small regions keep respondents in the next edition) and size (`∝ (1 + size)^1.5`: large communes answer
/// more), recorded as the base weight `1/π`; the
/// 2025 respondents answer again with a probability depending on size and on their 2025 maturity score
/// (`logit P = α + 0.25·size + 0.05·(score − 50)`, `α` set so that about ``expectedReturning`` answer).
public struct NextEditionSimulator: Sendable {
    /// Region, size class and number of communes of each cell of the frame.
    public var cells: [(region: String, size: String, count: Int)]
    /// Size classes in increasing order.
    public var sizes: [String]
    /// Seed of the population (maturities and the uniforms behind the answers).
    public var populationSeed: UInt64
    /// Expected 2025 sample size.
    public var expectedFirst: Double = 2729
    /// Expected number of 2025 respondents answering the next edition.
    public var expectedReturning: Double = 1200
    /// Progress between the editions on the logit scale (`δ`).
    public var progress: Double = 0.3
    /// Probability that a commune's uniform is kept between editions (its answer persists).
    public var persistence: Double = 0.85

    /// The simulator on the frame and population seed of a barometer simulator.
    public init(simulator: BarometerSimulator, populationSeed: UInt64? = nil) {
        cells = simulator.cells
        sizes = simulator.sizes
        self.populationSeed = populationSeed ?? simulator.seed
    }

    /// The synthetic population.
    public struct Population: Sendable {
        /// Region of each commune.
        public var region: [String]
        /// Size class index (0 = smallest).
        public var size: [Int]
        /// Latent maturity.
        public var maturity: [Double]
        /// Answers (`answers[indicator][commune]`) at the 2025 edition and at the next.
        public var first: [[Bool]]
        /// Answers at the next edition.
        public var next: [[Bool]]
        /// Inclusion probability of each commune in the 2025 sample.
        public var inclusion: [Double]
        /// True population rates: `truth[indicator name] = (2025, next)`.
        public var truth: [String: (first: Double, next: Double)]
        /// True rates by size class: `truthBySize[indicator name][size] = (2025, next)`.
        public var truthBySize: [String: [(first: Double, next: Double)]]
    }

    /// Builds the population (deterministic for ``populationSeed``).
    public func population() -> Population {
        var rng = SimulationRandom(seed: populationSeed)
        let indicators = BarometerSimulator.indicators
        var region: [String] = [], size: [Int] = [], maturity: [Double] = []
        for cell in cells {
            let s = sizes.firstIndex(of: cell.size) ?? 0
            for _ in 0..<cell.count { region.append(cell.region); size.append(s); maturity.append(rng.normal()) }
        }
        let n = region.count
        var first: [[Bool]] = [], next: [[Bool]] = []
        var truth: [String: (first: Double, next: Double)] = [:]
        var bySize: [String: [(first: Double, next: Double)]] = [:]
        for ind in indicators {
            var a = [Bool](repeating: false, count: n), b = a
            var sizeCounts = [(Double, Double, Double)](repeating: (0, 0, 0), count: sizes.count)
            for i in 0..<n {
                let lin = ind.intercept + ind.sizeEffect * Double(size[i]) + ind.maturityEffect * maturity[i]
                let u = rng.uniform()
                let u2 = rng.uniform() < persistence ? u : rng.uniform()
                a[i] = u < expit(lin)
                b[i] = u2 < expit(lin + progress)
                sizeCounts[size[i]].0 += a[i] ? 1 : 0
                sizeCounts[size[i]].1 += b[i] ? 1 : 0
                sizeCounts[size[i]].2 += 1
            }
            first.append(a)
            next.append(b)
            truth[ind.name] = (Double(a.filter { $0 }.count) / Double(n), Double(b.filter { $0 }.count) / Double(n))
            bySize[ind.name] = sizeCounts.map { ($0.0 / max($0.2, 1), $0.1 / max($0.2, 1)) }
        }
        let raw = (0..<n).map { i -> Double in
            (BarometerSimulator.overRepresented.contains(region[i]) ? 3.0 : BarometerSimulator.overseas.contains(region[i]) ? 8.0 : region[i] == "Corse" ? 4.0 : 1.0)
                * pow(1 + Double(size[i]), 1.5)
        }
        let scale = expectedFirst / raw.reduce(0, +)
        return Population(region: region, size: size, maturity: maturity, first: first, next: next,
                          inclusion: raw.map { min(0.95, $0 * scale) }, truth: truth, truthBySize: bySize)
    }

    /// One draw of the two editions' samples.
    public struct Editions: Sendable {
        /// Population rows of the 2025 respondents.
        public var first: [Int]
        /// Population rows of the next edition's respondents (a subset of `first`, in its order).
        public var next: [Int]
        /// 2025 maturity score of each 2025 respondent (`40 + 8·size + 10·m + 5·noise`), and the next edition's.
        public var firstScore: [Double]
        /// Next edition's score of each next-edition respondent.
        public var nextScore: [Double]
    }

    /// Draws the 2025 sample and the next edition's returning respondents (deterministic for `seed`).
    public func draw(_ population: Population, seed: UInt64) -> Editions {
        var rng = SimulationRandom(seed: seed &* 0x2545F4914F6CDD1D &+ 17)
        let first = population.inclusion.indices.filter { rng.uniform() < population.inclusion[$0] }
        let score = first.map { 40 + 8 * Double(population.size[$0]) + 10 * population.maturity[$0] + 5 * rng.normal() }
        let lin = zip(first, score).map { 0.25 * Double(population.size[$0.0]) + 0.05 * ($0.1 - 50) }
        var lo = -20.0, hi = 20.0
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if lin.reduce(0, { $0 + expit(mid + $1) }) < expectedReturning { lo = mid } else { hi = mid }
        }
        let alpha = (lo + hi) / 2
        var next: [Int] = [], nextScore: [Double] = []
        for (k, i) in first.enumerated() where rng.uniform() < expit(alpha + lin[k]) {
            next.append(i)
            nextScore.append(40 + 8 * Double(population.size[i]) + 10 * population.maturity[i] + 3 + 5 * rng.normal())
        }
        return Editions(first: first, next: next, firstScore: score, nextScore: nextScore)
    }

    /// The two editions as CSV files (`code_commune,region,taille,rang_taille,<indicators>,score_maturite,poids_base`,
    /// `rang_taille` the size class's rank 0…5; the
    /// next edition without the base weight), and the truth as `indicator,domain,rate_2025,rate_next,change`.
    public func files(_ population: Population, _ editions: Editions) -> (first: String, next: String, truth: String) {
        let indicators = BarometerSimulator.indicators
        func row(_ i: Int, answers: [[Bool]], score: Double, weight: Double?) -> String {
            var fields = [String(format: "C%05d", i), population.region[i], sizes[population.size[i]], String(population.size[i])]
            for k in indicators.indices { fields.append(answers[k][i] ? "oui" : "non") }
            fields.append(String(format: "%.1f", score))
            if let weight { fields.append(Table.format(weight)) }
            return fields.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") + "\n"
        }
        let header = "code_commune,region,taille,rang_taille," + indicators.map(\.name).joined(separator: ",") + ",score_maturite"
        var first = header + ",poids_base\n", next = header + "\n"
        for (k, i) in editions.first.enumerated() { first += row(i, answers: population.first, score: editions.firstScore[k], weight: 1 / population.inclusion[i]) }
        for (k, i) in editions.next.enumerated() { next += row(i, answers: population.next, score: editions.nextScore[k], weight: nil) }
        var truth = "indicator,domain,rate_2025,rate_next,change\n"
        for ind in indicators {
            let t = population.truth[ind.name]!
            truth += "\(ind.name),all,\(String(format: "%.6f", t.first)),\(String(format: "%.6f", t.next)),\(String(format: "%.6f", t.next - t.first))\n"
            for (s, v) in population.truthBySize[ind.name]!.enumerated() {
                truth += "\(ind.name),taille=\(sizes[s]),\(String(format: "%.6f", v.first)),\(String(format: "%.6f", v.next)),\(String(format: "%.6f", v.next - v.first))\n"
            }
        }
        return (first, next, truth)
    }
}

@inline(__always) private func expit(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
