import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Golden values from R survey 4.1.1 on R 4.2.2 (Fixtures/golden/make_golden.R): calibrated weights to a
/// relative 1e-8; for every row of `estimates.csv`, the estimate to 1e-8 and the standard error, interval and
/// design effect to 1e-6.
///
/// The estimates of the `rake()` cases come from the equivalent `calibrate(calfun = "raking")` design (same
/// weights to 1e-9, checked by the script): R's `rake()` linearizes with ten backfitting sweeps, an approximation
/// of the exact projection on the margins that `calibrate()` and Weighting compute (README, "Agreement with R
/// survey").
@Suite("Golden values from R survey")
struct GoldenTests {
    static let folder = fixturesURL().appendingPathComponent("golden")

    /// The number of rows the fixtures must hold: a fixture that fails to load, or loses rows, fails the count
    /// tests instead of yielding fewer (or zero) parameterized cases and a pass.
    static let calibrationCaseCount = 16
    static let estimateRowCount = 249

    struct Case: Sendable {
        var name, data, weight, margins, method, bounds, rCall, rEstimatesCall: String
    }

    static func readTable(_ name: String) throws -> Table { try Table(contentsOf: folder.appendingPathComponent(name).path) }

    static func column(_ t: Table, _ name: String) throws -> (Int) -> String {
        guard let c = t.names.firstIndex(of: name) else { throw GoldenFixtureError.missingColumn(name) }
        return { i in t.buffer!.text(row: i, column: c) }
    }

    static func loadCases() throws -> [Case] {
        let t = try readTable("cases.csv")
        let name = try column(t, "name"), data = try column(t, "data"), weight = try column(t, "weight")
        let margins = try column(t, "margins"), method = try column(t, "method"), bounds = try column(t, "bounds")
        let rCall = try column(t, "r_call"), rEstimatesCall = try column(t, "r_estimates_call")
        return (0..<t.rowCount).map { i in
            Case(name: name(i), data: data(i), weight: weight(i), margins: margins(i), method: method(i),
                 bounds: bounds(i), rCall: rCall(i), rEstimatesCall: rEstimatesCall(i))
        }
    }

    static let cases: [Case] = (try? loadCases()) ?? []

    static func method(_ c: Case) -> CalibrationMethod {
        let b = c.bounds.split(separator: ",").compactMap { Double($0) }
        return try! CalibrationMethod(name: c.method, bounds: b.count == 2 ? (b[0], b[1]) : nil)
    }

    static func calibrate(_ c: Case) throws -> (Table, CalibrationResult) {
        let table = try readTable(c.data)
        let margins = try MarginsFile.read(folder.appendingPathComponent(c.margins).path)
        let options = CalibrationOptions(maxIterations: 1000, tolerance: 1e-13)
        let result = try Calibrator(margins: margins, method: method(c), options: options)
            .calibrate(table, weightColumn: c.weight.isEmpty ? nil : c.weight)
        return (table, result)
    }

    @Test("the fixture lists exactly 16 calibration cases on three data sets")
    func casesPresent() throws {
        let cases = try Self.loadCases()
        #expect(cases.count == Self.calibrationCaseCount)
        #expect(Set(cases.map(\.data)) == ["apistrat.csv", "apiclus1.csv", "barometre.csv"])
    }

    @Test("calibrated weights match R survey to a relative 1e-8", arguments: GoldenTests.cases.map(\.name))
    func weights(name: String) throws {
        let c = Self.cases.first { $0.name == name }!
        let (_, result) = try Self.calibrate(c)
        let expected = try Self.readTable("expected_\(c.name).csv").numeric("weight").values
        #expect(expected.count == result.weights.count)
        var worst = 0.0
        for (a, b) in zip(result.weights, expected) { worst = max(worst, abs(a - b) / abs(b)) }
        #expect(worst < 1e-8, "max relative difference \(worst)")
    }

    // MARK: - Estimates

    struct Expected {
        var caseName, variable, level, domain, statistic: String
        var estimate: Double, se: Double, ciLow: Double?, ciHigh: Double?, deff: Double?
    }

