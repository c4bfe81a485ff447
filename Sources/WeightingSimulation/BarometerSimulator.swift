import Weighting
import WeightingIO
import WeightingReports
import Foundation

/// A synthetic "Baromètre Numérique & Collectivités": a population of communes built on the real frame's
/// counts by region and size class, barometer-like indicators whose population rates are known, and three
/// survey waves with the biases of the real one (Nouvelle-Aquitaine, Auvergne-Rhône-Alpes and Occitanie
/// over-represented, larger communes answering more, attrition depending on size and digital maturity).
///
/// Deterministic for a given seed (SplitMix64 and Box–Muller), so its files can be committed as examples.
public struct BarometerSimulator: Sendable {
    /// One indicator: `P(oui) = expit(a + b·size + m·maturity + 0.3·(wave − 1))`, size = 0…5.
    public struct Indicator: Sendable {
        /// Column name.
        public var name: String
        /// Intercept on the logit scale.
        public var intercept: Double
        /// Effect of each size-class step.
        public var sizeEffect: Double
        /// Effect of the latent digital maturity.
        public var maturityEffect: Double
    }

    /// The indicators of the published barometer the simulation mimics.
    public static let indicators: [Indicator] = [
        Indicator(name: "site_web", intercept: -0.2, sizeEffect: 0.55, maturityEffect: 0.9),
        Indicator(name: "feuille_de_route", intercept: -2.6, sizeEffect: 0.50, maturityEffect: 1.1),
        Indicator(name: "open_data", intercept: -3.4, sizeEffect: 0.65, maturityEffect: 1.0),
        Indicator(name: "charte_teletravail", intercept: -2.9, sizeEffect: 0.60, maturityEffect: 0.8),
        Indicator(name: "saas", intercept: -1.2, sizeEffect: 0.35, maturityEffect: 0.9),
        Indicator(name: "formation_cyber", intercept: -2.2, sizeEffect: 0.45, maturityEffect: 1.2),
    ]

    /// Regions answering about three times as often.
    public static let overRepresented: Set<String> = ["Nouvelle-Aquitaine", "Auvergne-Rhône-Alpes", "Occitanie"]
    /// Overseas regions, with few communes: their response is boosted so that each has respondents.
    public static let overseas: Set<String> = ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]

    /// The population frame: number of communes per region × size class (from the bundled margins).
    public var cells: [(region: String, size: String, count: Int)]
    /// Size classes in increasing order.
    public var sizes: [String]
    /// Seed.
    public var seed: UInt64
    /// Expected wave-1 sample size.
    public var expectedWave1: Double = 2729
    /// Expected respondents still there at waves 2 and 3.
    public var expectedLater: [Double] = [629, 587]

    /// Builds the simulator from a crossed `region*taille` margin (e.g. `communes_region_x_taille.csv`).
    public init(margins: Margins, seed: UInt64 = 2026) throws {
        guard let crossed = margins.categorical.first(where: { $0.variables.count == 2 }) else {
            throw CalibrationError.invalidOption("the simulator needs a crossed margin region*taille (e.g. data/margins/communes_region_x_taille.csv)")
        }
        var sizes: [String] = []
        for l in crossed.levels where !sizes.contains(l[1]) { sizes.append(l[1]) }
        self.sizes = sizes
        self.cells = zip(crossed.levels, crossed.targets).map { ($0[0], $0[1], Int($1.rounded())) }
        self.seed = seed
    }

    /// The simulated waves and the truth.
    public struct Output: Sendable {
        /// Files' text: wave 1, 2, 3 (CSV with header).
        public var waves: [String]
        /// Truth: `indicator,wave,population_rate`.
        public var truth: String
        /// Population rate of each indicator at each wave: `truth[wave − 1][indicator]`.
        public var rates: [[String: Double]]
        /// Respondents per wave.
        public var respondents: [Int]
    }

    /// Simulates the population and the three waves.
    public func run() -> Output {
        var rng = SplitMix64(seed: seed)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        func normal() -> Double { (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * Double.pi * uniform()) }
        func expit(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        struct Unit { var id: Int; var region: String; var size: Int; var maturity: Double }
        var population: [Unit] = []
        for cell in cells {
            let s = sizes.firstIndex(of: cell.size) ?? 0
            for _ in 0..<cell.count { population.append(Unit(id: population.count, region: cell.region, size: s, maturity: normal())) }
        }
        let n = Double(population.count)
        var rates: [[String: Double]] = [[:], [:], [:]]
        for wave in 0..<3 {
            for ind in Self.indicators {
                var sum = 0.0
                for u in population { sum += expit(ind.intercept + ind.sizeEffect * Double(u.size) + ind.maturityEffect * u.maturity + 0.3 * Double(wave)) }
                rates[wave][ind.name] = sum / n
            }
        }
        // Wave-1 response: region, size and maturity; scaled to the expected sample size.
        let raw = population.map { u -> Double in
            (Self.overRepresented.contains(u.region) ? 3.0 : Self.overseas.contains(u.region) ? 5.0 : 1.0) * (1 + Double(u.size)).squareRoot() * 0.9 * (1 + 0.25 * max(min(u.maturity, 2), -2))
        }
        let scale = expectedWave1 / raw.reduce(0, +)
        var respondents = population.indices.filter { uniform() < min(0.95, raw[$0] * scale) }
        let header = "code_commune,region,taille," + Self.indicators.map(\.name).joined(separator: ",") + ",score_maturite\n"
        var files: [String] = []
        var counts: [Int] = []
        for wave in 0..<3 {
            if wave > 0 {
                // Attrition: staying depends on size and maturity.
                let keep = respondents.map { i -> Double in
                    let u = population[i]
                    return (0.75 + 0.08 * Double(u.size)) * (1 + 0.5 * max(min(u.maturity, 1.5), -1.5))
                }
                // Scale so that the expected number staying, Σ min(1, k p_i), is the target (bisection on k).
                let target = expectedLater[wave - 1]
                var lo = 0.0, hi = 100.0
                for _ in 0..<60 {
                    let mid = (lo + hi) / 2
                    if keep.reduce(0, { $0 + min(1, $1 * mid) }) < target { lo = mid } else { hi = mid }
                }
                let k = (lo + hi) / 2
                var kept: [Int] = []
                for (i, p) in zip(respondents, keep) where uniform() < min(1, p * k) { kept.append(i) }
                respondents = kept
            }
            var text = header
            for i in respondents {
                let u = population[i]
                var fields = [String(format: "C%05d", u.id), u.region, sizes[u.size]]
                for ind in Self.indicators {
                    let p = expit(ind.intercept + ind.sizeEffect * Double(u.size) + ind.maturityEffect * u.maturity + 0.3 * Double(wave))
                    fields.append(uniform() < p ? "oui" : "non")
                }
                fields.append(String(format: "%.1f", 40 + 8 * Double(u.size) + 10 * u.maturity + 3 * Double(wave) + 5 * normal()))
                text += fields.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") + "\n"
            }
            files.append(text)
            counts.append(respondents.count)
        }
        var truth = "indicator,wave,population_rate\n"
        for wave in 0..<3 { for ind in Self.indicators { truth += "\(ind.name),\(wave + 1),\(String(format: "%.6f", rates[wave][ind.name]!))\n" } }
        return Output(waves: files, truth: truth, rates: rates, respondents: counts)
    }
}
