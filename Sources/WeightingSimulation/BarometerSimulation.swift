import Foundation
import Weighting
import WeightingIO
import WeightingReports

/// The "Baromètre Numérique & Collectivités" as it ran (DINUM and Déclic, 2023–2025), simulated on every real
/// collectivité of the frame: three waves, each with its own three themes and questions, answered by 2,729, 629
/// and 587 collectivités of every type.
///
/// The model (all of it is simulated; the real microdata are not public):
/// - each collectivité has a latent digital maturity `m = 0.45·s + τ_type + ε`, `s = (log population − 7)/1.5`,
///   `τ` = 0 (commune), 0.3 (EPCI), 0.5 (département), 0.6 (région), `ε ~ N(0, 1)`;
/// - each question `q` is answered "oui" by unit `i` when `u_iq < expit(a_q + d_q·m_i)` (one uniform `u_iq` per
///   unit and question, drawn once, so every unit of the population has an answer and the truth is the realised
///   population share); the intercept `a_q` is solved so that the share of "oui" among the wave's respondents is the
///   published raw share (to 1/n), and the population truth is then whatever the model gives: lower for questions
///   of maturity (`d_q > 0`) because respondents were more mature;
/// - wave 1 is two fixed-size unequal-probability draws (systematic πps in a random order, Madow 1949): 2,402
///   communes (88 %) and 327 other collectivités, with size measure `exp(0.8·s + 0.3·ε)` (communes; `exp(0.4·s + 0.3·ε)` times a type factor for the others; no `ε` term in the missing-at-random scenario) times 3.5 in
///   Nouvelle-Aquitaine, Auvergne-Rhône-Alpes and Occitanie;
/// - waves 2 and 3 take most of their respondents (560 and 520) from wave-1 respondents, by the same kind of draw
///   with size measure `exp(0.3·s + 0.4·ε)` (self-selection on maturity) or, in the missing-at-random scenario,
///   `exp(0.3·s + 0.5·A)` where `A` is the standardised number of "mature" wave-1 answers; wave 3 favours those of
///   wave 2 (×3); the rest (69 and 67) are newcomers drawn among collectivités that did not answer wave 1.
///
/// Deterministic for a seed (SplitMix64, Box–Muller).
public struct BarometerSimulation: Sendable {
    /// A question of the barometer, with its published raw share.
    public struct Question: Sendable, Equatable {
        /// Column name.
        public var name: String
        /// What it measures, in English.
        public var label: String
        /// Theme of the questionnaire.
        public var theme: String
        /// Wave (1–3).
        public var wave: Int
        /// Published share among respondents.
        public var published: Double
        /// Effect of the latent maturity on the logit: > 0 for a mark of maturity, < 0 for a lack.
        public var maturityEffect: Double
    }

