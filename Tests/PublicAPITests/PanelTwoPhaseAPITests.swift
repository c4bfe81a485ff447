import Foundation
import Testing
import Weighting  // the public API only: no @testable

/// A three-wave panel built in memory, weighted through ``PanelWeighting``: the wave-2 panel part, its two-phase
/// estimate and the wave-1 → wave-2 change, against closed forms and against the documented designs assembled by
/// hand from those closed forms.
///
/// With raking on one categorical margin (post-stratification) and an inverse-propensity model on the same
/// variable (saturated: the fitted propensity is the weighted staying rate of the region), every weight has a
/// closed form: wave 1 `w1 = N_r / n_r`, the stayers `w = w1 · n_r / m_r = N_r / m_r` (the second-phase
/// calibration to the region margins then changes nothing), and the estimates are post-stratified means.
@Suite("Panel weighting: two-phase estimate and change, through the public API")
struct PanelTwoPhaseAPITests {
    static let population: [String: Double] = ["N": 50, "S": 45, "E": 35]
    static let margins = Margins(categorical: [CategoricalMargin("region", ["N": 50, "S": 45, "E": 35])])
    static let region1 = ["N", "N", "N", "N", "S", "S", "S", "S", "E", "E", "E", "E"]
    static let score1: [Double] = [3, 5, 4, 6, 2, 7, 5, 3, 6, 4, 8, 5]
    /// Wave-2 answers of the stayers, by wave-1 row.
    static let score2: [Int: Double] = [0: 4, 1: 6, 3: 6, 4: 3, 6: 6, 8: 7, 9: 5, 11: 6]
    static let stayers = [0, 1, 3, 4, 6, 8, 9, 11]  // 3 of 4 in N, 2 in S, 3 in E

    /// Wave 1: 12 collectivités, 4 per region. Wave 2: the 8 stayers and 2 newcomers, in another order than wave 1.
    /// Wave 3: 4 wave-1 respondents (c2 and c5 skipped wave 2) and 2 newcomers.
    static func waves() throws -> [Table] {
        let ids = (0..<12).map { "c\($0)" }
        let wave1 = try Table(["id": .categorical(ids), "region": .categorical(region1), "score": .numeric(score1)])
        let order = [9, 3, 0, 11, 4, 8, 1, 6]
        let wave2 = try Table(["id": .categorical(["n1"] + order.map { ids[$0] } + ["n2"]),
                               "region": .categorical(["N"] + order.map { region1[$0] } + ["E"]),
                               "score": .numeric([5] + order.map { score2[$0]! } + [4])])
        let wave3 = try Table(["id": .categorical(["n3", "c8", "c2", "c0", "n1", "c5"]),
                               "region": .categorical(["S", "E", "N", "N", "N", "S"]), "score": .numeric([5, 7, 5, 4, 6, 3])])
        return [wave1, wave2, wave3]
    }

    static func weighting() throws -> PanelWeighting {
        try PanelWeighting(waves: try waves(), idColumn: "id", calibrator: Calibrator(margins: margins, method: .raking),
                           covariates: ["region"], adjustment: .inversePropensity)
    }

