import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

/// The change of an indicator between two waves of a panel, against R survey 4.1.1 (`Fixtures/change`, made by
/// `make_change.R`): on the bundled barometer waves 1 and 2 linked by `code_insee`, one design over the wave-1
/// communes carrying both waves' variables and weights (stratified by region with fixed weights; calibrated on
/// region and size by raking), both means, their change and their ratio by `svycontrast`, for two proportions
/// and a mean, in the whole population and in each size class. Estimates to 1e-8, standard errors and p-values
/// to 1e-6 (relative), degrees of freedom exactly.
@Suite("Change over time against R survey")
struct ChangeGoldenTests {
    static let folder = fixturesURL().appendingPathComponent("change")

    /// Rows of change.csv: 2 designs x 3 variables x 7 domains.
    static let rowCount = 42

    static func table(_ name: String) throws -> Table { try Table(contentsOf: folder.appendingPathComponent(name).path) }

    static func close(_ got: Double?, _ want: String, _ tolerance: Double) -> Bool {
        guard let want = Double(want), let got else { return false }
        return abs(got - want) <= tolerance * max(abs(want), 1e-300)
    }

    /// The linked design of one of the script's designs.
    static func changeDesign(_ name: String) throws -> (ChangeDesign, Table, Table) {
        let t1 = try table("wave1.csv"), t2 = try table("wave2.csv")
        let ids = try t1.categorical("code_insee")
        let ids2 = try t2.categorical("code_insee")
        var row: [String: Int] = [:]
        for i in 0..<t1.rowCount { row[ids[i]!] = i }
        let link2 = (0..<t2.rowCount).map { row[ids2[$0]!]! }
        let w2 = try t2.numeric("w2").values
        var linked: SurveyDesign
        if name == "fixed_strat" {
            linked = try SurveyDesign(table: t1, weight: "w1", strata: "region")
        } else {
            let m = try MarginsFile.read(fixturesURL().appendingPathComponent("golden/margins_region_taille.csv").path)
            let calibrator = Calibrator(margins: m, method: .raking, options: CalibrationOptions(maxIterations: 1000, tolerance: 1e-13))
            let base = try SurveyDesign(table: t1, weight: "d")
            linked = base.calibrated(try calibrator.calibrate(t1, baseWeights: base.weights, weightColumn: "d"))
        }
        let first = ChangeWave(weights: linked.weights, linkedRecord: Array(0..<t1.rowCount))
        let second = ChangeWave(weights: w2, linkedRecord: link2)
        return (ChangeDesign(linked: linked, first: first, second: second), t1, t2)
    }

    static func values(_ t: Table, _ variable: String, _ level: String) throws -> [Double] {
        if level.isEmpty { return try t.numeric(variable).values }
        let c = try t.categorical(variable)
        return (0..<t.rowCount).map { i in c[i].map { $0 == level ? 1.0 : 0.0 } ?? .nan }
    }

    @Test("the fixture has its 42 rows")
    func fixtureLoads() throws {
        #expect(try Self.table("change.csv").rowCount == Self.rowCount)
    }

    @Test("wave-1 weights raked here equal R's calibrate(calfun = 'raking') to 1e-8")
    func rakedWeightsMatch() throws {
        let (design, t1, _) = try Self.changeDesign("cal_wave1")
        let w1 = try t1.numeric("w1").values
        for i in 0..<t1.rowCount { #expect(abs(design.first.weights[i] - w1[i]) <= 1e-8 * w1[i]) }
    }

    @Test("panel change, levels, ratio and independent-samples SE equal R's svycontrast on the linked design",
          arguments: ["fixed_strat", "cal_wave1"])
    func matchesR(design name: String) throws {
        let golden = try Self.table("change.csv")
        func col(_ c: String) throws -> (Int) -> String { try GoldenTests.column(golden, c) }
        let designCol = try col("design"), variable = try col("variable"), level = try col("level"), domain = try col("domain")
        let (design, t1, t2) = try Self.changeDesign(name)
        let size1 = try t1.categorical("taille"), size2 = try t2.categorical("taille")
        var checked = 0
        for i in 0..<golden.rowCount where designCol(i) == name {
            let v = variable(i), l = level(i), d = domain(i)
            let in1: [Bool]? = d == "all" ? nil : (0..<t1.rowCount).map { size1[$0] == d }
            let in2: [Bool]? = d == "all" ? nil : (0..<t2.rowCount).map { size2[$0] == d }
            let c = try design.change(y1: Self.values(t1, v, l), y2: Self.values(t2, v, l), in1: in1, in2: in2,
                                      variable: v, domain: d, ratio: true)
            let where_ = "\(name) \(v) \(d)"
            #expect(String(c.wave1.n) == (try col("n1"))(i), "\(where_) n1")
            #expect(String(c.wave2.n) == (try col("n2"))(i), "\(where_) n2")
            #expect(String(Int(c.change.df)) == (try col("df"))(i), "\(where_) df")
            #expect(Self.close(c.wave1.estimate, try col("est1")(i), 1e-8), "\(where_) est1")
            #expect(Self.close(c.wave2.estimate, try col("est2")(i), 1e-8), "\(where_) est2")
            #expect(Self.close(c.change.estimate, try col("change")(i), 1e-8), "\(where_) change")
            #expect(Self.close(c.ratio?.estimate, try col("ratio")(i), 1e-8), "\(where_) ratio")
            #expect(Self.close(c.wave1.se, try col("se1")(i), 1e-6), "\(where_) se1 \(c.wave1.se ?? .nan)")
            #expect(Self.close(c.wave2.se, try col("se2")(i), 1e-6), "\(where_) se2 \(c.wave2.se ?? .nan)")
            #expect(Self.close(c.change.se, try col("se_change")(i), 1e-6), "\(where_) se change \(c.change.se ?? .nan)")
            #expect(Self.close(c.change.pValue, try col("p_change")(i), 1e-6), "\(where_) p change")
            #expect(Self.close(c.independentSE, try col("se_independent")(i), 1e-6), "\(where_) independent se")
            #expect(Self.close(c.independentPValue, try col("p_independent")(i), 1e-6), "\(where_) independent p")
            #expect(Self.close(c.ratio?.se, try col("se_ratio")(i), 1e-6), "\(where_) ratio se")
            #expect(Self.close(c.ratio?.pValue, try col("p_ratio")(i), 1e-6), "\(where_) ratio p")
            checked += 1
        }
        #expect(checked == 21)
    }
}