    /// The questions simulated: at least two per theme, with the published raw shares.
    public static let questions: [Question] = [
        Question(name: "lieu_mediation", label: "places of digital mediation", theme: "inclusion numérique", wave: 1, published: 0.26, maturityEffect: 1.0),
        Question(name: "actions_mediation", label: "digital mediation actions", theme: "inclusion numérique", wave: 1, published: 0.28, maturityEffect: 1.0),
        Question(name: "cyberattaque", label: "cyberattack in the last three years", theme: "cybersécurité", wave: 1, published: 0.08, maturityEffect: 0.5),
        Question(name: "sans_plan_continuite", label: "neither continuity nor recovery plan", theme: "cybersécurité", wave: 1, published: 0.76, maturityEffect: -1.0),
        Question(name: "sans_rssi", label: "no security officer", theme: "cybersécurité", wave: 1, published: 0.64, maturityEffect: -1.1),
        Question(name: "formation_cyber_agents", label: "cybersecurity training of agents (2 years)", theme: "cybersécurité", wave: 1, published: 0.46, maturityEffect: 1.0),
        Question(name: "site_web", label: "website", theme: "communication", wave: 1, published: 0.76, maturityEffect: 1.2),
        Question(name: "reseaux_sociaux", label: "social networks", theme: "communication", wave: 1, published: 0.76, maturityEffect: 1.0),
        Question(name: "bulletin_papier", label: "paper bulletin", theme: "communication", wave: 1, published: 0.85, maturityEffect: 0.3),
        Question(name: "participation_en_ligne", label: "online participation tool", theme: "communication", wave: 1, published: 0.05, maturityEffect: 1.0),
        Question(name: "wifi_territorial", label: "territorial wifi", theme: "infrastructures numériques", wave: 2, published: 0.24, maturityEffect: 0.8),
        Question(name: "reseau_iot", label: "public IoT network", theme: "infrastructures numériques", wave: 2, published: 0.10, maturityEffect: 1.0),
        Question(name: "datacenter_local", label: "local datacenter", theme: "infrastructures numériques", wave: 2, published: 0.11, maturityEffect: 0.9),
        Question(name: "saas", label: "SaaS software", theme: "outils numériques internes", wave: 2, published: 0.39, maturityEffect: 0.9),
        Question(name: "charte_teletravail", label: "telework charter", theme: "outils numériques internes", wave: 2, published: 0.34, maturityEffect: 1.1),
        Question(name: "vpn", label: "VPN", theme: "outils numériques internes", wave: 2, published: 0.41, maturityEffect: 1.1),
        Question(name: "plan_rgpd", label: "GDPR action plan", theme: "service public local de la donnée", wave: 2, published: 0.80, maturityEffect: 0.8),
        Question(name: "open_data", label: "open data", theme: "service public local de la donnée", wave: 2, published: 0.26, maturityEffect: 1.2),
        Question(name: "usage_ia", label: "uses AI", theme: "service public local de la donnée", wave: 2, published: 0.06, maturityEffect: 1.0),
        Question(name: "profil_acheteur", label: "buyer profile for public procurement", theme: "dématérialisation", wave: 3, published: 0.72, maturityEffect: 1.0),
        Question(name: "urbanisme_en_ligne", label: "online planning applications", theme: "dématérialisation", wave: 3, published: 0.76, maturityEffect: 0.9),
        Question(name: "bulletins_paie_numeriques", label: "electronic payslips", theme: "dématérialisation", wave: 3, published: 0.22, maturityEffect: 1.0),
        Question(name: "rdv_identite", label: "online appointments for identity cards", theme: "services en ligne", wave: 3, published: 0.88, maturityEffect: 0.7),
        Question(name: "paiement_en_ligne", label: "online payment", theme: "services en ligne", wave: 3, published: 0.07, maturityEffect: 1.0),
        Question(name: "coffre_fort", label: "digital safe", theme: "services en ligne", wave: 3, published: 0.14, maturityEffect: 0.9),
        Question(name: "feuille_de_route", label: "digital roadmap", theme: "stratégie numérique", wave: 3, published: 0.22, maturityEffect: 1.2),
        Question(name: "sans_elu_numerique", label: "no elected official in charge of digital", theme: "stratégie numérique", wave: 3, published: 0.52, maturityEffect: -1.0),
        Question(name: "logiciels_libres", label: "free-software policy", theme: "stratégie numérique", wave: 3, published: 0.22, maturityEffect: 0.8),
    ]

    /// The questions of one wave.
    public static func questions(wave: Int) -> [Question] { questions.filter { $0.wave == wave } }
    /// The three themes of a wave, in order.
    public static func themes(wave: Int) -> [String] {
        var t: [String] = []
        for q in questions(wave: wave) where !t.contains(q.theme) { t.append(q.theme) }
        return t
    }

    /// Regions that answered far more than their share.
    public static let overRepresented: Set<String> = ["Nouvelle-Aquitaine", "Auvergne-Rhône-Alpes", "Occitanie"]
    /// Wave sizes of the real barometer.
    public static let waveSizes = [2729, 629, 587]
    /// Wave-1 communes: 88 % of 2,729.
    public static let wave1Communes = 2402
    /// Respondents of waves 2 and 3 drawn among wave-1 respondents (the rest are newcomers).
    public static let fromWave1 = [560, 520]

    /// How respondents select themselves.
    public enum Scenario: String, Sendable, CaseIterable {
        /// Wave-1 response and staying depend on the latent maturity, which no frame variable or margin measures.
        case selfSelected = "self-selected"
        /// Wave-1 response depends on frame variables only, staying on frame variables and wave-1 answers only.
        case missingAtRandom = "mar"
    }

    /// The frame.
    public var frame: CollectiviteFrame
    /// Seed.
    public var seed: UInt64
    /// Scenario.
    public var scenario: Scenario

    /// Creates the simulation.
    public init(frame: CollectiviteFrame, seed: UInt64 = 2026, scenario: Scenario = .selfSelected) {
        self.frame = frame
        self.seed = seed
        self.scenario = scenario
    }

    /// What the simulation produced.
    public struct Output: Sendable {
        /// Latent maturity of every unit (frame order).
        public var maturity: [Double]
        /// Answer of every unit to every question: `answers[question name][unit]`.
        public var answers: [String: [Bool]]
        /// Respondents of each wave (frame indices, increasing).
        public var respondents: [[Int]]
        /// Population share of "oui" for each question.
        public var truth: [String: Double]
        /// Population share among small collectivités (communes < 3,500 inhabitants) and among the others.
        public var truthSmall: [String: Double], truthLarge: [String: Double]
        /// Intercept solved for each question.
        public var intercepts: [String: Double]
    }

