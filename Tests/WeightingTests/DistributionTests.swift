import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// The distributions against independent references: published table values, and
/// `Fixtures/distributions/reference.csv`, computed in 50-digit arithmetic with mpmath and cross-checked
/// against SciPy by `make_reference.py` beside it.
@Suite("Probability distributions")
struct DistributionTests {
    /// One reference value: `kind` is cdf, survival (argument x), quantile or inverse_survival (argument p).
    struct Reference: CustomStringConvertible, Sendable {
        var distribution: String, param1: Double, param2: Double, argument: Double, kind: String, value: Double
        var description: String { "\(distribution)(\(param1), \(param2)) \(kind)(\(argument)) = \(value)" }
    }

    static let references: [Reference] = {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
            .appendingPathComponent("distributions/reference.csv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            let f = line.split(separator: ",").map(String.init)
            return Reference(distribution: f[0], param1: Double(f[1])!, param2: Double(f[2])!,
                             argument: Double(f[3])!, kind: f[4], value: Double(f[5])!)
        }
    }()

    static func evaluate(_ r: Reference) -> Double {
        let d: any ContinuousDistribution
        switch r.distribution {
        case "normal": d = StandardNormal()
        case "t": d = StudentT(degreesOfFreedom: r.param1)
        case "beta": d = BetaDistribution(alpha: r.param1, beta: r.param2)
        default: d = FDistribution(d1: r.param1, d2: r.param2)
        }
        let x = r.argument
        switch r.kind {
        case "cdf": return d.cdf(x)
        case "survival": return d.survival(x)
        case "quantile": return d.quantile(x)
        default: return d.inverseSurvival(x)
        }
    }

    /// `|computed − reference| / |reference|` (0 when both are exactly equal, e.g. both 0 or ±∞).
    static func relativeError(_ computed: Double, _ reference: Double) -> Double {
        if computed == reference { return 0 }
        return abs(computed - reference) / abs(reference)
    }

    static let families = ["normal", "t", "beta", "f"]

