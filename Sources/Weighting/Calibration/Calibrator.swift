import Foundation

/// Calibrates base weights to population margins: post-stratification, raking, or generalized calibration
/// (linear, logit, truncated linear), with optional trimming, and reports what it did.
///
/// ```swift
/// let margins = try MarginsFile.read("margins.csv")
/// let table = try Table(contentsOf: "sample.csv")
/// let result = try Calibrator(margins: margins, method: .raking).calibrate(table)
/// print(result.report.kishAfter.effectiveSampleSize)
/// ```
///
/// References: Deville & Särndal (1992), "Calibration estimators in survey sampling", JASA 87;
/// Deville, Särndal & Sautory (1993), "Generalized raking procedures in survey sampling", JASA 88;
/// Lumley (2010), *Complex Surveys*, ch. 7; Sautory (1993), *La macro Calmar*, INSEE.
public struct Calibrator: Sendable {
    /// The population margins to reproduce.
    public var margins: Margins
    /// The method.
    public var method: CalibrationMethod
    /// Iterations, tolerance, trimming and collapse rules.
    public var options: CalibrationOptions

    /// Creates a calibrator.
    public init(margins: Margins, method: CalibrationMethod, options: CalibrationOptions = CalibrationOptions()) {
        self.margins = margins
        self.method = method
        self.options = options
    }

    /// Creates a calibrator for any calibration distance (a built-in one or a user-defined
    /// ``CalibrationDistance``), solved by Newton iterations generic over the distance.
    public init(margins: Margins, distance: some CalibrationDistance, options: CalibrationOptions = CalibrationOptions()) {
        self.init(margins: margins, method: CalibrationMethod(distance: distance), options: options)
    }

    /// Calibrates a table, with base weights read from a column (or all 1 when `weightColumn` is `nil`).
    public func calibrate(_ table: Table, weightColumn: String? = nil) throws -> CalibrationResult {
        let d: [Double]
        if let weightColumn {
            d = try table.numeric(weightColumn).values
        } else {
            d = [Double](repeating: 1, count: table.rowCount)
        }
        return try calibrate(table, baseWeights: d, weightColumn: weightColumn)
    }