    /// Runs the simulation.
    public func run() -> Output {
        var rng = SimulationRandom(seed: seed)
        let units = frame.units
        let n = units.count
        let s = units.map { max(-3, min(6, ($0.logPopulation - 7) / 1.5)) }
        let tau: [String: Double] = ["commune": 0, "EPCI": 0.3, "département": 0.5, "région": 0.6]
        let eps = (0..<n).map { _ in rng.normal() }
        let maturity = (0..<n).map { 0.45 * s[$0] + tau[units[$0].type]! + eps[$0] }
        // One uniform per unit and question, drawn before any selection (common random numbers).
        var uniforms: [String: [Double]] = [:]
        for q in Self.questions { uniforms[q.name] = (0..<n).map { _ in rng.uniform() } }

        // Wave 1.
        let selfSelected = scenario == .selfSelected
        let regionFactor = units.map { Self.overRepresented.contains($0.region) ? 3.5 : 1.0 }
        let typeFactor: [String: Double] = ["commune": 1, "EPCI": 1, "département": 0.6, "région": 0.5]
        let communes = (0..<n).filter { units[$0].type == "commune" }, others = (0..<n).filter { units[$0].type != "commune" }
        func measure1(_ i: Int) -> Double {
            let e = selfSelected ? 0.3 * eps[i] : 0
            return units[i].type == "commune" ? regionFactor[i] * exp(0.8 * s[i] + e)
                                              : regionFactor[i] * typeFactor[units[i].type]! * exp(0.4 * s[i] + e)
        }
        var wave1 = FixedSizeDraw.systematic(units: communes, sizes: communes.map(measure1), n: Self.wave1Communes, rng: &rng)
        wave1 += FixedSizeDraw.systematic(units: others, sizes: others.map(measure1), n: Self.waveSizes[0] - Self.wave1Communes, rng: &rng)
        wave1.sort()

        // Answers: intercepts solved on each wave's respondents.
        var answers: [String: [Bool]] = [:], intercepts: [String: Double] = [:]
        func answer(_ q: Question, respondents: [Int]) {
            let u = uniforms[q.name]!
            let target = Int((q.published * Double(respondents.count)).rounded())
            func count(_ a: Double) -> Int { respondents.reduce(0) { $0 + (u[$1] < expit(a + q.maturityEffect * maturity[$1]) ? 1 : 0) } }
            var lo = -30.0, hi = 30.0
            for _ in 0..<80 {
                let mid = (lo + hi) / 2
                if count(mid) < target { lo = mid } else { hi = mid }
            }
            intercepts[q.name] = hi
            answers[q.name] = (0..<n).map { u[$0] < expit(hi + q.maturityEffect * maturity[$0]) }
        }
        for q in Self.questions(wave: 1) { answer(q, respondents: wave1) }

        // Mature wave-1 answers, standardised among wave-1 respondents (the missing-at-random driver of staying).
        let matureCount = wave1.map { i in Self.questions(wave: 1).reduce(0.0) { $0 + ((answers[$1.name]![i] == ($1.maturityEffect > 0)) ? 1 : 0) } }
        let meanA = matureCount.reduce(0, +) / Double(wave1.count)
        let sdA = (matureCount.reduce(0) { $0 + ($1 - meanA) * ($1 - meanA) } / Double(wave1.count - 1)).squareRoot()
        let a = matureCount.map { ($0 - meanA) / max(sdA, 1e-9) }
        func stay(_ k: Int) -> Double {
            let i = wave1[k]
            return selfSelected ? exp(0.3 * s[i] + 0.4 * eps[i]) : exp(0.3 * s[i] + 0.5 * a[k])
        }
        let inWave1 = Set(wave1)
        let outsiders = (0..<n).filter { !inWave1.contains($0) }
        var waves = [wave1]
        for w in 2...3 {
            let previous = w == 3 ? Set(waves[1]) : []
            let stayers = FixedSizeDraw.systematic(units: Array(0..<wave1.count),
                                                   sizes: (0..<wave1.count).map { stay($0) * (previous.contains(wave1[$0]) ? 3 : 1) },
                                                   n: Self.fromWave1[w - 2], rng: &rng).map { wave1[$0] }
            let newcomers = FixedSizeDraw.systematic(units: outsiders, sizes: outsiders.map { measure1($0) * (previous.contains($0) ? 3 : 1) },
                                                     n: Self.waveSizes[w - 1] - Self.fromWave1[w - 2], rng: &rng)
            let respondents = (stayers + newcomers).sorted()
            waves.append(respondents)
            for q in Self.questions(wave: w) { answer(q, respondents: respondents) }
        }
        var truth: [String: Double] = [:], small: [String: Double] = [:], large: [String: Double] = [:]
        let smallUnits = units.map(\.isSmall)
        let nSmall = Double(smallUnits.filter { $0 }.count)
        for q in Self.questions {
            let v = answers[q.name]!
            var all = 0.0, sm = 0.0
            for i in 0..<n where v[i] { all += 1; if smallUnits[i] { sm += 1 } }
            truth[q.name] = all / Double(n)
            small[q.name] = sm / nSmall
            large[q.name] = (all - sm) / (Double(n) - nSmall)
        }
        return Output(maturity: maturity, answers: answers, respondents: waves, truth: truth, truthSmall: small,
                      truthLarge: large, intercepts: intercepts)
    }

