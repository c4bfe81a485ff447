import Foundation
import Testing
import Weighting  // the public API only: no @testable

/// A panel with newcomers weighted from tables built in memory through ``PanelWeighting``, against closed forms:
/// raking on one categorical margin is post-stratification, `w_i = d_i N_r / Σ_{j ∈ r} d_j`.
@Suite("Panel weighting with newcomers, through the public API")
struct PanelWeightingAPITests {
    static let population = ["N": 50.0, "S": 45, "E": 35]
    static let margins = Margins(categorical: [CategoricalMargin("region", ["N": 50, "S": 45, "E": 35])])

    /// Wave 1: 12 collectivités, 4 per region; wave 2: 9 of them (3 per region) and 3 newcomers (one per region);
    /// wave 3: 4 wave-1 respondents (one of them skipped wave 2), 2 wave-2 newcomers and 1 new newcomer.
    // `try`: Table's initialisers validate their columns and throw on the main branch this one merges into.
    static func waves() throws -> [Table] {
        let ids1 = (0..<12).map { "c\($0)" }
        let region1 = ["N", "N", "N", "N", "S", "S", "S", "S", "E", "E", "E", "E"]
        let wave1 = try Table(["id": .categorical(ids1), "region": .categorical(region1)])
        let stayed = [0, 2, 3, 4, 5, 7, 9, 10, 11]
        let wave2 = try Table(["id": .categorical(stayed.map { ids1[$0] } + ["n1", "n2", "n3"]),
                           "region": .categorical(stayed.map { region1[$0] } + ["N", "S", "E"])])
        let wave3 = try Table(["id": .categorical(["c0", "c1", "c4", "c8", "n1", "n2", "n4"]),
                           "region": .categorical(["N", "N", "S", "E", "N", "S", "E"])])
        return [wave1, wave2, wave3]
    }

    static func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(1, abs(b)) }

    /// Post-stratification of `d` by `region` to the population.
    static func poststratified(_ d: [Double], region: [String]) -> [Double] {
        var sums: [String: Double] = [:]
        for (x, r) in zip(d, region) { sums[r, default: 0] += x }
        return zip(d, region).map { $0 * population[$1]! / sums[$1]! }
    }

    @Test("newcomers combined: every wave-2 respondent gets λ·w (panel) or (1−λ)·N/n_N (newcomer), post-stratified to the margins")
    func newcomersCombined() throws {
        let waves = try Self.waves()
        var weighting = try PanelWeighting(waves: waves, idColumn: "id",
                                           calibrator: Calibrator(margins: Self.margins, method: .raking),
                                           covariates: ["region"], adjustment: .inversePropensity)
        weighting.newcomers = .combine(.sampleSize)
        weighting.longitudinalWaves = [1, 2]
        let result = try weighting.run()
        let wave2 = result.crossSectional[0]
        let region = try waves[1].categorical("region")
        let regions = (0..<waves[1].rowCount).map { region[$0]! }

        // Wave 1 post-stratified with base weight 1: N_r / 4. Stayers: w1 N_r / Σ_stayers w1 = N_r / 3.
        let region1 = try waves[0].categorical("region")
        for (i, w) in result.wave1.weights.enumerated() {
            #expect(Self.relative(w, Self.population[region1[i]!]! / 4) < 1e-9, "wave-1 row \(i)")
        }
        let lambda = 9.0 / 12.0
        let d = regions.indices.map { i in i < 9 ? lambda * Self.population[regions[i]]! / 3 : (1 - lambda) * 130.0 / 3 }
        let expected = Self.poststratified(d, region: regions)
        for i in expected.indices {
            #expect(Self.relative(wave2.weights[i], expected[i]) < 1e-9, "row \(i)")
        }
        #expect(wave2.weights.allSatisfy { $0 > 0 })
        #expect(wave2.inPanel == [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
        let combination = try #require(wave2.newcomers)
        #expect(combination.panel == 9 && combination.newcomers == 3)
        #expect(Self.relative(combination.lambda, lambda) < 1e-15)

        // The longitudinal weights of waves 1 and 2 are the panel part before combining: N_r / 3.
        #expect(result.longitudinal.waves == [1, 2])
        #expect(result.longitudinal.rows == [0, 2, 3, 4, 5, 7, 9, 10, 11])
        for (k, row) in result.longitudinal.rows.enumerated() {
            #expect(Self.relative(result.longitudinal.weights[k], Self.population[region1[row]!]! / 3) < 1e-9)
        }
    }

    @Test("wave 3 with a skipper and newcomers: the panel part is every wave-1 respondent present at wave 3, the rest are newcomers")
    func skippersJoinThePanelPart() throws {
        let waves = try Self.waves()
        var weighting = try PanelWeighting(waves: waves, idColumn: "id",
                                           calibrator: Calibrator(margins: Self.margins, method: .raking),
                                           covariates: ["region"], adjustment: .inversePropensity)
        weighting.newcomers = .combine(.fixed(0.5))
        weighting.longitudinalWaves = [1, 3]
        let result = try weighting.run()
        let wave3 = result.crossSectional[1]
        // c1 skipped wave 2 and is in the panel part at wave 3.
        #expect(wave3.inPanel == [1, 1, 1, 1, 0, 0, 0])
        #expect(wave3.newcomers?.lambda == 0.5)
        #expect(wave3.weights.allSatisfy { $0 > 0 })
        let region = try waves[2].categorical("region")
        var sums: [String: Double] = [:]
        for i in 0..<waves[2].rowCount { sums[region[i]!, default: 0] += wave3.weights[i] }
        for (r, n) in Self.population { #expect(Self.relative(sums[r]!, n) < 1e-9, "region \(r)") }
        // Longitudinal 1,3: the wave-1 rows of c0, c1, c4, c8, whatever they did at wave 2.
        #expect(result.longitudinal.rows == [0, 1, 4, 8])
    }

    @Test("newcomers excluded: weight 0, and the panel part alone meets the margins")
    func newcomersExcluded() throws {
        var weighting = try PanelWeighting(waves: try Self.waves(), idColumn: "id",
                                           calibrator: Calibrator(margins: Self.margins, method: .raking),
                                           covariates: ["region"], adjustment: .inversePropensity)
        weighting.newcomers = .exclude
        weighting.longitudinalWaves = [1, 2]
        let wave2 = try weighting.run().crossSectional[0]
        #expect(Array(wave2.weights.suffix(3)) == [0, 0, 0])
        #expect(wave2.newcomers == nil)
        #expect(Self.relative(wave2.weights.reduce(0, +), 130) < 1e-9)
    }

    @Test("a longitudinal set that is not two existing waves, and replicates without wave 1, are refused")
    func invalidSetsAreRefused() throws {
        var weighting = try PanelWeighting(waves: try Self.waves(), idColumn: "id",
                                           calibrator: Calibrator(margins: Self.margins, method: .raking),
                                           covariates: ["region"], adjustment: .inversePropensity)
        weighting.longitudinalWaves = [1, 4]
        #expect(throws: PanelError.invalidLongitudinalWaves([1, 4], waveCount: 3)) { try weighting.run() }
        weighting.longitudinalWaves = [2, 3]
        #expect(throws: PanelError.replicatesNeedWaveOne(longitudinalWaves: [2, 3])) { try weighting.run(replicates: 5) }
    }
}
