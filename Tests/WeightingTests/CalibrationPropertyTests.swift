import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Solves a small dense system by Gaussian elimination with partial pivoting (an independent reference, test only).
func referenceSolve(_ a: [[Double]], _ b: [Double]) -> [Double] {
    var m = a, y = b
    let n = b.count
    for k in 0..<n {
        let p = (k..<n).max { abs(m[$0][k]) < abs(m[$1][k]) }!
        m.swapAt(k, p); y.swapAt(k, p)
        for i in (k + 1)..<n {
            let f = m[i][k] / m[k][k]
            for j in k..<n { m[i][j] -= f * m[k][j] }
            y[i] -= f * y[k]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
        var s = y[i]
        for j in (i + 1)..<n { s -= m[i][j] * x[j] }
        x[i] = s / m[i][i]
    }
    return x
}

@Suite("Calibration properties")
struct CalibrationPropertyTests {
    let survey = SyntheticSurvey()

    func margins(numeric: Bool = false) -> Margins {
        Margins(categorical: [survey.regionMargin, survey.sizeMargin],
                numeric: numeric ? [NumericTotal("pop", total: survey.populationTotal)] : [])
    }

    func expectTargetsMet(_ r: CalibrationResult, _ m: Margins, tolerance: Double = 1e-9) throws {
        for margin in m.categorical {
            let totals = try weightedTotals(survey.table, margin.variables[0], r.weights)
            for (k, level) in margin.levels.enumerated() {
                #expect(relativeError(totals[level[0]]!, margin.targets[k]) < tolerance, "\(margin.label(k))")
            }
        }
        for t in m.numeric {
            let x = try survey.table.numeric(t.variable).values
            let total = zip(x, r.weights).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(relativeError(total, t.total) < tolerance, "\(t.variable)")
        }
    }

    @Test("every method reproduces every target", arguments: [
        CalibrationMethod.raking, .linear, .logit(lower: 0.3, upper: 3), .truncated(lower: 0.3, upper: 3),
    ])
    func reproducesTargets(method: CalibrationMethod) throws {
        for numeric in [false, true] {
            let m = margins(numeric: numeric)
            let r = try Calibrator(margins: m, method: method).calibrate(survey.table, weightColumn: "d")
            try expectTargetsMet(r, m)
            #expect(r.report.converged)
            if let b = method.bounds {
                #expect(r.ratios.allSatisfy { $0 >= b.lower - 1e-12 && $0 <= b.upper + 1e-12 })
            }
        }
    }

    @Test("raking on one margin equals post-stratification's closed form N_h / Σ_h d")
    func rakingOnOneMarginIsPoststratification() throws {
        let m = Margins(categorical: [survey.regionMargin])
        let raked = try Calibrator(margins: m, method: .raking).calibrate(survey.table, weightColumn: "d")
        let post = try Calibrator(margins: m, method: .poststratify).calibrate(survey.table, weightColumn: "d")
        let region = try survey.table.categorical("region")
        var sumD: [String: Double] = [:]
        for i in 0..<region.count { sumD[region[i]!, default: 0] += survey.d[i] }
        for i in 0..<region.count {
            let k = SyntheticSurvey.regions.firstIndex(of: region[i]!)!
            let closed = survey.d[i] * survey.regionTargets[k] / sumD[region[i]!]!
            #expect(relativeError(raked.weights[i], closed) < 1e-12)
            #expect(relativeError(post.weights[i], closed) < 1e-12)
        }
    }

    @Test("linear calibration equals the GREG closed form w = d (1 + x'(X'DX)⁻¹(t − X'd))")
    func linearIsGREG() throws {
        // Independent design: intercept-free full dummies for region, sizes except the last, and pop.
        let m = margins(numeric: true)
        let r = try Calibrator(margins: m, method: .linear).calibrate(survey.table, weightColumn: "d")
        let region = try survey.table.categorical("region"), size = try survey.table.categorical("size")
        let pop = try survey.table.numeric("pop").values
        func x(_ i: Int) -> [Double] {
            var v = SyntheticSurvey.regions.map { region[i] == $0 ? 1.0 : 0 }
            v += SyntheticSurvey.sizes.dropLast().map { size[i] == $0 ? 1.0 : 0 }
            v.append(pop[i])
            return v
        }
        let t = survey.regionTargets + survey.sizeTargets.dropLast() + [survey.populationTotal]
        let p = t.count
        var xdx = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        var xd = [Double](repeating: 0, count: p)
        for i in 0..<survey.table.rowCount {
            let xi = x(i)
            for a in 0..<p {
                xd[a] += survey.d[i] * xi[a]
                for b in 0..<p { xdx[a][b] += survey.d[i] * xi[a] * xi[b] }
            }
        }
        let lambda = referenceSolve(xdx, zip(t, xd).map { $0 - $1 })
        for i in 0..<survey.table.rowCount {
            let g = 1 + zip(x(i), lambda).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(relativeError(r.weights[i], survey.d[i] * g) < 1e-9)
        }
        #expect(r.report.notes.contains { $0.contains("implied by the other constraints") })
    }

    @Test("raking by IPF and raking by Newton reach the same weights")
    func ipfEqualsNewton() throws {
        let m = margins()
        let ipf = try Calibrator(margins: m, method: .raking).calibrate(survey.table, weightColumn: "d")
        // Trimming bounds that never bind force the Newton path with the same distance.
        let opts = CalibrationOptions(trimming: TrimmingBounds(maxWeight: 1e12))
        let newton = try Calibrator(margins: m, method: .raking, options: opts).calibrate(survey.table, weightColumn: "d")
        #expect(ipf.report.algorithm == "ipf")
        #expect(newton.report.algorithm == "newton")
        for i in 0..<ipf.weights.count { #expect(relativeError(ipf.weights[i], newton.weights[i]) < 1e-9) }
    }

    @Test("a crossed margin with its own marginals: redundant constraints are named and all targets met")
    func crossedAndRedundant() throws {
        let regions = SyntheticSurvey.regions, sizes = SyntheticSurvey.sizes
        var levels: [[String]] = [], targets: [Double] = []
        for (a, r) in regions.enumerated() {
            for (b, s) in sizes.enumerated() {
                levels.append([r, s])
                targets.append(survey.regionTargets[a] * survey.sizeTargets[b] / 10000)
            }
        }
        let crossed = try CategoricalMargin(variables: ["region", "size"], levels: levels, targets: targets)
        let m = Margins(categorical: [survey.regionMargin, survey.sizeMargin, crossed])
        for method in [CalibrationMethod.raking, .linear, .logit(lower: 0.1, upper: 10)] {
            let r = try Calibrator(margins: m, method: method).calibrate(survey.table, weightColumn: "d")
            #expect(r.report.maxDeviation < 1e-9)
            if method != .raking { #expect(r.report.constraints.filter(\.redundant).count == 7) }
        }
    }

    @Test("trimming keeps every weight within its bounds and still meets the margins")
    func trimming() throws {
        let m = margins(numeric: true)
        let free = try Calibrator(margins: m, method: .raking).calibrate(survey.table, weightColumn: "d")
        let cap = free.report.weights.max * 0.8
        let opts = CalibrationOptions(trimming: TrimmingBounds(minWeight: 1, maxWeight: cap, maxRatio: 4))
        let r = try Calibrator(margins: m, method: .raking, options: opts).calibrate(survey.table, weightColumn: "d")
        try expectTargetsMet(r, m)
        for i in r.weights.indices {
            #expect(r.weights[i] <= cap * (1 + 1e-12) && r.weights[i] >= 1 - 1e-12)
            #expect(r.ratios[i] <= 4 + 1e-12)
        }
        #expect(r.report.trimmedCount > 0)
    }

    @Test("Kish design effect is n Σw² / (Σw)² and the effective sample size n / deff")
    func kish() {
        let k = KishDiagnostics(weights: [1, 1, 2, 4])
        #expect(abs(k.designEffect - 4 * 22 / 64) < 1e-15)
        #expect(abs(k.effectiveSampleSize - 64.0 / 22) < 1e-15)
        let s = WeightSummary([4, 1, 3, 2])
        #expect(s.min == 1 && s.max == 4 && s.median == 2.5 && s.q1 == 1.75 && s.q3 == 3.25)
    }
}