    /// Frame columns written in every wave file.
    public static let frameColumns = ["id", "type", "nom", "region", "departement", "strate", "taille", "population", "log_population", "petite"]

    /// The file of wave `wave` (CSV text): the frame columns, then the wave's questions ("oui"/"non").
    public func waveFile(_ out: Output, wave: Int) -> String {
        let qs = Self.questions(wave: wave)
        var text = (Self.frameColumns + qs.map(\.name)).joined(separator: ",") + "\n"
        for i in out.respondents[wave - 1] {
            let u = frame.units[i]
            let fields = [u.id, u.type, u.name, u.region, u.departement, u.strate, u.taille, String(u.population),
                          String(format: "%.4f", u.logPopulation), u.isSmall ? "oui" : "non"]
                + qs.map { out.answers[$0.name]![i] ? "oui" : "non" }
            text += fields.map(Self.csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    /// The truth (CSV text): `indicator,wave,theme,published_raw,population_rate,small_rate,large_rate`.
    public static func truthFile(_ out: Output) -> String {
        var text = "indicator,wave,theme,published_raw,population_rate,small_rate,large_rate\n"
        for q in questions {
            text += [q.name, String(q.wave), q.theme, String(format: "%.2f", q.published), String(format: "%.6f", out.truth[q.name]!),
                     String(format: "%.6f", out.truthSmall[q.name]!), String(format: "%.6f", out.truthLarge[q.name]!)]
                .map(csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    /// The whole simulated population (CSV text): id, type, latent maturity, and every unit's answer to every question.
    public func populationFile(_ out: Output) -> String {
        var text = (["id", "type", "maturite_latente"] + Self.questions.map(\.name)).joined(separator: ",") + "\n"
        for (i, u) in frame.units.enumerated() {
            text += ([u.id, u.type, String(format: "%.4f", out.maturity[i])] + Self.questions.map { out.answers[$0.name]![i] ? "oui" : "non" })
                .joined(separator: ",") + "\n"
        }
        return text
    }

    static func csvField(_ v: String) -> String {
        v.contains(",") || v.contains("\"") ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
    }
}

@inline(__always) private func expit(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

/// Fixed-size draws with unequal probabilities.
public enum FixedSizeDraw {
    /// Inclusion probabilities proportional to `sizes` summing to `n`, those above 1 set to 1 and the rest rescaled
    /// (repeated until none exceeds 1).
    public static func inclusionProbabilities(_ sizes: [Double], n: Int) -> [Double] {
        precondition(n <= sizes.count)
        var pi = [Double](repeating: 0, count: sizes.count)
        var certain = Set<Int>()
        while true {
            let rest = sizes.indices.filter { !certain.contains($0) }
            let total = rest.reduce(0) { $0 + sizes[$1] }
            let left = Double(n - certain.count)
            var changed = false
            for i in rest {
                pi[i] = total > 0 ? left * sizes[i] / total : left / Double(rest.count)
                if pi[i] >= 1 { certain.insert(i); pi[i] = 1; changed = true }
            }
            if !changed { return pi }
        }
    }

    /// Systematic πps sampling in a random order (Madow 1949; Goodman & Kish 1950): exactly `n` distinct units.
    static func systematic(units: [Int], sizes: [Double], n: Int, rng: inout SimulationRandom) -> [Int] {
        let pi = inclusionProbabilities(sizes, n: n)
        var order = Array(units.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.uniform() * Double(i + 1))) }
        let start = rng.uniform()
        var cumulative = 0.0, next = start, chosen: [Int] = []
        for k in order {
            cumulative += pi[k]
            while next < cumulative - 1e-12 && chosen.count < n {
                chosen.append(units[k])
                next += 1
            }
        }
        // Rounding can leave the last point just beyond the cumulated total.
        if chosen.count < n, let last = order.last(where: { !chosen.contains(units[$0]) }) { chosen.append(units[last]) }
        return chosen
    }
}

/// ``SplitMix64`` (the bootstrap's generator) with uniform and Box–Muller normal draws, for the simulations.
struct SimulationRandom: Sendable {
    var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
    mutating func normal() -> Double { (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * Double.pi * uniform()) }
}
