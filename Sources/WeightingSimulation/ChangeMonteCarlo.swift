import Foundation
import Weighting
import WeightingIO
import WeightingReports

/// Monte Carlo check of the change estimate: pairs of editions drawn by ``NextEditionSimulator`` on one
/// population (the 2025 sample Poisson with base weights `1/π`, raked on region and size; the returning
/// respondents' weights adjusted by an inverse-propensity model on the size rank and the 2025 maturity score, then raked
/// to the margins and to the 2025 weighted total of the score), the change of each indicator estimated with
/// its panel standard error (linearization, or the bootstrap carried through the chain) and with the
/// independent-samples one, against the known true change.
public struct ChangeMonteCarlo: Sendable {
    /// The simulator.
    public var simulator: NextEditionSimulator
    /// Region and size margins of the population.
    public var margins: Margins
    /// Bootstrap replicates per pair (0: linearization).
    public var replicates: Int = 0

    /// Creates the check.
    public init(simulator: NextEditionSimulator, margins: Margins, replicates: Int = 0) {
        self.simulator = simulator
        self.margins = margins
        self.replicates = replicates
    }

    /// Results over the pairs, per indicator.
    public struct Figures: Sendable {
        /// Indicator.
        public var indicator: String
        /// True change.
        public var truth: Double
        /// Pairs drawn.
        public var pairs: Int
        /// Mean estimated change minus the truth.
        public var bias: Double
        /// Empirical standard deviation of the estimated change.
        public var empiricalSD: Double
        /// Mean panel standard error.
        public var meanSE: Double
        /// Mean independent-samples standard error.
        public var meanIndependentSE: Double
        /// Share of panel intervals covering the truth.
        public var coverage: Double
        /// Share of independent-samples intervals covering the truth.
        public var independentCoverage: Double
        /// Each edition's level on its own: empirical variance of the estimate, mean estimated variance, and
        /// coverage of its interval (the 2025 edition's and the next one's).
        public var levelEmpiricalVariance: [Double] = [0, 0], levelEstimatedVariance: [Double] = [0, 0], levelCoverage: [Double] = [0, 0]
        /// The next edition's error split in two: the raked 2025 estimator of the next edition's answers over all
        /// 2025 respondents (known to the simulation) minus the truth, and the estimate minus that: empirical
        /// variances.
        public var nextPhase1EmpiricalVariance = 0.0, nextPhase2EmpiricalVariance = 0.0
        /// The panel SE and coverage without the leverage correction of the returning respondents' contributions
        /// (``LeverageAdjustment/none``): R survey's plain linearization, or the plain bootstrap of the same
        /// replicates.
        public var meanPlainSE = Double.nan, plainCoverage = Double.nan
    }

    /// The change estimates of every indicator on one draw.
    public func estimates(_ population: NextEditionSimulator.Population, seed: UInt64, level: Double = 0.95) throws -> [ChangeEstimate] {
        try estimatesWithPhase1(population, seed: seed, level: level).estimates
    }

    /// The change estimates, and for each indicator the raked 2025 estimator of the next edition's answers over all
    /// 2025 respondents (the simulation knows them).
    func estimatesWithPhase1(_ population: NextEditionSimulator.Population, seed: UInt64, level: Double = 0.95) throws
        -> (estimates: [ChangeEstimate], phase1: [Double], plain: [ChangeEstimate]) {
        let editions = simulator.draw(population, seed: seed)
        let files = simulator.files(population, editions)
        let t1 = try Table(buffer: CSVBuffer(bytes: Array(files.first.utf8), file: "edition2025.csv"))
        let t2 = try Table(buffer: CSVBuffer(bytes: Array(files.next.utf8), file: "next.csv"))
        let weighting = try PanelWeighting(waves: [t1, t2], idColumn: "code_commune", calibrator: Calibrator(margins: margins, method: .raking),
                                           wave1Weight: "poids_base", covariates: ["rang_taille", "score_maturite"],
                                           adjustment: .inversePropensity, calibrateToWave1: ["score_maturite"])
        let panel = try weighting.change(toWave: 2, wave1: try weighting.calibrateWave1(),
                                         bootstrap: replicates >= 2 ? AttritionBootstrap(replicates: replicates, seed: seed &+ 7) : nil)
        var plainDesign = panel.design
        plainDesign.second.leverage = .none
        var plain: [ChangeEstimate] = []
        let estimates = try BarometerSimulator.indicators.map { ind in
            let c1 = try t1.categorical(ind.name), c2 = try t2.categorical(ind.name)
            let y1 = (0..<t1.rowCount).map { c1[$0] == "oui" ? 1.0 : 0.0 }
            let y2 = panel.part.rows.map { c2[$0] == "oui" ? 1.0 : 0.0 }
            plain.append(try plainDesign.change(y1: y1, y2: y2, variable: "\(ind.name)=oui", statistic: "proportion", level: level))
            return try panel.design.change(y1: y1, y2: y2, variable: "\(ind.name)=oui", statistic: "proportion", level: level)
        }
        let w1 = panel.design.first.weights, total = w1.reduce(0, +)
        let phase1 = population.next.map { answers in zip(editions.first, w1).reduce(0) { $0 + (answers[$1.0] ? $1.1 : 0) } / total }
        return (estimates, phase1, plain)
    }