    @Test("the reference table is present, with every family and kind")
    func referenceTableIsComplete() {
        #expect(Self.references.count == 495)
        for family in Self.families {
            for kind in ["cdf", "survival", "quantile", "inverse_survival"] {
                #expect(Self.references.contains { $0.distribution == family && $0.kind == kind },
                        "no \(kind) rows for \(family)")
            }
        }
    }

    /// Probabilities that are normal doubles (≥ 2.2e-308) must agree to a relative 1e-12; subnormal ones
    /// (the normal CDF beyond −37.5), whose own precision runs out, to an absolute 1e-12 × 2.2e-308.
    @Test("CDF and survival function agree with mpmath to a relative 1e-12 (absolute 2.2e-320 when subnormal)",
          arguments: families)
    func cumulativeProbabilitiesMatchReference(family: String) {
        var worst = 0.0
        for r in Self.references where r.distribution == family && (r.kind == "cdf" || r.kind == "survival") {
            let v = Self.evaluate(r)
            if abs(r.value) >= Double.leastNormalMagnitude {
                let err = Self.relativeError(v, r.value)
                worst = max(worst, err)
                #expect(err <= 1e-12, "\(r): computed \(v), relative error \(err)")
            } else {
                #expect(abs(v - r.value) <= 1e-12 * Double.leastNormalMagnitude, "\(r): computed \(v)")
            }
        }
        #expect(worst <= 1e-12)
    }

    /// Quantiles (and upper-tail quantiles) must agree to a relative 1e-10; a reference that underflows to 0
    /// (Beta(0.001, 5) below its median) must give exactly 0.
    @Test("quantile and inverse survival agree with mpmath to a relative 1e-10", arguments: families)
    func quantilesMatchReference(family: String) {
        for r in Self.references where r.distribution == family
            && (r.kind == "quantile" || r.kind == "inverse_survival") {
            let v = Self.evaluate(r)
            if r.value == 0 {
                #expect(v == 0, "\(r): computed \(v)")
            } else {
                let err = Self.relativeError(v, r.value)
                #expect(err <= 1e-10, "\(r): computed \(v), relative error \(err)")
            }
        }
    }

    /// Published values, to a relative 1e-15 (the normal) and 1e-14 (t).
    /// Note: t(0.975; 10) is 2.2281388519862739… (R's `qt`, mpmath to 25 digits); a value
    /// 2.2281388519649385 circulates but is wrong in its 11th digit.
    @Test("published table values: z(0.975), z(1e-10), t(0.975) for 1, 10, 30 df, Cauchy and t₂ closed forms")
    func publishedValues() {
        let z = StandardNormal()
        #expect(Self.relativeError(z.quantile(0.975), 1.959963984540054) <= 1e-15)
        #expect(Self.relativeError(z.quantile(1e-10), -6.361340902404056) <= 1e-15)
        #expect(Self.relativeError(z.cdf(1.959963984540054), 0.975) <= 1e-15)
        #expect(Self.relativeError(StudentT(degreesOfFreedom: 1).quantile(0.975), 12.706204736174707) <= 1e-14)
        #expect(Self.relativeError(StudentT(degreesOfFreedom: 10).quantile(0.975), 2.2281388519862739) <= 1e-14)
        #expect(Self.relativeError(StudentT(degreesOfFreedom: 30).quantile(0.975), 2.0422724563012373) <= 1e-14)
        // Cauchy: t = tan(π(p − ½)); t₂: t = (2p − 1)/√(2p(1 − p)).
        #expect(Self.relativeError(StudentT(degreesOfFreedom: 1).quantile(0.75), 1) <= 1e-15)
        #expect(Self.relativeError(StudentT(degreesOfFreedom: 2).quantile(0.9), 0.8 / 0.18.squareRoot()) <= 1e-15)
        #expect(Self.relativeError(StudentT(degreesOfFreedom: 1).cdf(1), 0.75) <= 1e-15)
    }

    @Test("quantiles at 0 and 1 are the ends of the support; ½ is the t median exactly")
    func quantileEndPoints() {
        #expect(StandardNormal().quantile(0) == -.infinity)
        #expect(StandardNormal().quantile(1) == .infinity)
        let t = StudentT(degreesOfFreedom: 4.5)
        #expect(t.quantile(0) == -.infinity && t.quantile(1) == .infinity && t.quantile(0.5) == 0)
        let b = BetaDistribution(alpha: 0.5, beta: 3)
        #expect(b.quantile(0) == 0 && b.quantile(1) == 1)
        #expect(b.inverseSurvival(0) == 1 && b.inverseSurvival(1) == 0)
        let f = FDistribution(d1: 3, d2: 7)
        #expect(f.quantile(0) == 0 && f.quantile(1) == .infinity)
        #expect(f.inverseSurvival(0) == .infinity && f.inverseSurvival(1) == 0)
    }

    @Test("CDFs at and beyond the ends of the support")
    func cdfEndPoints() {
        #expect(StandardNormal().cdf(-.infinity) == 0 && StandardNormal().cdf(.infinity) == 1)
        #expect(StudentT(degreesOfFreedom: 3).cdf(-.infinity) == 0 && StudentT(degreesOfFreedom: 3).cdf(.infinity) == 1)
        #expect(StudentT(degreesOfFreedom: 3).cdf(0) == 0.5)
        let b = BetaDistribution(alpha: 2, beta: 3)
        #expect(b.cdf(-1) == 0 && b.cdf(0) == 0 && b.cdf(1) == 1 && b.cdf(2) == 1)
        #expect(b.survival(0) == 1 && b.survival(1) == 0)
        #expect(FDistribution(d1: 2, d2: 3).cdf(0) == 0 && FDistribution(d1: 2, d2: 3).cdf(.infinity) == 1)
    }

    @Test("invalid parameters and NaN arguments give NaN instead of trapping")
    func invalidParametersGiveNaN() {
        #expect(StudentT(degreesOfFreedom: 0).cdf(1).isNaN)
        #expect(StudentT(degreesOfFreedom: -2).quantile(0.9).isNaN)
        #expect(StudentT(degreesOfFreedom: .nan).quantile(0.9).isNaN)
        #expect(BetaDistribution(alpha: 0, beta: 1).cdf(0.5).isNaN)
        #expect(BetaDistribution(alpha: 1, beta: -1).quantile(0.5).isNaN)
        #expect(FDistribution(d1: 0, d2: 1).cdf(1).isNaN)
        #expect(FDistribution(d1: 1, d2: .infinity).quantile(0.5).isNaN)
        #expect(StandardNormal().quantile(.nan).isNaN)
        #expect(StandardNormal().cdf(.nan).isNaN)
        #expect(BetaDistribution(alpha: 2, beta: 2).cdf(.nan).isNaN)
    }

    @Test("the normal and t quantiles are exactly antisymmetric: quantile(1 − p) = −quantile(p)",
          arguments: [1e-10, 0.001, 0.025, 0.1, 0.3, 0.4999])
    func quantilesAreAntisymmetric(p: Double) {
        #expect(StandardNormal().quantile(1 - p) == -StandardNormal().quantile(1 - (1 - p)))
        for df in [0.7, 1, 2, 3.5, 30, 1e6] {
            let t = StudentT(degreesOfFreedom: df)
            #expect(t.quantile(1 - p) == -t.quantile(1 - (1 - p)), "df \(df)")
        }
    }

    /// Self-consistency over a grid wider than the reference table: `cdf(quantile(p))` returns `p` (the
    /// survival function `1 − p` for `p > ½`) to a relative `1e-11 + 64ε·κ`, where `κ = |x| f(x)/T` is the
    /// condition number of the tail `T` at the quantile `x`: merely rounding `x` to a double moves `T` by
    /// `ε·κ`, and `κ` reaches 1e12 where `x` crowds against 1 (Beta(400, 0.7) at 1 − 1e-7).
    @Test("cdf(quantile(p)) = p to a relative 1e-11 plus the conditioning, shapes from 0.5 to 1e7",
          arguments: [0.5, 0.9, 1.5, 4, 12.3, 57, 400, 1e4, 1e7])
    func quantileInvertsCdf(shape: Double) {
        let ps = [1e-12, 1e-7, 0.003, 0.2, 0.45, 0.5, 0.55, 0.8, 0.997, 1 - 1e-7]
        func check(_ name: String, _ p: Double, _ x: Double, cdf: Double, survival: Double, pdf: Double) {
            let target = p <= 0.5 ? p : 1 - p
            let back = p <= 0.5 ? cdf : survival
            let kappa = abs(x) * pdf / target
            let tolerance = 1e-11 + 64 * Double.ulpOfOne * kappa
            #expect(Self.relativeError(back, target) <= tolerance, "\(name) p \(p): x \(x), κ \(kappa)")
        }
        let t = StudentT(degreesOfFreedom: shape)
        for p in ps {
            let x = t.quantile(p)
            check("t(\(shape))", p, x, cdf: t.cdf(x), survival: t.survival(x), pdf: t.pdf(x))
        }
        for other in [0.7, 3.0, 250.0] {
            let b = BetaDistribution(alpha: shape, beta: other)
            let f = FDistribution(d1: shape, d2: other)
            for p in ps {
                let x = b.quantile(p)
                if x > 0 && x < 1 {
                    check("beta(\(shape), \(other))", p, x, cdf: b.cdf(x), survival: b.survival(x), pdf: b.pdf(x))
                }
                let y = f.quantile(p)
                check("F(\(shape), \(other))", p, y, cdf: f.cdf(y), survival: f.survival(y), pdf: f.pdf(y))
            }
        }
    }

    @Test("identities between families: F(1, ν) = t²_ν, Beta(1, 1) is uniform, Beta(a, b) mirrors Beta(b, a)")
    func identitiesBetweenFamilies() {
        for df in [1.0, 4, 29.5, 1000] {
            let t = StudentT(degreesOfFreedom: df).quantile(0.975)
            let f = FDistribution(d1: 1, d2: df).quantile(0.95)
            #expect(Self.relativeError(f, t * t) <= 1e-13, "df \(df)")
        }
        let uniform = BetaDistribution(alpha: 1, beta: 1)
        for x in [1e-300, 1e-9, 0.1, 0.5, 0.9] {
            #expect(Self.relativeError(uniform.cdf(x), x) <= 1e-15)
            #expect(Self.relativeError(uniform.quantile(x), x) <= 1e-14)
        }
        let b = BetaDistribution(alpha: 2.5, beta: 40), m = BetaDistribution(alpha: 40, beta: 2.5)
        for x in [0.001, 0.05, 0.3] {
            #expect(Self.relativeError(b.cdf(x), m.survival(1 - x)) <= 1e-14)
        }
    }

    @Test("t tends to the normal as ν grows: within t³/(4ν) of Φ at 1e12 df, equal at ν = ∞")
    func largeDegreesOfFreedomTendToNormal() {
        let z = StandardNormal()
        for x in [-5.0, -1.96, 0.5, 3.0] {
            let t = StudentT(degreesOfFreedom: 1e12).cdf(x)
            #expect(abs(t - z.cdf(x)) <= 1e-12 * (abs(x * x * x) + 1))
            #expect(StudentT(degreesOfFreedom: .infinity).cdf(x) == z.cdf(x))
        }
        #expect(Self.relativeError(StudentT(degreesOfFreedom: 1e15).quantile(0.975), z.quantile(0.975)) <= 1e-13)
    }

    @Test("the normal upper tail keeps relative precision where 1 − cdf cannot: 1 − Φ(20)")
    func upperTailsKeepPrecision() {
        // 1 − Φ(20) = 2.753624118606233695e-89 (mpmath).
        #expect(Self.relativeError(StandardNormal().survival(20), 2.7536241186062336951e-89) <= 1e-13)
        #expect(Self.relativeError(StandardNormal().inverseSurvival(2.7536241186062336951e-89), 20) <= 1e-14)
        #expect(StandardNormal().cdf(20) == 1)
        // The smallest subnormal probability still has its quantile: Φ⁻¹(4.9e-324) = −38.467405617144346 (mpmath).
        #expect(Self.relativeError(StandardNormal().quantile(.leastNonzeroMagnitude), -38.467405617144346) <= 1e-15)
    }

    @Test("densities integrate to the CDF differences (Simpson on a fine grid, relative 1e-9)")
    func densitiesMatchCdf() {
        func simpson(_ f: (Double) -> Double, _ a: Double, _ b: Double, _ n: Int = 2000) -> Double {
            let h = (b - a) / Double(n)
            var s = f(a) + f(b)
            for i in 1..<n { s += f(a + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
            return s * h / 3
        }
        let z = StandardNormal()
        #expect(Self.relativeError(simpson(z.pdf, -1, 2), z.cdf(2) - z.cdf(-1)) <= 1e-9)
        let t = StudentT(degreesOfFreedom: 3.5)
        #expect(Self.relativeError(simpson(t.pdf, -1, 2), t.cdf(2) - t.cdf(-1)) <= 1e-9)
        let b = BetaDistribution(alpha: 2.5, beta: 7)
        #expect(Self.relativeError(simpson(b.pdf, 0.1, 0.6), b.cdf(0.6) - b.cdf(0.1)) <= 1e-9)
        let f = FDistribution(d1: 4, d2: 9)
        #expect(Self.relativeError(simpson(f.pdf, 0.2, 3), f.cdf(3) - f.cdf(0.2)) <= 1e-9)
    }
}