    /// Calibrates a table with the given base weights.
    public func calibrate(_ table: Table, baseWeights d: [Double], weightColumn: String? = nil) throws -> CalibrationResult {
        precondition(d.count == table.rowCount, "one base weight per record")
        try validateOptions()
        try AuxiliaryDesign.checkBaseWeights(d, table: table, column: weightColumn, allowZero: options.allowsZeroBaseWeights)
        var margins = self.margins
        try margins.checkConsistentTotals(relativeTolerance: options.totalsTolerance)
        var collapsed: [String] = []
        if method == .poststratify {
            guard margins.categorical.count == 1, margins.numeric.isEmpty else {
                throw CalibrationError.poststratificationNeedsOneMargin(found: margins.categorical.map(\.name) + margins.numeric.map(\.variable))
            }
            (margins.categorical[0], collapsed) = try PostStratification.collapse(
                margins.categorical[0], table: table, rules: options.collapse)
        } else if !options.collapse.isEmpty {
            throw CalibrationError.invalidOption("collapsing empty cells applies to post-stratification only")
        }
        var notes: [String] = []
        // Levels with target 0 and no respondent are simply left out.
        for m in margins.categorical {
            for k in m.levels.indices where m.targets[k] == 0 { notes.append("\(m.label(k)) has target 0 and was left out") }
        }
        let design = try AuxiliaryDesign.build(table: table, margins: margins, baseWeights: d,
                                               perRecord: options.trimming != nil, method: method.name)
        try options.costs?.check(against: design.constraints, margins: margins)
        let solved = try solve(design)
        // Final weights and checks over every constraint, redundant ones included.
        let n = table.rowCount
        var w = [Double](repeating: 0, count: n)
        for i in 0..<n {
            w[i] = d[i] * solved.g[design.unit(ofRecord: i)]
            if !w[i].isFinite { throw CalibrationError.nonFinite("weight of record \(i + 1)") }
        }
        let after = design.totals(unitSums: design.unitSums(w))
        let before = design.totals(unitSums: design.unitWeight)
        // Respondents of each categorical constraint, from the cells (O(cells x margins)).
        var levelRespondents = [Int](repeating: 0, count: design.constraints.count)
        for cell in 0..<design.cellCount {
            for k in design.auxiliaries.indicatorColumns(ofCell: cell) { levelRespondents[k] += design.cellRespondents[cell] }
        }
        var diagnostics: [ConstraintDiagnostic] = []
        var maxDev = 0.0
        var conflicting: [UnmetConstraint] = []
        for (k, c) in design.constraints.enumerated() {
            let dev = abs(after[k] - c.target) / (1 + abs(c.target))
            maxDev = max(maxDev, dev)
            let respondents = c.level != nil ? levelRespondents[k] : n
            let isRedundant = solved.redundant.contains(k)
            if isRedundant && dev > max(1e-7, 100 * options.tolerance) {
                conflicting.append(UnmetConstraint(label: c.label, target: c.target, achieved: after[k], reachable: nil))
            }
            diagnostics.append(ConstraintDiagnostic(label: c.label, margin: c.margin, level: c.level, target: c.target,
                                                    respondents: respondents, before: before[k], after: after[k],
                                                    deviation: dev, redundant: isRedundant))
        }
        if !solved.converged, let b = method.bounds, options.trimming == nil, options.costs == nil {
            // Bounded methods: say which bounds the targets need when the given ones are too tight.
            try BoundAdvisor.explainInfeasibility(design, lower: b.lower, upper: b.upper, deviations: diagnostics)
        }
        if !solved.converged || !maxDev.isFinite {
            let worst = diagnostics.sorted { $0.deviation > $1.deviation }.prefix(5)
                .map { UnmetConstraint(label: $0.label, target: $0.target, achieved: $0.after, reachable: nil) }
            throw CalibrationError.didNotConverge(iterations: solved.iterations, maxDeviation: maxDev, worst: Array(worst))
        }
        if !conflicting.isEmpty { throw CalibrationError.inconsistentRedundantConstraints(conflicting) }
        let redundantLabels = solved.redundant.map { design.constraints[$0].label }
        if !redundantLabels.isEmpty {
            notes.append("implied by the other constraints in the sample (left out of the solve, met all the same): "
                         + redundantLabels.joined(separator: ", "))
        }
        let g = zip(w, d).compactMap { $1 > 0 ? $0 / $1 : nil }
        let report = CalibrationReport(
            method: method.name, bounds: method.bounds.map { [$0.lower, $0.upper] }, algorithm: solved.algorithm,
            iterations: solved.iterations, converged: true, maxDeviation: maxDev, trace: solved.trace,
            constraints: diagnostics, respondents: n, cells: design.unitCount, baseWeights: WeightSummary(d),
            weights: WeightSummary(w), ratios: WeightSummary(g), kishBefore: KishDiagnostics(weights: d),
            kishAfter: KishDiagnostics(weights: w), collapsed: collapsed, trimmed: options.trimming != nil,
            trimmedCount: solved.atTrimmingBound, notes: notes)
        var result = CalibrationResult(weights: w, baseWeights: d, report: report, method: method, margins: margins, design: design)
        if let costs = options.costs {
            result.penalty = PenalizedCalibration(design: design, distance: method.distance, costs: costs).ridge
            let soft = design.constraints.filter { costs.cost(of: $0) < .infinity }.map(\.label)
            result.report.notes.append("penalized calibration: met approximately (finite cost): " + soft.joined(separator: ", "))
        }
        return result
    }

    func validateOptions() throws {
        if let b = method.bounds {
            if case .logit = method, !(b.lower >= 0 && b.lower < 1 && b.upper > 1 && b.upper.isFinite) {
                throw CalibrationError.invalidBounds(lower: b.lower, upper: b.upper)
            }
            if !(b.lower < 1 && b.upper > 1) { throw CalibrationError.invalidBounds(lower: b.lower, upper: b.upper) }
        }
        if options.tolerance <= 0 || !options.tolerance.isFinite {
            throw CalibrationError.invalidOption("the tolerance must be a positive number")
        }
        if let m = options.maxIterations, m < 1 { throw CalibrationError.invalidOption(CalibrationError.Advice.maxIterations + " must be at least 1") }
        if options.costs != nil {
            if method == .poststratify { throw CalibrationError.invalidOption("penalized calibration (costs) applies to raking, linear, logit and truncated, not to post-stratification") }
        }
        if let t = options.trimming {
            if let lo = t.minWeight, let hi = t.maxWeight, lo > hi {
                throw CalibrationError.invalidOption("trimming: the minimum weight \(lo) exceeds the maximum \(hi)")
            }
            if let lo = t.minRatio, let hi = t.maxRatio, lo > hi {
                throw CalibrationError.invalidOption("trimming: the minimum ratio \(lo) exceeds the maximum \(hi)")
            }
            if let hi = t.maxRatio, hi < 1 { throw CalibrationError.invalidOption("trimming: the maximum ratio w/d must be at least 1") }
            if let lo = t.minRatio, lo > 1 { throw CalibrationError.invalidOption("trimming: the minimum ratio w/d must be at most 1") }
        }
    }