    /// Draws replaced in the last ``run(pairs:level:)`` because a calibration level had no respondent.
    public private(set) var redrawn = 0

    /// Runs `pairs` draws (seeds 1, 2, …; a draw whose calibration is undefined is replaced and counted in
    /// ``redrawn``) and summarizes them per indicator.
    public mutating func run(pairs: Int, level: Double = 0.95) throws -> [Figures] {
        let population = simulator.population()
        let k = BarometerSimulator.indicators.count
        var sums = [[Double]](repeating: [], count: k), ses = sums, ind = sums
        var covered = [Int](repeating: 0, count: k), coveredIndependent = covered
        var levels = [[[Double]]](repeating: [[], []], count: k), levelVariances = levels, levelCovered = [[Int]](repeating: [0, 0], count: k)
        var nextPhase1 = [[Double]](repeating: [], count: k)
        var plainSE = [[Double]](repeating: [], count: k), plainCovered = [Int](repeating: 0, count: k)
        var seed: UInt64 = 0, done = 0
        redrawn = 0
        while done < pairs {
            seed += 1
            let e: [ChangeEstimate], p1: [Double], plain: [ChangeEstimate]
            do { (e, p1, plain) = try estimatesWithPhase1(population, seed: seed, level: level) } catch let error as CalibrationError {
                // A draw in which a calibration level has no respondent (a small region among the returning
                // communes): the estimator is undefined there; the draw is replaced (conditional on every level
                // being represented, as the attrition bootstrap does) and counted.
                redrawn += 1
                if redrawn > pairs { throw error }
                continue
            }
            done += 1
            for (j, c) in e.enumerated() {
                let truth = population.truth[BarometerSimulator.indicators[j].name]!
                let delta = truth.next - truth.first
                sums[j].append(c.change.estimate)
                for (w, (l, t)) in [(c.wave1, truth.first), (c.wave2, truth.next)].enumerated() {
                    levels[j][w].append(l.estimate - t)
                    levelVariances[j][w].append((l.se ?? .nan) * (l.se ?? .nan))
                    if let a = l.ciLow, let b = l.ciHigh, a <= t && t <= b { levelCovered[j][w] += 1 }
                }
                nextPhase1[j].append(p1[j] - truth.next)
                if j < plain.count, let se = plain[j].change.se {
                    plainSE[j].append(se)
                    if let a = plain[j].change.ciLow, let b = plain[j].change.ciHigh, a <= delta && delta <= b { plainCovered[j] += 1 }
                }
                ses[j].append(c.change.se ?? .nan)
                ind[j].append(c.independentSE ?? .nan)
                if let a = c.change.ciLow, let b = c.change.ciHigh, a <= delta && delta <= b { covered[j] += 1 }
                if let s = c.independentSE {
                    let q = StudentT(degreesOfFreedom: c.change.df).quantile(1 - (1 - level) / 2)
                    if abs(c.change.estimate - delta) <= q * s { coveredIndependent[j] += 1 }
                }
            }
        }
        return (0..<k).map { j in
            let name = BarometerSimulator.indicators[j].name
            let truth = population.truth[name]!
            let n = Double(pairs)
            let mean = sums[j].reduce(0, +) / n
            let sd = (sums[j].reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(1, n - 1)).squareRoot()
            func variance(_ x: [Double]) -> Double {
                let m = x.reduce(0, +) / Double(x.count)
                return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / max(1, Double(x.count - 1))
            }
            var f = Figures(indicator: name, truth: truth.next - truth.first, pairs: pairs, bias: mean - (truth.next - truth.first),
                            empiricalSD: sd, meanSE: ses[j].reduce(0, +) / n, meanIndependentSE: ind[j].reduce(0, +) / n,
                            coverage: Double(covered[j]) / n, independentCoverage: Double(coveredIndependent[j]) / n)
            f.levelEmpiricalVariance = levels[j].map(variance)
            f.levelEstimatedVariance = levelVariances[j].map { $0.reduce(0, +) / n }
            f.levelCoverage = levelCovered[j].map { Double($0) / n }
            f.nextPhase1EmpiricalVariance = variance(nextPhase1[j])
            f.nextPhase2EmpiricalVariance = variance(zip(levels[j][1], nextPhase1[j]).map { $0.0 - $0.1 })
            if !plainSE[j].isEmpty {
                f.meanPlainSE = plainSE[j].reduce(0, +) / Double(plainSE[j].count)
                f.plainCoverage = Double(plainCovered[j]) / Double(plainSE[j].count)
            }
            return f
        }
    }

