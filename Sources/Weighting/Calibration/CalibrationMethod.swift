/// The ways Weighting can adjust base weights `d` to reproduce population margins.
///
/// The generalized calibration methods follow Deville & Särndal (1992) and INSEE's Calmar (Sautory 1993):
/// final weights are `w = d · F(x'λ)`, with `λ` solving the calibration equations `Σ w x = t`; each method's `F` is
/// a ``CalibrationDistance`` value (``distance``), and ``custom(_:)`` takes any other.
public enum CalibrationMethod: Sendable, Equatable, CustomStringConvertible {
    /// Post-stratification: `w = d · N_h / Σ_{i∈h} d_i` within the cells of one (possibly crossed) margin.
    ///
    /// With one margin that is a full cross-classification every distance gives these weights (the calibration
    /// equations fix each cell's `g`); when numeric totals or trimming make `g` record-specific, the raking
    /// distance is used (``distance``), which keeps the weights positive as post-stratification does.
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
    /// Any other calibration distance, solved by the same Newton iterations (R survey's `make.calfun`).
    case custom(any CalibrationDistance)

    /// The method for a distance: the built-in distances map to their cases, any other to ``custom(_:)``.
    public init(distance: some CalibrationDistance) {
        switch distance {
        case is LinearDistance: self = .linear
        case is RakingDistance: self = .raking
        case let d as LogitDistance: self = .logit(lower: d.lower, upper: d.upper)
        case let d as TruncatedLinearDistance: self = .truncated(lower: d.lower, upper: d.upper)
        default: self = .custom(distance)
        }
    }

    /// The calibration distance whose `F` the Newton iterations use. Post-stratification uses the raking
    /// distance (the same weights when the margin is one full cross-classification; positive weights otherwise).
    public var distance: any CalibrationDistance {
        switch self {
        case .poststratify, .raking: return RakingDistance()
        case .linear: return LinearDistance()
        case .logit(let l, let u): return LogitDistance(lower: l, upper: u)
        case .truncated(let l, let u): return TruncatedLinearDistance(lower: l, upper: u)
        case .custom(let d): return d
        }
    }

    /// Short name as used on the command line (a custom distance's own name).
    public var name: String {
        switch self {
        case .poststratify: return "poststratify"
        case .custom(let d): return d.name
        default: return kind?.rawValue ?? distance.name
        }
    }

    /// The built-in method's name, `nil` for a custom distance.
    public var kind: Name? {
        switch self {
        case .poststratify: return .poststratify
        case .raking: return .raking
        case .linear: return .linear
        case .logit: return .logit
        case .truncated: return .truncated
        case .custom: return nil
        }
    }

    /// The bounds on `g = w/d`, for the bounded methods.
    public var bounds: (lower: Double, upper: Double)? {
        switch self {
        case .logit(let l, let u), .truncated(let l, let u): return (l, u)
        case .custom(let d): return d.bounds
        default: return nil
        }
    }

    /// The method's name with its bounds, e.g. `logit [0.5, 2]`.
    public var description: String {
        if let b = bounds { return "\(name) [\(Table.format(b.lower)), \(Table.format(b.upper))]" }
        return name
    }

    /// Same case and bounds; two custom distances are equal when they have the same type, name and bounds.
    public static func == (a: CalibrationMethod, b: CalibrationMethod) -> Bool {
        switch (a, b) {
        case (.poststratify, .poststratify), (.raking, .raking), (.linear, .linear): return true
        case let (.logit(l1, u1), .logit(l2, u2)), let (.truncated(l1, u1), .truncated(l2, u2)): return l1 == l2 && u1 == u2
        case let (.custom(d1), .custom(d2)):
            return type(of: d1) == type(of: d2) && d1.name == d2.name
                && d1.bounds?.lower == d2.bounds?.lower && d1.bounds?.upper == d2.bounds?.upper
        default: return false
        }
    }

    /// The names of the built-in methods: the one place that maps a name (command line, batch file, test
    /// fixture) to a method.
    public enum Name: String, CaseIterable, Sendable {
        /// ``CalibrationMethod/poststratify``.
        case poststratify
        /// ``CalibrationMethod/raking``.
        case raking
        /// ``CalibrationMethod/linear``.
        case linear
        /// ``CalibrationMethod/logit(lower:upper:)``, needs bounds.
        case logit
        /// ``CalibrationMethod/truncated(lower:upper:)``, needs bounds.
        case truncated

        /// Whether the method takes bounds `L,U` on `g`.
        public var needsBounds: Bool { self == .logit || self == .truncated }
    }

    /// The method with this name and, for logit and truncated, these bounds.
    ///
    /// - Throws: ``CalibrationMethodError`` when the name is unknown, bounds are missing for logit or truncated,
    ///   or given for another method.
    public init(name: String, bounds: (lower: Double, upper: Double)? = nil) throws {
        guard let kind = Name(rawValue: name) else { throw CalibrationMethodError.unknownName(name) }
        try self.init(kind, bounds: bounds)
    }

    /// The built-in method `kind` with, for logit and truncated, these bounds.
    public init(_ kind: Name, bounds: (lower: Double, upper: Double)? = nil) throws {
        switch (kind, bounds) {
        case (.poststratify, nil): self = .poststratify
        case (.raking, nil): self = .raking
        case (.linear, nil): self = .linear
        case (.logit, let b?): self = .logit(lower: b.lower, upper: b.upper)
        case (.truncated, let b?): self = .truncated(lower: b.lower, upper: b.upper)
        case (.logit, nil), (.truncated, nil): throw CalibrationMethodError.missingBounds(kind.rawValue)
        default: throw CalibrationMethodError.unexpectedBounds(kind.rawValue)
        }
    }
}

/// A calibration method name or its bounds that do not make a method.
public enum CalibrationMethodError: Error, Equatable, CustomStringConvertible {
    /// No built-in method has this name.
    case unknownName(String)
    /// Logit and truncated need bounds `L,U`.
    case missingBounds(String)
    /// Bounds were given for a method without bounds.
    case unexpectedBounds(String)

    /// What went wrong, with the choices.
    public var description: String {
        switch self {
        case .unknownName(let n):
            return "unknown calibration method \(Echo.quoted(n)); use one of "
                + CalibrationMethod.Name.allCases.map(\.rawValue).joined(separator: ", ")
        case .missingBounds(let n): return "the \(n) method needs bounds L,U on w/d with L < 1 < U (e.g. 0.5,2)"
        case .unexpectedBounds(let n): return "the \(n) method takes no bounds; bounds apply to logit and truncated"
        }
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
    /// Costs of penalized (soft) calibration (``ConstraintCosts``); `nil`: every constraint is met exactly.
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
