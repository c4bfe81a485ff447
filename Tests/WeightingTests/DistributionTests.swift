import Foundation
import Testing
@testable import Weighting

@Suite("Distributions against SciPy reference values")
struct DistributionTests {
    struct Row {
        var distribution: String, p1: Double, p2: Double, x: Double, kind: String, value: Double
    }

    static let rows: [Row] = {
        let url = fixturesURL().appendingPathComponent("distributions/reference.csv")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",").map(String.init)
            return Row(distribution: f[0], p1: Double(f[1])!, p2: Double(f[2])!, x: Double(f[3])!, kind: f[4], value: Double(f[5])!)
        }
    }()

    func evaluate(_ r: Row) -> Double {
        switch (r.distribution, r.kind) {
        case ("normal", "cdf"): return StandardNormal().cdf(r.x)
        case ("normal", _): return StandardNormal().quantile(r.x)
        case ("t", "cdf"): return StudentT(degreesOfFreedom: r.p1).cdf(r.x)
        case ("t", _): return StudentT(degreesOfFreedom: r.p1).quantile(r.x)
        case ("beta", "cdf"): return BetaDistribution(alpha: r.p1, beta: r.p2).cdf(r.x)
        case ("beta", _): return BetaDistribution(alpha: r.p1, beta: r.p2).quantile(r.x)
        case ("f", "cdf"): return FDistribution(d1: r.p1, d2: r.p2).cdf(r.x)
        default: return FDistribution(d1: r.p1, d2: r.p2).quantile(r.x)
        }
    }

    @Test("the reference table is present and complete")
    func tableLoaded() { #expect(Self.rows.count == 285) }

    @Test("CDFs match SciPy to a relative 2e-12 (absolute 1e-300 near underflow)", arguments: ["normal", "t", "beta", "f"])
    func cdfs(distribution: String) {
        for r in Self.rows where r.distribution == distribution && r.kind == "cdf" {
            let v = evaluate(r)
            let err = abs(v - r.value) / max(abs(r.value), 1e-300)
            #expect(err < 2e-12 || abs(v - r.value) < 1e-300, "\(r.distribution)(\(r.p1), \(r.p2)) cdf(\(r.x)) = \(v), SciPy \(r.value)")
        }
    }

    @Test("quantiles match SciPy to a relative 1e-10", arguments: ["normal", "t", "beta", "f"])
    func quantiles(distribution: String) {
        for r in Self.rows where r.distribution == distribution && r.kind == "quantile" {
            let v = evaluate(r)
            let err = abs(v - r.value) / max(abs(r.value), 1e-300)
            #expect(err < 1e-10 || (r.value < 1e-300 && v < 1e-300), "\(r.distribution)(\(r.p1), \(r.p2)) quantile(\(r.x)) = \(v), SciPy \(r.value)")
        }
    }

    @Test("published values: z(0.975), t(0.975; 1, 10, 30)")
    func publishedValues() {
        #expect(abs(StandardNormal().quantile(0.975) - 1.959963984540054) < 1e-15)
        #expect(abs(StudentT(degreesOfFreedom: 1).quantile(0.975) - 12.706204736174707) < 1e-12)
        #expect(abs(StudentT(degreesOfFreedom: 10).quantile(0.975) - 2.2281388519862739) < 1e-13)
        #expect(abs(StudentT(degreesOfFreedom: 30).quantile(0.975) - 2.0422724563012373) < 1e-13)
    }
}
