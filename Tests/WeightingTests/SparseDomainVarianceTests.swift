import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Estimation by many domains (issue 11, item 3): the influence values of a domain estimate are kept for the
/// domain's records only, and the linearization variance runs over them; it must equal the variance of the
/// dense influence vector (zeros outside the domain) on every kind of design.
@Suite("Domain variances from sparse influence values")
struct SparseDomainVarianceTests {
    static func designs() throws -> [(String, Table, SurveyDesign)] {
        let folder = fixturesURL().appendingPathComponent("golden")
        let strat = try Table(contentsOf: folder.appendingPathComponent("apistrat.csv").path)
        let clus = try Table(contentsOf: folder.appendingPathComponent("apiclus1.csv").path)
        return [("stratified", strat, try SurveyDesign(table: strat, weight: "pw", strata: "stype", fpc: "fpc")),
                ("clustered", clus, try SurveyDesign(table: clus, weight: "pw", cluster: "dnum", fpc: "fpc")),
                ("simple", strat, try SurveyDesign(table: strat, weight: "pw"))]
    }

    @Test("sparse and dense influence values give the same variance for every domain (no calibration)")
    func sparseEqualsDense() throws {
        for (name, table, design) in try Self.designs() {
            let domains = try Domains(table: table, by: ["stype"])
            let y = try table.numeric("api00").values
            let variance = LinearizationVariance(design: design)
            for rows in domains.rows() {
                let values = rows.map { design.weights[$0] * (y[$0] - 600) }
                var dense = [Double](repeating: 0, count: design.count)
                for (i, v) in zip(rows, values) { dense[i] = v }
                let a = try variance.variance(dense)
                let b = try variance.variances(sparse: [SparseInfluence(rows: rows, values: values)])[0]
                #expect(abs(a - b) <= 1e-10 * a, "\(name): dense \(a) vs sparse \(b)")
            }
        }
    }

    @Test("estimate by 5,000 domains on 20,000 records: one estimate per domain, each with the dense variance")
    func manyDomains() throws {
        var rng = SplitMix64(seed: 17)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        let n = 20_000, k = 5_000
        let domain = (0..<n).map { i in i < k ? "c\(i)" : "c\(Int(uniform() * Double(k)) % k)" }
        let y = (0..<n).map { _ in (100 * uniform()).rounded() }
        let table = try Table(["commune": .categorical(domain), "y": .numeric(y), "w": .numeric([Double](repeating: 5, count: n))])
        let design = try SurveyDesign(table: table, weight: "w")
        let estimates = try SurveyEstimator(table: table, design: design).estimate(variables: ["y"], statistic: .mean, by: ["commune"])
        #expect(estimates.count == k)
        // Check a few domains against the dense influence vector.
        let domains = try Domains(table: table, by: ["commune"])
        let rows = domains.rows()
        for d in [0, 1, 2_500, 4_999] {
            let r = rows[d]
            let mean = r.reduce(0.0) { $0 + y[$1] } / Double(r.count)
            var dense = [Double](repeating: 0, count: n)
            for i in r { dense[i] = 5 * (y[i] - mean) / (5 * Double(r.count)) }
            let se = try LinearizationVariance(design: design).variance(dense).squareRoot()
            let e = estimates.first { $0.domain == domains.labels[d] }!
            #expect(abs(e.estimate - mean) <= 1e-12 * abs(mean))
            #expect(abs(e.se - se) <= 1e-9 * max(se, 1e-300), "domain \(d): \(e.se) vs \(se)")
        }
    }

    @Test("after calibration on cells, the per-cell variance of sparse influence values equals the dense residuals' variance",
          arguments: ["strat_rake_stype_schwide", "strat_cal_linear", "strat_ps_stype_x_schwide", "strat_cal_logit"])
    func calibratedSparseEqualsDense(caseName: String) throws {
        let (table, design) = try GoldenTests.design(for: caseName)
        #expect(design.calibration != nil)
        let domains = try Domains(table: table, by: ["stype"])
        let y = try table.numeric("api00").values
        let variance = LinearizationVariance(design: design)
        var sparse: [SparseInfluence] = [], dense: [[Double]] = []
        for rows in domains.rows() + [Array(0..<design.count)] {
            let values = rows.map { design.weights[$0] * (y[$0] - 600) }
            var v = [Double](repeating: 0, count: design.count)
            for (i, x) in zip(rows, values) { v[i] = x }
            sparse.append(SparseInfluence(rows: rows, values: values))
            dense.append(v)
        }
        let a = try variance.variances(dense), b = try variance.variances(sparse: sparse)
        for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-9 * x, "\(caseName): dense \(x) vs sparse \(y)") }
        if let cal = design.calibration, !cal.design.perRecord {
            let residuals = CalibrationResiduals(result: cal, weights: design.weights)
            for form in [true, false] {
                let c = try residuals.cellVariances(sparse, design: design, quadraticForm: form, combine: variance.combine(sum:sumSq:))
                for (x, y) in zip(a, c) { #expect(abs(x - y) <= 1e-9 * x, "\(caseName) quadratic \(form): dense \(x) vs cells \(y)") }
            }
        }
    }
}
