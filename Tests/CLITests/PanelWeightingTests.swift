import Foundation
import Testing
import WeightingTestSupport
@testable import Weighting
@testable import WeightingIO

/// The panel workflow through the public library API (``PanelWeighting``), from tables built in memory, gives
/// exactly the weights `weight-cli attrition` writes for the bundled barometer waves.
@Suite("Panel weighting in the library")
struct PanelWeightingTests {
    static let root = CLI.repositoryRoot.appendingPathComponent("data")
    static let waveFiles = (1...3).map { root.appendingPathComponent("sample/barometre_vague\($0).csv").path }
    static let marginsFile = root.appendingPathComponent("margins/communes_region_taille.csv").path

    /// A table from the bytes of a file, read into memory first (no file access by the library).
    static func inMemory(_ path: String) throws -> Table {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        return Table(buffer: try CSVBuffer(bytes: bytes, file: URL(fileURLWithPath: path).lastPathComponent))
    }

    static func column(_ file: URL, _ name: String) throws -> [Double] {
        try Table(contentsOf: file.path).numeric(name).values
    }

    @Test("cross-sectional, longitudinal and bootstrap weights equal those of weight-cli attrition on the bundled waves, to the last bit")
    func libraryMatchesCommand() throws {
        let waves = try Self.waveFiles.map(Self.inMemory)
        let marginsText = try String(contentsOfFile: Self.marginsFile, encoding: .utf8)
        let margins = try MarginsFile.parse(try CSVBuffer(bytes: Array(marginsText.utf8), file: "margins.csv"))
        let weighting = try PanelWeighting(waves: waves, idColumn: "code_insee",
                                           calibrator: Calibrator(margins: margins, method: .raking),
                                           covariates: ["taille", "score_maturite", "site_web"],
                                           adjustment: .propensityClasses(4), maxFactor: 6,
                                           calibrateToWave1: ["score_maturite", "site_web"])
        let result = try weighting.run(replicates: 5, seed: 3)
        #expect(result.crossSectional.map(\.wave) == [2, 3])
        #expect(result.longitudinal.rows.count == weighting.panel.retained(through: 3).filter { $0 }.count)

        let dir = try scratchDirectory()
        let r = try CLI.run(["attrition", "--wave1", Self.waveFiles[0], "--wave", Self.waveFiles[1], "--wave", Self.waveFiles[2],
                             "--id", "code_insee", "--covariates", "taille,score_maturite,site_web", "--margins", Self.marginsFile,
                             "--classes", "4", "--max-factor", "6", "--calibrate-to-wave1", "score_maturite,site_web",
                             "--replicates", "5", "--seed", "3", "--output-dir", "out"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let out = dir.appendingPathComponent("out")
        #expect(try Self.column(out.appendingPathComponent("wave1_weighted.csv"), "weight") == result.wave1.weights)
        for w in result.crossSectional {
            let file = out.appendingPathComponent("wave\(w.wave)_weighted.csv")
            #expect(try Self.column(file, "weight") == w.weights, "wave \(w.wave)")
            #expect(try Self.column(file, "in_panel") == w.inPanel, "wave \(w.wave)")
        }
        let longitudinal = out.appendingPathComponent("longitudinal.csv")
        #expect(try Self.column(longitudinal, "weight") == result.longitudinal.weights)
        let reps = try #require(result.replicates)
        #expect(reps.adjusted[0].weights.count == 5)
        for (k, rep) in reps.adjusted[0].weights.enumerated() {
            #expect(try Self.column(longitudinal, "rep_\(k + 1)") == rep, "replicate \(k + 1)")
        }
    }

    @Test("the longitudinal weights meet the population margins and reproduce the wave-1 totals of the chosen answers")
    func longitudinalWeightsMeetTheirTargets() throws {
        let waves = try Self.waveFiles.map(Self.inMemory)
        let margins = try MarginsFile.read(Self.marginsFile)
        let weighting = try PanelWeighting(waves: waves, idColumn: "code_insee",
                                           calibrator: Calibrator(margins: margins, method: .raking),
                                           covariates: ["taille", "score_maturite"], calibrateToWave1: ["score_maturite"])
        let first = try weighting.calibrateWave1()
        let long = try weighting.longitudinal(wave1: first)
        let score = try waves[0].numeric("score_maturite").values
        let wave1Total = zip(score, first.weights).reduce(0) { $0 + $1.0 * $1.1 }
        let panelTotal = zip(long.rows, long.weights).reduce(0) { $0 + score[$1.0] * $1.1 }
        #expect(abs(panelTotal / wave1Total - 1) < 1e-8)
        let population = margins.categorical[0].targets.reduce(0, +)
        #expect(abs(long.weights.reduce(0, +) / population - 1) < 1e-8)
        #expect(long.weights.allSatisfy { $0 > 0 })
    }
}