    struct Solved {
        var g: [Double]
        var iterations: Int
        var converged: Bool
        var trace: [Double]
        var redundant: [Int]
        var algorithm: String
        /// Units (records under trimming) whose g sits at a trimming bound.
        var atTrimmingBound: Int
    }

    /// Columns beyond the largest margin's above which slow IPF is not handed over to Newton (its Schur
    /// complement would be a dense square of that size).
    static let maximumDenseNewtonColumns = 4096

    /// Whether raking runs as IPF (categorical margins only, no trimming) or Newton.
    var usesIPF: Bool {
        (method == .raking || method == .poststratify) && margins.numeric.isEmpty && options.trimming == nil && options.costs == nil
    }

    /// Solves the calibration equations on the units (categorical cells, or records with numeric totals or trimming).
    ///
    /// With trimming, each record's ratio `g_i = w_i/d_i` is confined to
    /// `[max(L, m/d_i, r_L), min(U, M/d_i, r_U)]` (method bounds L, U; weight bounds m, M; ratio bounds r_L, r_U):
    /// the method's distance truncated at those bounds, solved by Newton with backtracking. The equations are met
    /// with every weight inside its bounds, or the run stops with the constraints that cannot be met.
    func solve(_ design: AuxiliaryDesign) throws -> Solved {
        let s = design.unitWeight, t = design.targets
        if usesIPF {
            let maxIt = method == .poststratify ? 1 : (options.maxIterations ?? 1000)
            // Newton after slow sweeps only when its system stays small once the largest margin's block is
            // eliminated (the other columns form a dense square); otherwise IPF runs to the end.
            let largest = design.marginColumns.map { $0.filter { $0 >= 0 }.count }.max() ?? 0
            var ipf = IterativeProportionalFitting(design: design)
            if design.constraints.count - largest > Self.maximumDenseNewtonColumns { ipf.slowRate = nil }
            let r = try ipf.solve(cellWeight: s, targets: t, maxIterations: maxIt, tolerance: options.tolerance)
            if r.slow && r.iterations < maxIt {
                // IPF slowed down (sparse table): finish with Newton on the raking distance from u = log f, until
                // the margins are met and the last step moved no weight by more than the tolerance.
                let solver = NewtonCalibration(x: design.auxiliaries, distance: RakingDistance(),
                                               constraints: design.constraints)
                let n = try solver.solve(unitWeight: s, targets: t, maxIterations: maxIt - r.iterations,
                                         tolerance: options.tolerance, initial: r.g.map { Foundation.log($0) },
                                         weightTolerance: options.tolerance)
                return Solved(g: n.g, iterations: r.iterations + n.iterations, converged: n.converged,
                              trace: r.trace + n.trace.dropFirst(), redundant: [], algorithm: "ipf+newton",
                              atTrimmingBound: 0)
            }
            return Solved(g: r.g, iterations: r.iterations, converged: r.converged, trace: r.trace, redundant: [],
                          algorithm: method == .poststratify ? "poststratification" : "ipf", atTrimmingBound: 0)
        }
        if let costs = options.costs {
            var penalized = PenalizedCalibration(design: design, distance: method.distance, costs: costs)
            penalized.unitBounds = try trimmingBounds(design, ratioRange: method.distance.ratioRange)
            if let b = penalized.unitBounds {
                // Margins met exactly (no cost) must be within reach of the trimming bounds.
                let bad = NewtonCalibration<LinearDistance>.unreachable(x: design.auxiliaries, unitWeight: design.unitWeight, targets: design.targets,
                                                                        constraints: design.constraints, lower: b.lower, upper: b.upper)
                    .filter { u in design.constraints.contains { $0.label == u.label && costs.cost(of: $0) == .infinity } }
                if !bad.isEmpty {
                    throw CalibrationError.infeasible(bad, bounds: "trimming, for the margins met exactly (without a cost)")
                }
            }
            let solved = try penalized.solve(maxIterations: options.maxIterations ?? 100, tolerance: options.tolerance)
            if options.trimming != nil && !solved.converged {
                throw CalibrationError.trimmingInfeasible(rounds: solved.iterations, reason: "with every weight inside its bounds the exactly met margins (those without a cost) cannot be met (max relative deviation \(solved.trace.last ?? .nan) after \(solved.iterations) iterations); widen the trimming bounds or give those margins a cost")
            }
            return solved
        }
        // The Newton iterations, specialised for each built-in distance (no existential in the inner loop).
        switch method {
        case .poststratify, .raking: return try solveNewton(design, distance: RakingDistance())
        case .linear: return try solveNewton(design, distance: LinearDistance())
        case .logit(let l, let u): return try solveNewton(design, distance: LogitDistance(lower: l, upper: u))
        case .truncated(let l, let u): return try solveNewton(design, distance: TruncatedLinearDistance(lower: l, upper: u))
        case .custom(let d): return try solveNewton(design, distance: d)
        }
    }

