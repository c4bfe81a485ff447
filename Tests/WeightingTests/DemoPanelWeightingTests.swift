import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingSimulation

/// The demo weights waves 2 and 3 through ``PanelWeighting`` (issue 19, item 2): its wave-2 weights and two-phase
/// standard errors are those of PanelWeighting run on the demo's own wave files, and those of the chain the demo
/// stitched by hand before (attrition adjustment, combination with the newcomers, two-phase linearization built
/// from the indicators of the margins), bit for bit.
@Suite("The demo's waves 2 and 3 through PanelWeighting")
struct DemoPanelWeightingTests {
    static let margins = try! MarginsFile.read(BarometerDemoTests.root.appendingPathComponent("data/margins/collectivites/collectivites_region_strate.csv").path)
    static let output = try! BarometerDemo(frame: BarometerDemoTests.frame, rakingMargins: margins).run()

    static func tables() throws -> [Table] {
        try output.waveFiles.enumerated().map { try Table(buffer: CSVBuffer(bytes: Array($0.element.utf8), file: "vague\($0.offset + 1).csv")) }
    }

    /// The frame's small/large counts and log-population total, the margins of the combined later waves.
    static func laterMargins() -> Margins {
        let units = BarometerDemoTests.frame.units
        return Margins(categorical: [CategoricalMargin(checkedVariables: ["petite"], levels: [["oui"], ["non"]],
                                                       targets: [Double(units.filter(\.isSmall).count), Double(units.filter { !$0.isSmall }.count)])],
                       numeric: [NumericTotal("log_population", total: units.reduce(0) { $0 + (Double(String(format: "%.4f", $1.logPopulation)) ?? 0) })])
    }

    static let answers = ["type", "petite", "log_population"] + BarometerDemo.panelAnswers

    /// Indicator columns (one per level of the table's column) of categorical variables, values of numeric ones.
    static func indicators(_ table: Table, _ variables: [String]) throws -> [[Double]] {
        var columns: [[Double]] = []
        for v in variables {
            if let n = try? table.numeric(v) { columns.append(n.values); continue }
            let c = try table.categorical(v)
            for l in c.levels.indices { columns.append(c.codes.map { Int($0) == l ? 1 : 0 }) }
        }
        return (0..<table.rowCount).map { i in columns.map { $0[i] } }
    }

    @Test("the demo's wave-2 and wave-3 cross-sectional weights equal PanelWeighting's on the demo's wave files")
    func sameWeightsAsPanelWeighting() throws {
        let tables = try Self.tables()
        var weighting = try PanelWeighting(waves: tables, idColumn: "id", calibrator: Calibrator(margins: Self.margins, method: .raking),
                                           covariates: ["log_population"] + BarometerDemo.panelAnswers, adjustment: .propensityClasses(5),
                                           calibrateToWave1: Self.answers)
        weighting.laterWaveMargins = Margins()
        weighting.combinedWaveCalibrator = Calibrator(margins: Self.laterMargins(), method: .raking)
        let wave1 = try weighting.calibrateWave1()
        #expect(wave1.weights == Self.output.wave1.weights)
        for k in 2...3 {
            let wave = try weighting.crossSectional(wave: k, wave1: wave1)
            #expect(wave.weights == Self.output.crossSectionalWeights[k - 2], "wave \(k)")
            #expect(wave.report == Self.output.attrition[k - 2], "wave \(k)")
        }
    }

    @Test("the demo's wave-2 weights and two-phase standard errors equal the chain stitched by hand, bit for bit")
    func sameAsTheHandStitchedChain() throws {
        let tables = try Self.tables()
        let first = Self.output.wave1
        let ids1 = try tables[0].categorical("id"), ids2 = try tables[1].categorical("id")
        let rowOfId = Dictionary(uniqueKeysWithValues: (0..<tables[1].rowCount).map { (ids2[$0]!, $0) })
        let retained = (0..<tables[0].rowCount).map { rowOfId[ids1[$0]!] != nil }
        let adjustment = AttritionAdjustment(wave1: tables[0], retained: retained, covariates: ["log_population"] + BarometerDemo.panelAnswers,
                                             adjustment: .propensityClasses(5), margins: Margins(), calibrateToWave1: Self.answers,
                                             method: .raking, wave: 2)
        let (_, rows, _, calibration) = try adjustment.run(wave1Weights: first.weights)
        var panelWeightOfRow = [Double?](repeating: nil, count: tables[1].rowCount)
        for (j, r) in rows.enumerated() { panelWeightOfRow[rowOfId[ids1[r]!]!] = calibration.weights[j] }
        let (combined, _) = try CrossSectionalCombination(wave: tables[1], panelWeights: panelWeightOfRow,
                                                          calibrator: Calibrator(margins: Self.laterMargins(), method: .raking)).run()
        #expect(combined == Self.output.crossSectionalWeights[0])

        var twoPhase = TwoPhaseLinearization(
            phase1Weights: first.weights, phase2Rows: rows,
            phase2Probabilities: zip(rows, calibration.baseWeights).map { first.weights[$0.0] / $0.1 },
            finalWeights: calibration.weights, phase2Auxiliaries: try Self.indicators(tables[0].subset(rows), Self.answers),
            phase1Auxiliaries: try Self.indicators(tables[0], ["region", "strate"]))
        twoPhase.responseModel = try adjustment.responseModelLinearization(wave1Weights: first.weights)
        twoPhase.leverage = .jackknife  // the demo's default
        let answers = try tables[1].subset(rows.map { rowOfId[ids1[$0]!]! })
        let wave2Rows = Self.output.rows.filter { $0.wave == 2 }
        #expect(!wave2Rows.isEmpty)
        for row in wave2Rows {
            let c = try answers.categorical(row.indicator)
            let r = twoPhase.mean((0..<answers.rowCount).map { c[$0] == "oui" ? 1.0 : 0.0 })
            #expect(row.weighted == r.estimate && row.se == r.standardError && row.phase1Variance == r.phase1Variance, "\(row.indicator)")
        }
    }
}