    static func loadExpected() throws -> [Expected] {
        let t = try readTable("estimates.csv")
        let f = try ["case", "variable", "level", "domain", "statistic", "estimate", "se", "ci_low", "ci_high", "deff"]
            .map { try column(t, $0) }
        return try (0..<t.rowCount).map { i in
            guard let estimate = Double(f[5](i)), let se = Double(f[6](i)) else {
                throw GoldenFixtureError.notANumber(row: i + 2, f[5](i) + " " + f[6](i))
            }
            return Expected(caseName: f[0](i), variable: f[1](i), level: f[2](i), domain: f[3](i), statistic: f[4](i),
                            estimate: estimate, se: se, ciLow: Double(f[7](i)), ciHigh: Double(f[8](i)),
                            deff: Double(f[9](i)))
        }
    }

    static let expected: [Expected] = (try? loadExpected()) ?? []

    @Test("estimates.csv has exactly 249 rows: 14 per calibrated apistrat and apiclus1 case (rake cases included), 19 per barometer case, 5 per uncalibrated design")
    func estimateRowsPresent() throws {
        let rows = try Self.loadExpected()
        #expect(rows.count == Self.estimateRowCount)
        var perCase: [String: Int] = [:]
        for r in rows { perCase[r.caseName, default: 0] += 1 }
        for c in try Self.loadCases() {
            #expect(perCase[c.name] == (c.data == "barometre.csv" ? 19 : 14), "\(c.name): \(perCase[c.name] ?? 0) rows")
        }
        #expect(perCase["dstrat"] == 5 && perCase["dclus1"] == 5)
        // Every row has its interval (but a Korn–Graubard interval on a standard error that is zero up to
        // rounding, where R's bounds are noise), and every mean, total and proportion its design effect.
        for r in rows {
            let negligible = r.se < 1e-8 * abs(r.estimate)
            #expect(negligible || (r.ciLow != nil && r.ciHigh != nil), "\(r.caseName) \(r.statistic) \(r.variable): no interval")
            if ["mean", "total", "proportion"].contains(r.statistic) {
                #expect(r.deff != nil, "\(r.caseName) \(r.statistic) \(r.variable) \(r.domain): no design effect")
            }
        }
    }

    static func design(for caseName: String) throws -> (Table, SurveyDesign) {
        if caseName == "dstrat" || caseName == "dclus1" {
            let table = try readTable(caseName == "dstrat" ? "apistrat.csv" : "apiclus1.csv")
            return (table, try baseDesign(table, data: caseName == "dstrat" ? "apistrat.csv" : "apiclus1.csv", weight: "pw"))
        }
        guard let c = cases.first(where: { $0.name == caseName }) else { throw GoldenFixtureError.unknownCase(caseName) }
        let (table, result) = try calibrate(c)
        return (table, try baseDesign(table, data: c.data, weight: c.weight).calibrated(result))
    }

    /// The designs of make_golden.R: `apistrat` stratified with fpc, `apiclus1` one-stage cluster with fpc (or,
    /// without base weight, independent draws of weight 1), the barometer independent draws of weight `d`.
    static func baseDesign(_ table: Table, data: String, weight: String) throws -> SurveyDesign {
        switch data {
        case "apistrat.csv": return try SurveyDesign(table: table, weight: weight, strata: "stype", fpc: "fpc")
        case "apiclus1.csv" where weight.isEmpty: return try SurveyDesign(table: table)
        case "apiclus1.csv": return try SurveyDesign(table: table, weight: weight, cluster: "dnum", fpc: "fpc")
        default: return try SurveyDesign(table: table, weight: weight)
        }
    }

