import Foundation
import Testing
import Weighting  // the public API only: no @testable

/// The getting-started article (`Sources/Weighting/Weighting.docc/GettingStarted.md`) compiled and run: each
/// test holds one of its code blocks verbatim (the last test checks that they are still the article's), then
/// compares the values with R survey 4.1.1 (`make_golden.R`, output in `golden.txt`) or a closed form.
@Suite("The getting-started article, through the public API")
struct GettingStartedTests {
    /// R survey 4.1.1, `calibrate(design, ~region + size, pop, calfun = "raking")` (golden.txt).
    static let rWeights = [12.0728702089338, 12.0728702089338, 12.9271297910662, 12.9271297910662, 9.37878993608393,
                           9.37878993608393, 10.5511386780944, 15.6912814497377, 9.10004756752858, 8.11996194597723,
                           10.3344970221528, 7.44549346434157]

    static func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(1, abs(b)) }

    static func makeSample() throws -> Table {
        let sample = try Table([
            "region": .categorical(["N", "N", "N", "N", "S", "S", "S", "S", "E", "E", "E", "E"]),
            "size": .categorical(["small", "small", "large", "large", "small", "small", "small", "large",
                                  "small", "large", "large", "small"]),
            "y": .numeric([3.0, 5.0, 8.0, 6.0, 2.0, 4.0, 3.5, 7.0, 1.0, 9.0, 5.5, 2.5]),
            "d": .numeric([10, 10, 12, 12, 8, 8, 9, 15, 11, 11, 14, 9]),
        ])
        return sample
    }

    static func calibrate(_ sample: Table) throws -> (Margins, CalibrationResult) {
        let margins = Margins(categorical: [
            CategoricalMargin("region", ["N": 50, "S": 45, "E": 35]),
            CategoricalMargin("size", ["small": 70, "large": 60]),
        ])
        let calibrator = Calibrator(margins: margins, method: .raking)
        let calibrated = try calibrator.calibrate(sample, weightColumn: "d")
        print(calibrated.weights.reduce(0, +))  // 130: the weights sum to the population
        return (margins, calibrated)
    }

    @Test("raking the in-memory sample gives R survey's weights (1e-9) and meets every margin")
    func calibration() throws {
        let sample = try Self.makeSample()
        let (_, calibrated) = try Self.calibrate(sample)
        #expect(calibrated.weights.count == 12)
        for (w, r) in zip(calibrated.weights, Self.rWeights) { #expect(Self.relative(w, r) < 1e-9, "\(w) vs R \(r)") }
        let region = try sample.categorical("region"), size = try sample.categorical("size")
        var byRegion: [String: Double] = [:], bySize: [String: Double] = [:]
        for i in 0..<12 {
            byRegion[region[i]!, default: 0] += calibrated.weights[i]
            bySize[size[i]!, default: 0] += calibrated.weights[i]
        }
        #expect(Self.relative(byRegion["N"]!, 50) < 1e-10 && Self.relative(byRegion["S"]!, 45) < 1e-10
                && Self.relative(byRegion["E"]!, 35) < 1e-10)
        #expect(Self.relative(bySize["small"]!, 70) < 1e-10 && Self.relative(bySize["large"]!, 60) < 1e-10)
    }

    @Test("the calibrated mean and total of y, their standard errors and t intervals equal R survey's")
    func estimates() throws {
        let sample = try Self.makeSample()
        let (_, calibrated) = try Self.calibrate(sample)
        let design = try SurveyDesign(table: sample, weight: "d").calibrated(calibrated)
        let estimator = SurveyEstimator(table: sample, design: design, level: 0.95)
        let mean = try estimator.estimate(variables: ["y"], statistic: .mean)[0]
        print(mean.estimate, mean.se)  // 4.9095 0.33068, as R survey
        print(mean.ciLow!, mean.ciHigh!)  // 4.1817 5.6373

        // R: svymean(~y, cal); confint(, df = degf(cal)) with degf 11 (golden.txt).
        #expect(mean.df == 11)
        #expect(Self.relative(mean.estimate, 4.90951266344933) < 1e-8)
        #expect(Self.relative(mean.se, 0.330676347636879) < 1e-6)
        #expect(Self.relative(mean.ciLow!, 4.18169892950725) < 1e-6)
        #expect(Self.relative(mean.ciHigh!, 5.6373263973914) < 1e-6)
        let total = try estimator.estimate(variables: ["y"], statistic: .total)[0]
        #expect(Self.relative(total.estimate, 638.236646248413) < 1e-8)
        #expect(Self.relative(total.se, 42.9879251927943) < 1e-6)
        #expect(Self.relative(total.ciLow!, 543.620860835944) < 1e-6)
        #expect(Self.relative(total.ciHigh!, 732.852431660883) < 1e-6)
    }

    @Test("the wave-2 weights are the closed form w1 · N_region / Σ_stayers-in-region w1")
    func panel() throws {
        let sample = try Self.makeSample()
        let (margins, calibrated) = try Self.calibrate(sample)
        let stayed = [true, false, true, true, true, true, false, true, false, true, true, true]
        let regionOnly = Margins(categorical: [margins.categorical[0]])
        let attrition = AttritionAdjustment(wave1: sample, retained: stayed, covariates: ["region"],
                                            adjustment: .inversePropensity, margins: regionOnly, wave: 2)
        let wave2 = try attrition.run(wave1Weights: calibrated.weights)
        print(wave2.rows)  // the wave-1 records of the stayers: [0, 2, 3, 4, 5, 7, 9, 10, 11]
        print(wave2.weights.reduce(0, +))  // 130 again

        #expect(wave2.rows == [0, 2, 3, 4, 5, 7, 9, 10, 11])
        let region = try sample.categorical("region")
        let population = ["N": 50.0, "S": 45, "E": 35]
        var stayersWeight: [String: Double] = [:]
        for i in wave2.rows { stayersWeight[region[i]!, default: 0] += calibrated.weights[i] }
        for (k, i) in wave2.rows.enumerated() {
            let expected = calibrated.weights[i] * population[region[i]!]! / stayersWeight[region[i]!]!
            #expect(Self.relative(wave2.weights[k], expected) < 1e-9, "record \(i)")
        }
    }

    @Test("a panel through PanelWeighting: wave 2's two-phase mean is the post-stratified mean of the stayers, and the change from wave 1 the difference of the means")
    func panelWeighting() throws {
        let sample = try Self.makeSample()
        let stayed = [true, false, true, true, true, true, false, true, false, true, true, true]
        let regionOnly = Margins(categorical: [CategoricalMargin("region", ["N": 50, "S": 45, "E": 35])])
        var first = sample
        first.setCategorical("id", CategoricalColumn((0..<12).map { "c\($0)" }))
        let second = try first.subset(stayed.indices.filter { stayed[$0] })  // wave 2: the stayers' rows
        let panel = try PanelWeighting(waves: [first, second], idColumn: "id",
                                       calibrator: Calibrator(margins: regionOnly, method: .raking),
                                       wave1Weight: "d", covariates: ["region"], adjustment: .inversePropensity)
        let wave1 = try panel.calibrateWave1()
        let part = try panel.panelPart(wave: 2, wave1: wave1)
        let y1 = try first.numeric("y").values, y2 = try second.numeric("y").values.map { $0 + 1 }
        let mean2 = try panel.twoPhase(part, wave1: wave1).mean(part.rows.map { y2[$0] })
        print(mean2.estimate, mean2.standardError)  // 6.5201 0.70257
        let change = try panel.change(toWave: 2, wave1: wave1)
        let c = try change.design.change(y1: y1, y2: change.part.rows.map { y2[$0] }, variable: "y")
        print(c.change.estimate, c.change.se!)  // 1.5022 0.35438

        // Closed forms: wave 1 post-stratified from d, the stayers post-stratified from w1 (the saturated
        // inverse propensity and the region margin give w = w1 · N_r / Σ_{stayers in r} w1).
        let region = try sample.categorical("region"), d = try sample.numeric("d").values
        let population = ["N": 50.0, "S": 45, "E": 35]
        func poststratified(_ rows: [Int], _ base: [Double], _ y: [Double]) -> (weights: [Double], mean: Double) {
            var sums: [String: Double] = [:]
            for i in rows { sums[region[i]!, default: 0] += base[i] }
            let w = rows.map { base[$0] * population[region[$0]!]! / sums[region[$0]!]! }
            return (w, zip(w, rows).reduce(0) { $0 + $1.0 * y[$1.1] } / 130)
        }
        let stayers = stayed.indices.filter { stayed[$0] }
        let w1 = poststratified(Array(0..<12), d, y1)
        var y2OfWave1 = [Double](repeating: .nan, count: 12)
        for (k, i) in stayers.enumerated() { y2OfWave1[i] = y2[k] }
        let w2 = poststratified(stayers, w1.weights, y2OfWave1)
        #expect(part.wave1Rows == stayers && part.rows == Array(0..<9))
        for k in 0..<9 { #expect(Self.relative(part.weights[k], w2.weights[k]) < 1e-9) }
        #expect(Self.relative(mean2.estimate, w2.mean) < 1e-12)
        #expect(mean2.phase1Variance > 0 && mean2.phase2Variance > 0)
        #expect(Self.relative(c.change.estimate, w2.mean - w1.mean) < 1e-12)
        #expect(c.change.se! > 0)
    }

    @Test("every code block of the article is in this file, line for line")
    func articleCodeIsTested() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let article = try String(contentsOf: root.appendingPathComponent("Sources/Weighting/Weighting.docc/GettingStarted.md"),
                                 encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let sourceLines = source.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let blocks = article.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.count == 5)
        for block in blocks {
            let lines = block.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let found = sourceLines.indices.contains { start in
                start + lines.count <= sourceLines.count && Array(sourceLines[start..<(start + lines.count)]) == lines
            }
            #expect(found, "not in GettingStartedTests.swift:\n\(block)")
        }
    }
}