    /// The bounds on each unit's ratio `g` under trimming (units are records then), or `nil` without trimming:
    /// `[max(L, m/d_i, range lower), min(U, M/d_i)]` with the method's bounds `L, U`, the trimming bounds on the
    /// weight `m, M` and on the ratio.
    func trimmingBounds(_ design: AuxiliaryDesign, ratioRange: (lower: Double, upper: Double)) throws -> (lower: [Double], upper: [Double])? {
        guard let trimming = options.trimming else { return nil }
        let units = design.unitCount
        let methodLower = method.bounds?.lower ?? -Double.infinity
        let methodUpper = method.bounds?.upper ?? Double.infinity
        var lo = [Double](repeating: 0, count: units), hi = [Double](repeating: 0, count: units)
        for c in 0..<units {
            let d = design.unitWeight[c]  // units are records under trimming
            if d == 0 { lo[c] = methodLower; hi[c] = methodUpper; continue }  // a record a replicate leaves out
            let (wl, wu) = trimming.range(baseWeight: d)
            lo[c] = max(methodLower, wl / d, ratioRange.lower)
            hi[c] = min(methodUpper, wu / d)
            if lo[c] > hi[c] {
                throw CalibrationError.trimmingInfeasible(rounds: 0, reason: "record \(c + 1) (base weight \(Table.format(d))) cannot satisfy the weight bounds and the ratio bounds at once")
            }
        }
        return (lo, hi)
    }