    static func compute(_ e: Expected, table: Table, design: SurveyDesign) throws -> Estimate? {
        var estimator = SurveyEstimator(table: table, design: design, interval: .wald)  // R rows: Wald unless svyciprop
        // A domain is written `variable=level`.
        let by = e.domain.isEmpty ? [] : [String(e.domain.split(separator: "=", maxSplits: 1)[0])]
        let kind: StatisticKind
        var variable = e.variable
        switch e.statistic {
        case "total": kind = .total
        case "ratio":
            let parts = e.variable.split(separator: "/").map(String.init)
            kind = .ratio(denominator: parts[1]); variable = parts[0]
        case let s where s.hasPrefix("quantile"): kind = .quantile([Double(s.split(separator: " ")[1])!])
        case "proportion-logit": kind = .mean; estimator.interval = .logit
        case "proportion-beta": kind = .mean; estimator.interval = .beta
        default: kind = .mean
        }
        let all = try estimator.estimate(variables: [variable], statistic: kind, by: by)
        return all.first { ($0.level ?? "") == e.level && ($0.domain ?? "") == e.domain }
    }

    static var caseNames: [String] { Array(Set(expected.map(\.caseName))).sorted() }

    /// Relative difference, or absolute below `floor` (an interval bound near 0).
    static func differs(_ got: Double?, _ want: Double, by tolerance: Double, floor: Double = 1e-12) -> Bool {
        guard let got, got.isFinite else { return true }
        return abs(got - want) / max(abs(want), floor) >= tolerance
    }

    @Test("every estimate, standard error, interval and design effect matches R survey", arguments: GoldenTests.caseNames)
    func estimates(caseName: String) throws {
        let (table, design) = try Self.design(for: caseName)
        let rows = Self.expected.filter { $0.caseName == caseName }
        #expect(!rows.isEmpty)
        for e in rows {
            let label = "\(caseName) \(e.statistic) \(e.variable) \(e.level) \(e.domain)"
            guard let got = try Self.compute(e, table: table, design: design) else {
                Issue.record("no estimate for \(label)")
                continue
            }
            #expect(relativeError(got.estimate, e.estimate) < 1e-8, "\(label): estimate \(got.estimate) vs R \(e.estimate)")
            // A standard error that is zero up to rounding (a proportion the calibration fixes) is compared
            // absolutely, and so is its design effect. The interval must then collapse on the estimate: R's
            // Korn–Graubard interval on a standard error of 1e-17 is rounding noise (a missing bound, or a bound
            // 0.01 away), so it is not the reference there.
            let negligible = e.se < 1e-8 * abs(e.estimate)
            if negligible {
                #expect(got.se < 1e-7 * abs(e.estimate), "\(label): se \(got.se) vs R \(e.se)")
                if let d = e.deff { #expect(abs((got.deff ?? .nan) - d) < 1e-6, "\(label): deff \(String(describing: got.deff)) vs R \(d)") }
                for bound in [got.ciLow, got.ciHigh] {
                    #expect(!Self.differs(bound, e.estimate, by: 1e-6), "\(label): interval (\(String(describing: got.ciLow)), \(String(describing: got.ciHigh))) does not collapse on \(e.estimate)")
                }
                continue
            } else {
                #expect(abs(got.se - e.se) / e.se < 1e-6, "\(label): se \(got.se) vs R \(e.se)")
                if let d = e.deff {
                    #expect(!Self.differs(got.deff, d, by: 1e-6), "\(label): deff \(String(describing: got.deff)) vs R \(d)")
                }
            }
            if let lo = e.ciLow, let hi = e.ciHigh {
                #expect(!Self.differs(got.ciLow, lo, by: 1e-6), "\(label): ci_low \(String(describing: got.ciLow)) vs R \(lo)")
                #expect(!Self.differs(got.ciHigh, hi, by: 1e-6), "\(label): ci_high \(String(describing: got.ciHigh)) vs R \(hi)")
            } else {
                Issue.record("\(label): the fixture has no interval")
            }
        }
    }
}

/// A golden fixture that cannot be read as the tests expect.
enum GoldenFixtureError: Error, CustomStringConvertible {
    case missingColumn(String)
    case unknownCase(String)
    case notANumber(row: Int, String)

    var description: String {
        switch self {
        case .missingColumn(let c): "golden fixture: no column '\(c)'"
        case .unknownCase(let c): "golden fixture: estimates for '\(c)', which cases.csv does not list"
        case .notANumber(let row, let text): "golden fixture, line \(row): '\(text)' is not a number"
        }
    }
}