    /// The figures as a Markdown table, with the binomial Monte Carlo standard error of each coverage.
    public static func markdown(_ figures: [Figures], replicates: Int, redrawn: Int) -> String {
        let pairs = figures.first?.pairs ?? 0
        var t = "Change Monte Carlo, \(replicates >= 2 ? "bootstrap carried through the attrition chain, \(replicates) replicates per pair" : "linearization"): "
            + "\(pairs) pairs (\(redrawn) draw(s) replaced: a calibration level without respondent)\n\n"
        let plain = figures.contains { $0.meanPlainSE.isFinite && $0.meanPlainSE > 0 }
        t += "| indicator | true change | bias | empirical SD | mean panel SE | mean independent SE | coverage (panel) | MC SE | coverage (independent) |\(plain ? " panel SE without leverage correction | its coverage |" : "")\n"
        t += "|---|---:|---:|---:|---:|---:|---:|---:|---:|\(plain ? "---:|---:|" : "")\n"
        for f in figures {
            let mcse = (f.coverage * (1 - f.coverage) / Double(max(f.pairs, 1))).squareRoot()
            t += "| \(f.indicator) | \(NumberFormat.fixed(f.truth, 4)) | \(f.bias >= 0 ? "+" : "")\(NumberFormat.fixed(f.bias, 4)) | \(NumberFormat.fixed(f.empiricalSD, 4)) | "
                + "\(NumberFormat.fixed(f.meanSE, 4)) | \(NumberFormat.fixed(f.meanIndependentSE, 4)) | \(NumberFormat.fixed(f.coverage, 3)) | \(NumberFormat.fixed(mcse, 3)) | \(NumberFormat.fixed(f.independentCoverage, 3)) |"
                + (plain ? " \(NumberFormat.fixed(f.meanPlainSE, 4)) | \(NumberFormat.fixed(f.plainCoverage, 3)) |" : "") + "\n"
        }
        t += "\nEach edition's level (variances in squared points; the next edition's error split into the raked 2025 estimator of its answers over all 2025 respondents minus the truth, and the estimate minus that):\n\n"
        t += "| indicator | 2025: empirical var | estimated var | coverage | next: empirical var | estimated var | coverage | next, phase-1 part | phase-2 part |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for f in figures {
            func v(_ x: Double) -> String { NumberFormat.fixed(1e4 * x, 3) }
            t += "| \(f.indicator) | \(v(f.levelEmpiricalVariance[0])) | \(v(f.levelEstimatedVariance[0])) | \(NumberFormat.fixed(f.levelCoverage[0], 3)) | \(v(f.levelEmpiricalVariance[1])) | \(v(f.levelEstimatedVariance[1])) | \(NumberFormat.fixed(f.levelCoverage[1], 3)) | \(v(f.nextPhase1EmpiricalVariance)) | \(v(f.nextPhase2EmpiricalVariance)) |\n"
        }
        return t
    }
}