    /// Newton iterations with `distance`'s `F`, under the method's bounds and the trimming bounds.
    func solveNewton<Distance: CalibrationDistance>(_ design: AuxiliaryDesign, distance: Distance) throws -> Solved {
        let s = design.unitWeight, t = design.targets
        let units = design.unitCount
        let methodLower = method.bounds?.lower ?? -Double.infinity
        let methodUpper = method.bounds?.upper ?? Double.infinity
        let unitBounds = try trimmingBounds(design, ratioRange: distance.ratioRange)
        if method.bounds != nil || unitBounds != nil {
            let lo = unitBounds?.lower ?? [Double](repeating: methodLower, count: units)
            let hi = unitBounds?.upper ?? [Double](repeating: methodUpper, count: units)
            let bad = NewtonCalibration<Distance>.unreachable(x: design.auxiliaries, unitWeight: s, targets: t,
                                                    constraints: design.constraints, lower: lo, upper: hi)
            if !bad.isEmpty {
                var text = method.bounds.map { "[\(Table.format($0.lower)), \(Table.format($0.upper))] on w/d" } ?? ""
                if let tr = options.trimming {
                    let parts = [tr.minWeight.map { "w >= \(Table.format($0))" }, tr.maxWeight.map { "w <= \(Table.format($0))" },
                                 tr.minRatio.map { "w/d >= \(Table.format($0))" }, tr.maxRatio.map { "w/d <= \(Table.format($0))" }]
                    text += (text.isEmpty ? "" : " with ") + "trimming " + parts.compactMap { $0 }.joined(separator: ", ")
                }
                let sumD = s.reduce(0, +)
                if let n = margins.populationSize, method.bounds != nil || options.trimming?.minRatio != nil || options.trimming?.maxRatio != nil,
                   sumD < n / 3 || sumD > 3 * n {
                    text += "; note: the base weights sum to \(Table.format(sumD)) but the margins to \(Table.format(n)); bounds on w/d are relative to the base weights, so scale them to the population or centre the bounds on \(Table.format((n / sumD * 100).rounded() / 100))"
                }
                if options.trimming == nil, let tight = try? BoundAdvisor.tightestBounds(design) {
                    text += "; feasible from \(tight)"
                }
                throw CalibrationError.infeasible(bad, bounds: text)
            }
        }
        var solver = NewtonCalibration(x: design.auxiliaries, distance: distance, constraints: design.constraints)
        solver.unitBounds = unitBounds
        // The weights' error is bounded too (last step below the tolerance), except for the linear distance
        // without bounds, whose first step is exact.
        let exactInOneStep = method == .linear && unitBounds == nil
        // Bounded distances start at the population scale (``PopulationScaleStart``), not at g = 1.
        let start = method.bounds != nil ? PopulationScaleStart.linearPredictor(design, distance: distance) : nil
        let r = try solver.solve(unitWeight: s, targets: t, maxIterations: options.maxIterations ?? 100, tolerance: options.tolerance,
                                 initial: start, weightTolerance: exactInOneStep ? nil : options.tolerance)
        var atBound = 0
        if let b = unitBounds {
            for c in 0..<units where r.g[c] <= b.lower[c] * (1 + 1e-12) && b.lower[c] > methodLower
                || r.g[c] >= b.upper[c] * (1 - 1e-12) && b.upper[c] < methodUpper { atBound += 1 }
        }
        if options.trimming != nil && !r.converged {
            let worst = r.trace.last ?? .nan
            throw CalibrationError.trimmingInfeasible(rounds: r.iterations, reason: "with every weight inside its bounds the margins cannot be met (max relative deviation \(worst) after \(r.iterations) iterations); widen the trimming bounds")
        }
        return Solved(g: r.g, iterations: r.iterations, converged: r.converged, trace: r.trace, redundant: r.redundant,
                      algorithm: method == .linear && unitBounds == nil ? "closed-form" : "newton", atTrimmingBound: atBound)
    }
}

extension Calibrator {
    /// Calibrates other base weights (a replicate's) to the same margins, reusing the cells and auxiliary
    /// matrix of `result`: only the unit sums of the new base weights change. Zero base weights are allowed
    /// (PSUs a replicate leaves out).
    ///
    /// - Complexity: O(n) to aggregate plus the solve on the cells.
    /// - Throws: ``CalibrationError/didNotConverge(iterations:maxDeviation:worst:)`` when the replicate cannot
    ///   meet the margins (e.g. it drops every respondent of a level).
    public func recalibrate(_ result: CalibrationResult, baseWeights d: [Double]) throws -> [Double] {
        let g = try recalibrationFactors(result, baseWeights: d)
        let design = result.design
        var w = [Double](repeating: 0, count: d.count)
        for i in d.indices { w[i] = d[i] * g[design.unit(ofRecord: i)] }
        return w
    }

    /// The factors `g_u` of ``recalibrate(_:baseWeights:)``, one per unit of `result`'s design (a cell, or a
    /// record with numeric totals or trimming): the re-calibrated weight of record `i` is `d_i g_u(i)`.
    ///
    /// - Throws: as ``recalibrate(_:baseWeights:)``, and ``CalibrationError/nonFinite(_:)`` naming the first
    ///   record whose weight `d_i g_u(i)` would not be finite.
    func recalibrationFactors(_ result: CalibrationResult, baseWeights d: [Double]) throws -> [Double] {
        precondition(d.count == result.design.recordCell.count)
        let design = result.design.rebased(on: d)
        let solved = try solve(design)
        guard solved.converged else {
            throw CalibrationError.didNotConverge(iterations: solved.iterations, maxDeviation: solved.trace.last ?? .nan, worst: [])
        }
        for i in d.indices where !(d[i] * solved.g[design.unit(ofRecord: i)]).isFinite {
            throw CalibrationError.nonFinite("replicate weight of record \(i + 1)")
        }
        return solved.g
    }
}