    static func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(1, abs(b)) }
    static func stayed(_ r: String) -> Double { Double(stayers.filter { region1[$0] == r }.count) }
    /// `Σ_r N_r ȳ_r / N` over the given wave-1 rows.
    static func poststratifiedMean(_ y: [Int: Double]) -> Double {
        var sums: [String: (Double, Double)] = [:]
        for (i, v) in y { sums[region1[i], default: (0, 0)].0 += v; sums[region1[i], default: (0, 0)].1 += 1 }
        return population.reduce(0) { $0 + $1.value * sums[$1.key]!.0 / sums[$1.key]!.1 } / 130
    }
    /// Indicators of the regions, in the order of the wave-1 column's levels.
    static func regionIndicators(_ rows: [Int]) throws -> [[Double]] {
        let levels = try waves()[0].categorical("region").levels
        return rows.map { i in levels.map { region1[i] == $0 ? 1.0 : 0.0 } }
    }
    /// The saturated response model: intercept and region dummies, fitted propensities `m_r / n_r`.
    static func responseModel(wave1Weights: [Double]) -> ResponseModelLinearization {
        ResponseModelLinearization(covariates: region1.map { [1, $0 == "S" ? 1 : 0, $0 == "E" ? 1 : 0] },
                                   propensities: region1.map { stayed($0) / 4 }, phase1Weights: wave1Weights,
                                   retained: (0..<12).map { stayers.contains($0) })
    }

    @Test("wave 2's panel part: the stayers' rows in both waves, weights N_r / m_r, and a two-phase mean equal to the post-stratified mean with the documented two-phase variance")
    func waveTwoTwoPhaseEstimate() throws {
        let weighting = try Self.weighting()
        let wave1 = try weighting.calibrateWave1()
        let w1 = Self.region1.map { Self.population[$0]! / 4 }
        for i in 0..<12 { #expect(Self.relative(wave1.weights[i], w1[i]) < 1e-12, "wave-1 row \(i)") }

        let part = try weighting.panelPart(wave: 2, wave1: wave1)
        #expect(part.wave == 2 && part.wave1Rows == Self.stayers)
        let ids2 = try weighting.waves[1].categorical("id")
        #expect(part.rows.map { ids2[$0]! } == Self.stayers.map { "c\($0)" })
        for (k, i) in Self.stayers.enumerated() {
            #expect(Self.relative(part.weights[k], Self.population[Self.region1[i]]! / Self.stayed(Self.region1[i])) < 1e-9, "stayer \(i)")
        }
        // The cross-sectional weights carry the same panel part.
        let cross = try weighting.crossSectional(wave: 2, wave1: wave1)
        #expect(cross.panelPart.wave1Rows == part.wave1Rows && cross.panelPart.weights == part.weights)

        let score = try weighting.waves[1].numeric("score").values
        let y = part.rows.map { score[$0] }
        let twoPhase = try weighting.twoPhase(part, wave1: wave1, leverage: .none)
        #expect(try weighting.twoPhase(part, wave1: wave1).leverage == .jackknife)
        let estimate = twoPhase.mean(y)
        #expect(Self.relative(estimate.estimate, Self.poststratifiedMean(Self.score2)) < 1e-12)

        // The documented design, from the closed forms: phase 1 the post-stratified wave 1 (region indicators),
        // phase 2 the stayers with π2|1 = m_r / 4, calibrated on the region indicators, response model estimated.
        var expected = TwoPhaseLinearization(
            phase1Weights: w1, phase2Rows: Self.stayers, phase2Probabilities: Self.stayers.map { Self.stayed(Self.region1[$0]) / 4 },
            finalWeights: Self.stayers.map { Self.population[Self.region1[$0]]! / Self.stayed(Self.region1[$0]) },
            phase2Auxiliaries: try Self.regionIndicators(Self.stayers), phase1Auxiliaries: try Self.regionIndicators(Array(0..<12)))
        expected.responseModel = Self.responseModel(wave1Weights: w1)
        let reference = expected.mean(y)
        #expect(estimate.standardError > 0 && estimate.phase1Variance > 0 && estimate.phase2Variance > 0)
        #expect(Self.relative(estimate.phase1Variance, reference.phase1Variance) < 1e-8)
        #expect(Self.relative(estimate.phase2Variance, reference.phase2Variance) < 1e-8)
        // Taking the staying probabilities as known leaves out the response model's correction only.
        let known = try weighting.twoPhase(part, wave1: wave1, estimatedPropensities: false, leverage: .none)
        #expect(known.responseModel == nil)
        expected.responseModel = nil
        #expect(Self.relative(known.mean(y).standardError, expected.mean(y).standardError) < 1e-8)
    }

    @Test("the wave-1 → wave-2 change: the difference of the post-stratified means, with the linked design's standard error")
    func changeFromWaveOne() throws {
        let weighting = try Self.weighting()
        let wave1 = try weighting.calibrateWave1()
        let change = try weighting.change(toWave: 2, wave1: wave1, leverage: .none)
        #expect(change.part.wave1Rows == Self.stayers && change.redrawn == 0)
        #expect(change.design.overlap == 8)
        let score = try weighting.waves[1].numeric("score").values
        let y2 = change.part.rows.map { score[$0] }
        let c = try change.design.change(y1: Self.score1, y2: y2, variable: "score")
        let mean1 = Self.poststratifiedMean(Dictionary(uniqueKeysWithValues: Self.score1.enumerated().map { ($0.offset, $0.element) }))
        #expect(Self.relative(c.wave1.estimate, mean1) < 1e-12)
        #expect(Self.relative(c.change.estimate, Self.poststratifiedMean(Self.score2) - mean1) < 1e-12)

        // The documented linked design, by hand: wave 1 calibrated; wave 2 = the stayers with N_r / m_r,
        // their own calibration to the region margins, the response model estimated.
        let w1 = Self.region1.map { Self.population[$0]! / 4 }
        let w2 = Self.stayers.map { Self.population[Self.region1[$0]]! / Self.stayed(Self.region1[$0]) }
        let secondPhase = try Calibrator(margins: Self.margins, method: .raking).calibrate(try weighting.waves[0].subset(Self.stayers), baseWeights: w2)
        var second = ChangeWave(weights: w2, calibration: secondPhase, linkedRecord: Self.stayers)
        second.responseModel = Self.responseModel(wave1Weights: w1)
        let design = ChangeDesign(linked: try SurveyDesign(table: weighting.waves[0]).calibrated(wave1),
                                  first: ChangeWave(weights: w1, linkedRecord: Array(0..<12)), second: second)
        let reference = try design.change(y1: Self.score1, y2: Self.stayers.map { Self.score2[$0]! }, variable: "score")
        let se = try #require(c.change.se), expectedSE = try #require(reference.change.se)
        #expect(se > 0 && Self.relative(se, expectedSE) < 1e-8)

        // The bootstrap carried through the chain: replicates of both waves, wave 1's re-calibrated to the margins.
        let boot = try weighting.change(toWave: 2, wave1: wave1, bootstrap: AttritionBootstrap(replicates: 20, seed: 4))
        let reps = try #require(boot.design.first.replicateWeights)
        #expect(reps.count == 20 && boot.design.second.replicateWeights?.count == 20)
        for r in reps { #expect(Self.relative(r.reduce(0, +), 130) < 1e-9) }
        #expect(try boot.design.change(y1: Self.score1, y2: y2, variable: "score").change.se! > 0)
    }

    @Test("a later wave's panel part counts those who missed a wave in between, and the later-wave margins replace wave 1's at phase 2")
    func laterWaveMargins() throws {
        var weighting = try Self.weighting()
        let wave1 = try weighting.calibrateWave1()
        let part3 = try weighting.panelPart(wave: 3, wave1: wave1)
        #expect(part3.wave1Rows == [0, 2, 5, 8])  // c2 and c5 skipped wave 2
        #expect(part3.rows == [3, 2, 5, 1])
        // Phase 2 to the wave-1 weighted total of the score only (no population margin).
        weighting.laterWaveMargins = Margins()
        weighting.calibrateToWave1 = ["score"]
        let part = try weighting.panelPart(wave: 2, wave1: wave1)
        let total1 = zip(Self.score1, wave1.weights).reduce(0) { $0 + $1.0 * $1.1 }
        let total2 = zip(part.wave1Rows, part.weights).reduce(0) { $0 + Self.score1[$1.0] * $1.1 }
        #expect(Self.relative(total2, total1) < 1e-9)
        #expect(part.adjustment.margins == Margins())
        // Its two-phase design calibrates phase 2 on the score alone.
        let twoPhase = try weighting.twoPhase(part, wave1: wave1)
        #expect(twoPhase.phase2Auxiliaries == part.wave1Rows.map { [Self.score1[$0]] })
        #expect(try twoPhase.phase1Auxiliaries == Self.regionIndicators(Array(0..<12)))
    }
}
