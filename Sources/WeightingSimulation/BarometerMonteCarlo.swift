import Foundation
import Weighting
import WeightingIO
import WeightingReports

/// Monte Carlo of the barometer demo over seeds: mean absolute bias (per indicator, over seeds) of the raw, raked, frame-adjusted and
/// attrition-adjusted estimates per wave, and the coverage of the 95 % intervals (wave 1: raked, linearization;
/// waves 2–3: attrition-adjusted, two-phase and one-phase). Each seed redraws the population's maturity and answers,
/// so the truth changes with the seed and every bias is `estimate − truth` of the same draw.
public struct BarometerMonteCarlo: Sendable {
    /// The demo run for each seed (its `seed` is replaced).
    public var demo: BarometerDemo
    /// Seeds.
    public var seeds: [UInt64]

    /// Creates the Monte Carlo.
    public init(demo: BarometerDemo, seeds: [UInt64]) {
        self.demo = demo
        self.demo.allEstimators = true
        self.seeds = seeds
    }

    /// Per-wave figures.
    public struct WaveSummary: Sendable {
        /// Wave.
        public var wave: Int
        /// Mean over indicators of |bias|, the bias of an indicator being the mean over seeds of estimate − truth.
        public var rawBias = 0.0, rakedBias = 0.0, frameBias = 0.0, adjustedBias = 0.0
        /// Mean over seeds and indicators of |estimate − truth| for the adjusted estimate (raked for wave 1).
        public var meanAbsoluteError = 0.0
        /// Share of intervals covering the truth: the adjusted estimate's (two-phase for waves 2–3) and one-phase.
        public var coverage = 0.0, onePhaseCoverage = 0.0
        /// Coverage of the two-phase intervals (logit scale) with the other leverage corrections of the phase-2
        /// part: none (R survey's `twophase`) and `hc2` (waves 2–3).
        public var plainCoverage = 0.0, hc2Coverage = 0.0
        /// Mean two-phase standard error with those corrections.
        public var meanPlainSE = 0.0, meanHC2SE = 0.0
        /// Mean of the two-phase and one-phase standard errors, and the empirical standard deviation of the
        /// adjusted estimate's error `estimate − truth`, averaged over indicators.
        public var meanSE = 0.0, meanOnePhaseSE = 0.0, empiricalSD = 0.0
        /// Coverage of the same intervals shifted by minus the indicator's mean bias over seeds: what the coverage
        /// would be without the bias, so that a shortfall from bias and one from the variance can be told apart.
        public var biasRemovedCoverage = 0.0
        /// Mean over indicators of |bias| / root mean square of the SE: a bias of 0.5 SE alone lowers a 95 %
        /// coverage to about 92 %, of 1 SE to about 83 %.
        public var biasToSE = 0.0
        /// Intervals counted.
        public var intervals = 0
        /// Variance decomposition of the two-phase estimator (waves 2–3; Särndal, Swensson & Wretman 1992, §9.3):
        /// the error `Ŷ − Y` is the phase-1 error `Ŷ₁ − Y` plus the phase-2 error `Ŷ − Ŷ₁`, where `Ŷ₁` is the
        /// raked wave-1 estimator of the wave-k variable computed over all wave-1 respondents (the simulation knows
        /// every unit's answer). Each part's empirical variance over seeds (averaged over indicators) is given beside
        /// the mean of its estimate: `phase1Empirical` against `phase1Estimated` (the two-phase phase-1 part, from
        /// the stayers) and `phase1FullSample` (the wave-1 linearization variance of `Ŷ₁` had every wave-1
        /// respondent answered), `phase2Empirical` against `phase2Estimated`; `crossCovariance` is the empirical
        /// covariance of the two errors (0 in theory). All in squared percentage points.
        public var phase1Empirical = 0.0, phase1Estimated = 0.0, phase1FullSample = 0.0
        /// See ``phase1Empirical``.
        public var phase2Empirical = 0.0, phase2Estimated = 0.0, crossCovariance = 0.0
    }

