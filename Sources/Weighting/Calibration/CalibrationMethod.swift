/// The ways Weighting can adjust base weights `d` to reproduce population margins.
///
/// The generalized calibration methods follow Deville & Särndal (1992) and INSEE's Calmar (Sautory 1993):
/// final weights are `w = d · F(x'λ)`, with `λ` solving the calibration equations `Σ w x = t`.
public enum CalibrationMethod: Sendable, Equatable, CustomStringConvertible {
    /// Post-stratification: `w = d · N_h / Σ_{i∈h} d_i` within the cells of one (possibly crossed) margin.
    case poststratify
    /// Raking ratio: `F(u) = exp(u)`. With categorical margins only, solved by iterative proportional fitting on
    /// the cells (Deming & Stephan 1940); with numeric totals, by Newton iterations.
    case raking
    /// Linear (GREG, chi-square distance): `F(u) = 1 + u`, closed form; weights may be negative.
    case linear
    /// Logit with bounds `L < 1 < U` on `g = w/d`:
    /// `F(u) = (L(U−1) + U(1−L)e^{Au}) / (U−1 + (1−L)e^{Au})`, `A = (U−L)/((1−L)(U−1))`.
    case logit(lower: Double, upper: Double)
    /// Truncated linear: `F(u) = min(max(1 + u, L), U)` (R survey's linear calibration with bounds).
    case truncated(lower: Double, upper: Double)

    /// Short name as used on the command line.
    public var name: String {
        switch self {
        case .poststratify: return "poststratify"
        case .raking: return "raking"
        case .linear: return "linear"
        case .logit: return "logit"
        case .truncated: return "truncated"
        }
    }

    /// The bounds on `g = w/d`, for the bounded methods.
    public var bounds: (lower: Double, upper: Double)? {
        switch self {
        case .logit(let l, let u), .truncated(let l, let u): return (l, u)
        default: return nil
        }
    }

    /// The method's name with its bounds, e.g. `logit [0.5, 2]`.
    public var description: String {
        if let b = bounds { return "\(name) [\(Table.format(b.lower)), \(Table.format(b.upper))]" }
        return name
    }
}

/// Options of a calibration run.
public struct CalibrationOptions: Sendable, Equatable {
    /// Largest number of Newton iterations or IPF sweeps; `nil` for the method's default
    /// (100 Newton iterations, 1,000 IPF sweeps).
    public var maxIterations: Int?
    /// Convergence: every constraint satisfies `|Σ w x − t| / (1 + |t|) < tolerance` (as R's `grake`).
    public var tolerance: Double
    /// Relative tolerance when checking that categorical margins imply the same population size.
    public var totalsTolerance: Double
    /// Optional trimming of the final weights, with re-calibration.
    public var trimming: TrimmingBounds?
    /// How to handle empty post-stratification cells.
    public var collapse: [CellCollapse]
    /// Accept base weights of 0 (records a replicate leaves out); negative or missing weights are still refused.
    public var allowsZeroBaseWeights: Bool = false
    /// Costs of penalized (soft) calibration (``PenalizedCalibration``); `nil`: every constraint is met exactly.
    public var costs: ConstraintCosts?

    /// Creates options; the defaults converge to machine precision in practice.
    public init(maxIterations: Int? = nil, tolerance: Double = 1e-10, totalsTolerance: Double = 1e-6,
                trimming: TrimmingBounds? = nil, collapse: [CellCollapse] = []) {
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.totalsTolerance = totalsTolerance
        self.trimming = trimming
        self.collapse = collapse
    }
}

/// Bounds applied to the calibrated weights, by trimming and re-calibrating the others.
///
/// Units outside the bounds are set to the bound and held fixed; the remaining units are calibrated again to
/// the targets minus the fixed units' contribution; this repeats until every weight is within its bounds or
/// no feasible re-calibration exists.
public struct TrimmingBounds: Sendable, Equatable {
    /// Smallest allowed final weight.
    public var minWeight: Double?
    /// Largest allowed final weight.
    public var maxWeight: Double?
    /// Smallest allowed ratio `w/d`.
    public var minRatio: Double?
    /// Largest allowed ratio `w/d`.
    public var maxRatio: Double?
    /// Largest number of trim-and-recalibrate rounds.
    public var maxRounds: Int

    /// Creates trimming bounds; leave a bound `nil` to not apply it.
    public init(minWeight: Double? = nil, maxWeight: Double? = nil, minRatio: Double? = nil, maxRatio: Double? = nil,
                maxRounds: Int = 100) {
        self.minWeight = minWeight
        self.maxWeight = maxWeight
        self.minRatio = minRatio
        self.maxRatio = maxRatio
        self.maxRounds = maxRounds
    }

    /// Bounds on the final weight of a unit with base weight `d`.
    func range(baseWeight d: Double) -> (lower: Double, upper: Double) {
        var lo = -Double.infinity, hi = Double.infinity
        if let m = minWeight { lo = max(lo, m) }
        if let m = minRatio { lo = max(lo, m * d) }
        if let m = maxWeight { hi = min(hi, m) }
        if let m = maxRatio { hi = min(hi, m * d) }
        return (lo, hi)
    }
}

/// What to do with a post-stratification cell that has population but no respondent.
public enum CellCollapse: Sendable, Equatable {
    /// Merge the cell with these levels (one per variable of the margin) into the named neighbour cell.
    case merge(cell: [String], into: [String])
    /// Merge any empty cell into the nearest non-empty cell along this ordered variable (margin-file order of its
    /// levels), the other variables unchanged.
    case nearest(onOrderedVariable: String)
}
