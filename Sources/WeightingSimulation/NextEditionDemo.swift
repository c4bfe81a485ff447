import Foundation
import Weighting
import WeightingIO
import WeightingReports

/// The barometer's headline questions on a simulated pair of editions, next to the truth the simulation knows:
/// the gap between the smallest and the largest communes and each region against France in the 2025 edition
/// (design-based contrasts of the raked estimates, Holm-adjusted), and the change of every indicator between the
/// 2025 edition and a next one in which part of the 2025 respondents answer again (attrition-weighted panel,
/// panel and independent-samples standard errors).
public struct NextEditionDemo: Sendable {
    /// The simulator of the two editions.
    public var simulator: NextEditionSimulator
    /// Region and size margins.
    public var margins: Margins
    /// Seed of the samples' draw.
    public var seed: UInt64

    /// Creates the demo.
    public init(simulator: NextEditionSimulator, margins: Margins, seed: UInt64 = 2026) {
        self.simulator = simulator
        self.margins = margins
        self.seed = seed
    }

    /// A comparison with its true value.
    public struct Comparison: Sendable {
        /// The indicator.
        public var indicator: String
        /// The contrast.
        public var estimate: ContrastEstimate
        /// Its true value in the population.
        public var truth: Double
    }

    /// Everything the demo produced.
    public struct Output: Sendable {
        /// The files: the 2025 edition, the next edition, the truth.
        public var files: (first: String, next: String, truth: String)
        /// Respondents of each edition.
        public var respondents: (first: Int, next: Int)
        /// Largest minus smallest size class in 2025, per indicator.
        public var sizeGaps: [Comparison]
        /// Each region minus France for `site_web` in 2025 (Holm-adjusted p-values).
        public var regions: [Comparison]
        /// The change of each indicator, with the true change.
        public var changes: [ChangeTableRow]
        /// The HTML report of the changes.
        public var html: String
    }

    /// The size classes compared: the smallest and the largest.
    public var sizePair: (small: String, large: String) { (simulator.sizes.first ?? "", simulator.sizes.last ?? "") }

    /// Runs the demo in memory.
    public func run(level: Double = 0.95) throws -> Output {
        let population = simulator.population()
        let editions = simulator.draw(population, seed: seed)
        let files = simulator.files(population, editions)
        let t1 = try Table(buffer: CSVBuffer(bytes: Array(files.first.utf8), file: "edition2025.csv"))
        let t2 = try Table(buffer: CSVBuffer(bytes: Array(files.next.utf8), file: "edition_suivante.csv"))
        let calibrator = Calibrator(margins: margins, method: .raking)
        let cal = try calibrator.calibrate(t1, weightColumn: "poids_base")
        let estimator = SurveyEstimator(table: t1, design: try SurveyDesign(table: t1, weight: "poids_base").calibrated(cal))
        let indicators = BarometerSimulator.indicators.map(\.name)
        // The gap between the largest and the smallest communes.
        let (small, large) = sizePair
        let sizeIndex = (simulator.sizes.firstIndex(of: small)!, simulator.sizes.firstIndex(of: large)!)
        var gaps: [Comparison] = []
        for name in indicators {
            let joint = try estimator.jointEstimates(variable: name, level: "oui", statistic: .mean, by: ["taille"])
            let truth = population.truthBySize[name]!
            gaps.append(Comparison(indicator: name, estimate: try joint.estimate(.difference(large, small), level: level),
                                   truth: truth[sizeIndex.1].first - truth[sizeIndex.0].first))
        }
        // Each region against France (site_web).
        let joint = try estimator.jointEstimates(variable: "site_web", level: "oui", statistic: .mean, by: ["region"])
        var against = try DomainComparison.againstWhole(joint, level: level)
        let adjusted = PValueAdjustment.holm.adjust(against.map(\.pValue))
        for i in against.indices { against[i].adjustedPValue = adjusted[i] }
        let siteWeb = BarometerSimulator.indicators.firstIndex { $0.name == "site_web" }!
        var regionTotals: [String: (Double, Double)] = [:]
        for i in population.region.indices { regionTotals[population.region[i], default: (0, 0)].0 += population.first[siteWeb][i] ? 1 : 0; regionTotals[population.region[i], default: (0, 0)].1 += 1 }
        let france = population.truth["site_web"]!.first
        let regions = against.map { c -> Comparison in
            let region = String(c.label.dropLast(" - \(JointEstimates.wholeName)".count))
            let t = regionTotals[region] ?? (0, 1)
            return Comparison(indicator: "site_web", estimate: c, truth: t.0 / t.1 - france)
        }
        // The change between the editions: the returning communes re-weighted from 2025.
        let weighting = try PanelWeighting(waves: [t1, t2], idColumn: "code_commune", calibrator: calibrator, wave1Weight: "poids_base",
                                           covariates: ["rang_taille", "score_maturite"], adjustment: .inversePropensity,
                                           calibrateToWave1: ["score_maturite"])
        let panel = try weighting.change(toWave: 2, wave1: cal)
        var estimates: [ChangeEstimate] = []
        for name in indicators {
            let c1 = try t1.categorical(name), c2 = try t2.categorical(name)
            let y1 = (0..<t1.rowCount).map { c1[$0] == "oui" ? 1.0 : 0.0 }
            let y2 = panel.part.rows.map { c2[$0] == "oui" ? 1.0 : 0.0 }
            estimates.append(try panel.design.change(y1: y1, y2: y2, variable: "\(name)=oui", statistic: "proportion", level: level))
        }
        let p = PValueAdjustment.holm.adjust(estimates.map(\.change.pValue))
        let changes = zip(estimates, p).enumerated().map { k, e in
            let t = population.truth[indicators[k]]!
            return ChangeTableRow(change: e.0, pAdjusted: e.1, truth: t.next - t.first)
        }
        let html = ChangeTable.html(changes, level: level, title: "Baromètre (simulated): change between the 2025 edition and the next",
                                    waveNames: ["2025", "next edition"],
                                    notes: ["\(editions.first.count) communes answered in 2025, \(editions.next.count) of them again; the next edition's weights: inverse propensity of answering again (size rank, 2025 maturity score), raked to region and size and to the 2025 total of the score. Diamonds: the true change of the population."])
        return Output(files: files, respondents: (editions.first.count, editions.next.count), sizeGaps: gaps, regions: regions,
                      changes: changes, html: html)
    }
}
