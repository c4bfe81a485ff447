import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// The simulated barometer (issue 18's "Checks") for the default seed, and the demo built on it.
@Suite("The simulated barometer and its demo")
struct BarometerDemoTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let frame: CollectiviteFrame = try! CollectiviteFrame(table: Table(contentsOf: root.appendingPathComponent("data/frame/collectivites.csv").path))
    static let simulation = BarometerSimulation(frame: frame)
    static let output = simulation.run()

    @Test("the frame holds every collectivité: 34,875 communes, 1,255 EPCI, 101 départements, 18 régions")
    func frameHoldsEveryType() {
        let counts = Dictionary(grouping: Self.frame.units, by: \.type).mapValues(\.count)
        #expect(counts == ["commune": 34875, "EPCI": 1255, "département": 101, "région": 18])
    }

    @Test("wave sizes are exactly 2,729, 629 and 587, each respondent once")
    func waveSizes() {
        #expect(Self.output.respondents.map(\.count) == [2729, 629, 587])
        for r in Self.output.respondents { #expect(Set(r).count == r.count) }
    }

    @Test("88 % of wave-1 respondents are communes, and the other three types all answer")
    func typeShares() {
        let types = Self.output.respondents[0].map { Self.frame.units[$0].type }
        #expect(types.filter { $0 == "commune" }.count == 2402)  // 88.0 %
        for t in ["EPCI", "département", "région"] { #expect(types.contains(t), "no \(t) in wave 1") }
    }

    @Test("Nouvelle-Aquitaine, Auvergne-Rhône-Alpes and Occitanie answer far more than their share (at least 1.5 times it), more so than any other metropolitan region")
    func regionalOverRepresentation() {
        let units = Self.frame.units, wave1 = Self.output.respondents[0]
        var ratio: [String: Double] = [:]
        for r in Set(units.map(\.region)) {
            let frameShare = Double(units.filter { $0.region == r }.count) / Double(units.count)
            ratio[r] = Double(wave1.filter { units[$0].region == r }.count) / Double(wave1.count) / frameShare
        }
        let three = BarometerSimulation.overRepresented.map { ratio[$0]! }
        for r in BarometerSimulation.overRepresented { #expect(ratio[r]! >= 1.5, "\(r): \(ratio[r]!) times its share") }
        // Overseas regions hold few, mostly large communes, which answer more for their size.
        for (r, x) in ratio where !BarometerSimulation.overRepresented.contains(r) && !units.contains(where: { $0.region == r && $0.overseas }) {
            #expect(x < three.min()!, "\(r): \(x) times its share")
        }
    }

    @Test("later waves come mostly, not only, from wave-1 respondents")
    func laterWavesMostlyFromWave1() {
        let wave1 = Set(Self.output.respondents[0])
        for k in 1...2 {
            let share = Double(Self.output.respondents[k].filter { wave1.contains($0) }.count) / Double(Self.output.respondents[k].count)
            #expect(share > 0.75 && share < 1, "wave \(k + 1): \(share)")
        }
    }

    @Test("each indicator's raw share is within two standard errors of the published figure, and each wave asks its own questions (at least two per theme)")
    func rawSharesNearPublished() throws {
        for w in 1...3 {
            let respondents = Self.output.respondents[w - 1]
            let table = try Table(buffer: CSVBuffer(bytes: Array(Self.simulation.waveFile(Self.output, wave: w).utf8), file: "vague\(w).csv"))
            #expect(table.rowCount == respondents.count)
            for q in BarometerSimulation.questions where q.wave != w { #expect(!table.has(q.name), "\(q.name) asked in wave \(w)") }
            for theme in BarometerSimulation.themes(wave: w) { #expect(BarometerSimulation.questions(wave: w).filter { $0.theme == theme }.count >= 2) }
            for q in BarometerSimulation.questions(wave: w) {
                let c = try table.categorical(q.name)
                let yes = Double(c.codes.filter { c.levels[Int($0)] == "oui" }.count) / Double(table.rowCount)
                let se = (q.published * (1 - q.published) / Double(table.rowCount)).squareRoot()
                #expect(abs(yes - q.published) <= 2 * se, "\(q.name): raw \(yes), published \(q.published)")
            }
        }
    }

    @Test("the truth file is the population's share of every answer, and respondents' answers are their population answers")
    func truthMatchesPopulation() throws {
        let population = try Table(buffer: CSVBuffer(bytes: Array(Self.simulation.populationFile(Self.output).utf8), file: "population.csv"))
        let truth = try Table(buffer: CSVBuffer(bytes: Array(BarometerSimulation.truthFile(Self.output).utf8), file: "verite.csv"))
        #expect(population.rowCount == 36249)
        #expect(truth.rowCount == BarometerSimulation.questions.count)
        let names = try truth.categorical("indicator"), rates = try truth.numeric("population_rate").values
        for (k, code) in names.codes.enumerated() {
            let name = names.levels[Int(code)]
            let c = try population.categorical(name)
            let share = Double(c.codes.filter { c.levels[Int($0)] == "oui" }.count) / Double(population.rowCount)
            #expect(abs(share - rates[k]) < 1e-6, "\(name): population \(share), truth file \(rates[k])")
        }
        // Respondents more mature than the population: the truth of a mark of maturity is below its raw share.
        for q in BarometerSimulation.questions where q.maturityEffect >= 0.8 {
            #expect(Self.output.truth[q.name]! < q.published, "\(q.name)")
        }
        let ids = try population.categorical("id")
        let wave2 = try Table(buffer: CSVBuffer(bytes: Array(Self.simulation.waveFile(Self.output, wave: 2).utf8), file: "vague2.csv"))
        let wid = try wave2.categorical("id"), saas = try wave2.categorical("saas"), popSaas = try population.categorical("saas")
        let rowOf = Dictionary(uniqueKeysWithValues: ids.codes.enumerated().map { (ids.levels[Int($0.element)], $0.offset) })
        for i in 0..<wave2.rowCount {
            let j = rowOf[wid.levels[Int(wid.codes[i])]]!
            #expect(saas.levels[Int(saas.codes[i])] == popSaas.levels[Int(popSaas.codes[j])])
        }
    }

    @Test("the simulation is deterministic for a seed and differs between seeds")
    func deterministic() {
        let a = BarometerSimulation(frame: Self.frame, seed: 7).run(), b = BarometerSimulation(frame: Self.frame, seed: 7).run()
        let c = BarometerSimulation(frame: Self.frame, seed: 8).run()
        #expect(a.respondents == b.respondents && a.truth == b.truth && a.answers == b.answers)
        #expect(a.respondents != c.respondents)
    }

    @Test("systematic πps draws give each unit its inclusion probability (10,000 draws, within 4 Monte Carlo SE)")
    func systematicDrawInclusionProbabilities() {
        let sizes: [Double] = [1, 2, 3, 4, 5, 10, 20, 40, 1, 1]
        let pi = FixedSizeDraw.inclusionProbabilities(sizes, n: 4)
        #expect(abs(pi.reduce(0, +) - 4) < 1e-12)
        #expect(pi[7] == 1)
        var rng = SimulationRandom(seed: 3)
        var counts = [Int](repeating: 0, count: sizes.count)
        let draws = 10000
        for _ in 0..<draws {
            let s = FixedSizeDraw.systematic(units: Array(sizes.indices), sizes: sizes, n: 4, rng: &rng)
            #expect(s.count == 4 && Set(s).count == 4)
            for i in s { counts[i] += 1 }
        }
        for i in sizes.indices {
            let p = Double(counts[i]) / Double(draws), se = (pi[i] * (1 - pi[i]) / Double(draws)).squareRoot()
            #expect(abs(p - pi[i]) <= 4 * se + 1e-12, "unit \(i): \(p) against \(pi[i])")
        }
    }

    @Test("the demo: per wave and theme, weighted estimates move from the raw shares toward the truth; two-phase variances carry a phase-1 part, are on average wider than one-phase ones with the classes known and narrower with them estimated")
    func demo() throws {
        let margins = try MarginsFile.read(Self.root.appendingPathComponent("data/margins/collectivites/collectivites_region_strate.csv").path)
        let out = try BarometerDemo(frame: Self.frame, rakingMargins: margins).run()
        #expect(out.rows.count == BarometerSimulation.questions.count)
        let closer = out.rows.filter(\.weightedCloser).count
        #expect(closer >= out.rows.count * 3 / 4, "\(closer) of \(out.rows.count)")
        let rawBias = out.rows.reduce(0) { $0 + abs($1.raw - $1.truth) }, weightedBias = out.rows.reduce(0) { $0 + abs($1.weighted - $1.truth) }
        #expect(weightedBias < 0.6 * rawBias, "mean absolute bias raw \(rawBias / 28), weighted \(weightedBias / 28)")
        // The two-phase variance adds the wave-1 sampling variance of the totals waves 2-3 are calibrated to.
        for r in out.rows where r.wave > 1 { #expect(r.phase1Variance > 0, "\(r.indicator)") }
        // With the classes' staying rates taken as known, the two-phase SE is wider than the one-phase one on average;
        // their estimation (Kim & Kim 2007) takes out the part of the phase-2 variance the classes explain.
        var knownDemo = BarometerDemo(frame: Self.frame, rakingMargins: margins)
        knownDemo.includeResponseModelVariance = false
        let known = try knownDemo.run().rows.filter { $0.wave > 1 }
        let later = out.rows.filter { $0.wave > 1 }
        // (Plain residuals, as R's twophase: the leverage correction, larger with the classes' indicators, is apart.)
        let knownRatio = known.reduce(0) { $0 + $1.plainSE / $1.onePhaseSE } / Double(known.count)
        let estimatedRatio = zip(later, known).reduce(0) { $0 + $1.0.plainSE / $1.1.plainSE } / Double(later.count)
        // The leverage correction (jackknife-like by default) widens every interval of waves 2-3, hc2 less.
        #expect(later.allSatisfy { $0.se > $0.hc2SE && $0.hc2SE > $0.plainSE }, "default, hc2 and plain SEs")
        #expect(knownRatio > 1, "two-phase (classes known) / one-phase SE: \(knownRatio)")
        #expect(estimatedRatio < 1, "two-phase SE, classes estimated / known: \(estimatedRatio)")
        #expect(zip(later, known).allSatisfy { $0.0.weighted == $0.1.weighted && $0.0.phase1Variance == $0.1.phase1Variance })
        #expect(out.html.contains("class=\"chart comparison\"") && out.html.contains("class=\"tick-label\"") && out.html.contains("class=\"truth\""))
        #expect(out.html.contains("The data are simulated"))
    }
}