    /// Summary.
    public struct Summary: Sendable {
        /// Waves 1–3.
        public var waves: [WaveSummary]
        /// Seeds that ran, and those whose adjustment failed (with the first message).
        public var draws: Int, failures: [String]
    }

    /// Runs every seed (`progress` is told each finished seed).
    public func run(progress: (Int) -> Void = { _ in }) -> Summary {
        var rows: [[BarometerDemo.Row]] = []
        var phase1: [[Phase1Figures]] = []
        var failures: [String] = []
        for (k, seed) in seeds.enumerated() {
            var d = demo
            d.seed = seed
            do {
                let out = try d.run()
                rows.append(out.rows)
                phase1.append(try Self.phase1Figures(out, margins: demo.rakingMargins))
            } catch { failures.append("seed \(seed): \(error)") }
            progress(k + 1)
        }
        var waves: [WaveSummary] = []
        for w in 1...3 {
            var s = WaveSummary(wave: w)
            let all = rows.flatMap { $0.filter { $0.wave == w } }
            guard !all.isEmpty else { waves.append(s); continue }
            let n = Double(all.count)
            // Bias of an indicator: the mean over seeds of estimate − truth; averaged in absolute value over indicators.
            func bias(_ estimate: (BarometerDemo.Row) -> Double) -> Double {
                let byIndicator = Dictionary(grouping: all, by: \.indicator)
                return byIndicator.values.reduce(0) { acc, rows in acc + abs(rows.reduce(0) { $0 + estimate($1) - $1.truth } / Double(rows.count)) } / Double(byIndicator.count)
            }
            s.rawBias = bias(\.raw)
            s.rakedBias = bias(\.raked)
            s.frameBias = bias(\.frameAdjusted)
            s.adjustedBias = bias(\.weighted)
            s.meanAbsoluteError = all.reduce(0) { $0 + abs($1.weighted - $1.truth) } / n
            s.coverage = Double(all.filter(\.covers).count) / n
            let z = StandardNormal().quantile(0.975)
            func logitCoverage(_ se: (BarometerDemo.Row) -> Double) -> Double {
                Double(all.filter { r in
                    guard r.weighted > 0, r.weighted < 1, se(r) > 0 else { return false }
                    let l = log(r.weighted / (1 - r.weighted)), h = z * se(r) / (r.weighted * (1 - r.weighted))
                    let lo = 1 / (1 + exp(-(l - h))), hi = 1 / (1 + exp(-(l + h)))
                    return lo <= r.truth && r.truth <= hi
                }.count) / n
            }
            s.onePhaseCoverage = logitCoverage(\.onePhaseSE)
            if w > 1 {
                s.plainCoverage = logitCoverage(\.plainSE)
                s.hc2Coverage = logitCoverage(\.hc2SE)
                s.meanPlainSE = all.reduce(0) { $0 + $1.plainSE } / n
                s.meanHC2SE = all.reduce(0) { $0 + $1.hc2SE } / n
            }
            let byIndicator = Dictionary(grouping: all, by: \.indicator)
            let meanBias = byIndicator.mapValues { rows in rows.reduce(0) { $0 + $1.weighted - $1.truth } / Double(rows.count) }
            s.biasRemovedCoverage = Double(all.filter { r in
                let b = meanBias[r.indicator]!
                return r.ciLow - b <= r.truth && r.truth <= r.ciHigh - b
            }.count) / n
            s.biasToSE = byIndicator.reduce(0) { acc, kv in
                let rms = (kv.value.reduce(0) { $0 + $1.se * $1.se } / Double(kv.value.count)).squareRoot()
                return acc + (rms > 0 ? abs(meanBias[kv.key]!) / rms : 0)
            } / Double(byIndicator.count)
            s.meanSE = all.reduce(0) { $0 + $1.se } / n
            s.meanOnePhaseSE = all.reduce(0) { $0 + $1.onePhaseSE } / n
            var sd = 0.0
            let indicators = Set(all.map(\.indicator))
            for q in indicators {
                let e = all.filter { $0.indicator == q }.map { $0.weighted - $0.truth }
                let m = e.reduce(0, +) / Double(e.count)
                sd += e.count > 1 ? (e.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(e.count - 1)).squareRoot() : 0
            }
            s.empiricalSD = sd / Double(indicators.count)
            s.intervals = all.count
            if w > 1 {
                // Errors per indicator over seeds: phase 1 (Ŷ₁ − Y) and phase 2 (Ŷ − Ŷ₁).
                var e1: [String: [Double]] = [:], e2: [String: [Double]] = [:]
                var v1 = 0.0, v1Full = 0.0, v2 = 0.0, count = 0.0
                for (seedRows, figures) in zip(rows, phase1) {
                    for r in seedRows where r.wave == w {
                        guard let f = figures.first(where: { $0.indicator == r.indicator }) else { continue }
                        e1[r.indicator, default: []].append(f.estimate - r.truth)
                        e2[r.indicator, default: []].append(r.weighted - f.estimate)
                        v1 += r.phase1Variance; v1Full += f.variance; v2 += r.se * r.se - r.phase1Variance; count += 1
                    }
                }
                func variance(_ x: [Double]) -> Double {
                    let m = x.reduce(0, +) / Double(x.count)
                    return x.count > 1 ? x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1) : 0
                }
                func covariance(_ x: [Double], _ y: [Double]) -> Double {
                    let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
                    return x.count > 1 ? zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / Double(x.count - 1) : 0
                }
                let keys = e1.keys.sorted(), k = Double(max(keys.count, 1)), pp = 1e4
                s.phase1Empirical = pp * keys.reduce(0) { $0 + variance(e1[$1]!) } / k
                s.phase2Empirical = pp * keys.reduce(0) { $0 + variance(e2[$1]!) } / k
                s.crossCovariance = pp * keys.reduce(0) { $0 + covariance(e1[$1]!, e2[$1]!) } / k
                s.phase1Estimated = pp * v1 / max(count, 1)
                s.phase1FullSample = pp * v1Full / max(count, 1)
                s.phase2Estimated = pp * v2 / max(count, 1)
            }
            waves.append(s)
        }
        return Summary(waves: waves, draws: rows.count, failures: failures)
    }

    /// The raked wave-1 estimator of a later wave's indicator over all wave-1 respondents, and its wave-1
    /// linearization variance.
    struct Phase1Figures: Sendable {
        var indicator: String
        var estimate: Double
        var variance: Double
    }

    /// `Ŷ₁` and its full-sample variance for every indicator of waves 2–3 (the simulation knows every answer).
    static func phase1Figures(_ out: BarometerDemo.Output, margins: Margins) throws -> [Phase1Figures] {
        let wave1 = try Table(buffer: CSVBuffer(bytes: Array(out.waveFiles[0].utf8), file: "vague1.csv"))
        // The wave-1 calibration's auxiliaries, as the demo's two-phase design takes them.
        let aux = try PanelWeighting.indicators(wave1, margins: margins)
        let w1 = out.wave1.weights, n1 = w1.count
        let design = TwoPhaseLinearization(phase1Weights: w1, phase2Rows: Array(0..<n1), phase2Probabilities: [Double](repeating: 1, count: n1),
                                           finalWeights: w1, phase1Auxiliaries: aux)
        return BarometerSimulation.questions.filter { $0.wave > 1 }.map { q in
            let answers = out.simulation.answers[q.name]!
            let y = out.simulation.respondents[0].map { answers[$0] ? 1.0 : 0.0 }
            let r = design.mean(y)
            return Phase1Figures(indicator: q.name, estimate: r.estimate, variance: r.variance)
        }
    }

    /// The summary as a Markdown table.
    public static func markdown(_ s: Summary, scenario: BarometerSimulation.Scenario) -> String {
        var t = "Scenario \(scenario.rawValue): \(s.draws) seeds\(s.failures.isEmpty ? "" : ", \(s.failures.count) failed (\(s.failures.first!))")\n\n"
        t += "| wave | mean abs. bias raw | raked | frame-adjusted | attrition-adjusted | adjusted / raw | coverage (two-phase for waves 2-3) | one-phase coverage | coverage without the bias | abs. bias / SE | mean SE | mean one-phase SE | empirical SD | mean abs. error |\n"
        t += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        func p(_ x: Double) -> String { NumberFormat.fixed(100 * x, 2) }
        for w in s.waves {
            t += "| \(w.wave) | \(p(w.rawBias)) | \(p(w.rakedBias)) | \(p(w.frameBias)) | \(w.wave == 1 ? "" : p(w.adjustedBias)) | \(NumberFormat.fixed((w.wave == 1 ? w.rakedBias : w.adjustedBias) / w.rawBias, 2)) | \(p(w.coverage)) % | \(w.wave == 1 ? "" : p(w.onePhaseCoverage) + " %") | \(p(w.biasRemovedCoverage)) % | \(NumberFormat.fixed(w.biasToSE, 2)) | \(p(w.meanSE)) | \(p(w.meanOnePhaseSE)) | \(p(w.empiricalSD)) | \(p(w.meanAbsoluteError)) |\n"
        }
        t += "\nVariance decomposition of waves 2-3 (squared percentage points, averaged over indicators): phase 1 = raked wave-1 estimator over all wave-1 respondents minus truth; phase 2 = estimate minus that.\n\n"
        t += "| wave | phase-1 empirical | phase-1 estimated (two-phase) | phase-1 full-sample linearization | phase-2 empirical | phase-2 estimated | covariance of the two errors |\n|---:|---:|---:|---:|---:|---:|---:|\n"
        for w in s.waves where w.wave > 1 {
            t += "| \(w.wave) | \(NumberFormat.fixed(w.phase1Empirical, 3)) | \(NumberFormat.fixed(w.phase1Estimated, 3)) | \(NumberFormat.fixed(w.phase1FullSample, 3)) | \(NumberFormat.fixed(w.phase2Empirical, 3)) | \(NumberFormat.fixed(w.phase2Estimated, 3)) | \(NumberFormat.fixed(w.crossCovariance, 3)) |\n"
        }
        t += "\nCoverage of the two-phase intervals of waves 2-3 by leverage correction of the phase-2 part (LeverageAdjustment; the table above uses the demo's, jackknife by default):\n\n"
        t += "| wave | none (R twophase): coverage | mean SE | hc2: coverage | mean SE | default: coverage | mean SE | empirical SD |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for w in s.waves where w.wave > 1 {
            t += "| \(w.wave) | \(p(w.plainCoverage)) % | \(p(w.meanPlainSE)) | \(p(w.hc2Coverage)) % | \(p(w.meanHC2SE)) | \(p(w.coverage)) % | \(p(w.meanSE)) | \(p(w.empiricalSD)) |\n"
        }
        let z = StandardNormal().quantile(0.975)
        let mcse = s.waves.map { w in w.intervals > 0 ? (w.coverage * (1 - w.coverage) / Double(w.intervals)).squareRoot() : 0 }
        return t + "\n(biases, standard errors, SD and errors in percentage points; wave 1's adjusted estimate is the raked one; "
            + "Monte Carlo standard error of the coverages, binomial over intervals: \(mcse.map { NumberFormat.fixed(100 * $0, 2) }.joined(separator: " / ")) points, "
            + "about ±\(NumberFormat.fixed(100 * z * (mcse.max() ?? 0), 1)) at 95 %, larger in truth as the indicators of a seed are correlated)\n"
    }
}
