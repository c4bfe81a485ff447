/// Population totals of the categories of one categorical variable, or of a cross-classification of several.
///
/// A crossed margin on `region` and `taille` has one target per pair of levels, e.g. `Occitanie*500-999`.
public struct CategoricalMargin: Sendable, Equatable {
    /// The variables crossed (one for a simple margin).
    public var variables: [String]
    /// One entry per category: the level of each variable, in the order of `variables`.
    public var levels: [[String]]
    /// Population count of each category.
    public var targets: [Double]

    /// Creates a margin; `levels[k]` has one level per variable.
    ///
    /// - Throws: ``MarginsError/malformedMargin(name:reason:)`` when there is not one target per category or a
    ///   category does not give one level per variable.
    public init(variables: [String], levels: [[String]], targets: [Double]) throws {
        let name = variables.joined(separator: "*")
        guard !variables.isEmpty else { throw MarginsError.malformedMargin(name: name, reason: "it names no variable") }
        guard levels.count == targets.count else {
            throw MarginsError.malformedMargin(name: name, reason: "\(levels.count) categories but \(targets.count) targets")
        }
        if let k = levels.firstIndex(where: { $0.count != variables.count }) {
            throw MarginsError.malformedMargin(
                name: name, reason: "category \(k + 1) gives \(levels[k].count) level(s) for \(variables.count) variable(s)")
        }
        self.init(checkedVariables: variables, levels: levels, targets: targets)
    }

    /// A margin whose shape the caller has checked (one level per variable in every category, one target each).
    package init(checkedVariables variables: [String], levels: [[String]], targets: [Double]) {
        self.variables = variables
        self.levels = levels
        self.targets = targets
    }

    /// A margin on a single variable, from `(level, target)` pairs.
    public init(_ variable: String, _ targets: KeyValuePairs<String, Double>) {
        self.init(checkedVariables: [variable], levels: targets.map { [$0.key] }, targets: targets.map(\.value))
    }

    /// The margin's name as in a margins file: the variables joined by `*`.
    public var name: String { variables.joined(separator: "*") }

    /// The label of category `k`, e.g. `region*taille=Occitanie*500-999`.
    public func label(_ k: Int) -> String { "\(name)=\(levels[k].joined(separator: "*"))" }

    /// Sum of the targets: the population size this margin implies.
    public var total: Double { targets.reduce(0, +) }
}

/// A population total of a numeric variable (e.g. the total population of the communes, or `api99`).
public struct NumericTotal: Sendable, Equatable {
    /// The variable.
    public var variable: String
    /// Its population total.
    public var total: Double

    /// Creates a numeric total.
    public init(_ variable: String, total: Double) {
        self.variable = variable
        self.total = total
    }
}

/// All the population information a calibration must reproduce: categorical margins and numeric totals.
public struct Margins: Sendable, Equatable {
    /// Categorical (possibly crossed) margins, in file order.
    public var categorical: [CategoricalMargin]
    /// Numeric totals, in file order.
    public var numeric: [NumericTotal]

    /// Creates a set of margins.
    public init(categorical: [CategoricalMargin] = [], numeric: [NumericTotal] = []) {
        self.categorical = categorical
        self.numeric = numeric
    }

    /// Every variable named by a margin.
    public var variables: [String] {
        var seen: [String] = []
        for m in categorical { for v in m.variables where !seen.contains(v) { seen.append(v) } }
        for t in numeric where !seen.contains(t.variable) { seen.append(t.variable) }
        return seen
    }

    /// The population size the categorical margins imply (that of the first), or `nil` without one.
    public var populationSize: Double? { categorical.first?.total }

    /// Checks that every categorical margin implies the same population size, within a relative tolerance.
    ///
    /// - Throws: ``MarginsError/inconsistentTotals(_:)`` listing each margin's total.
    public func checkConsistentTotals(relativeTolerance: Double = 1e-6) throws {
        guard let first = categorical.first else { return }
        let base = first.total
        for m in categorical.dropFirst() where abs(m.total - base) > relativeTolerance * max(1, abs(base)) {
            throw MarginsError.inconsistentTotals(categorical.map { ($0.name, $0.total) }.map { MarginTotal(margin: $0.0, total: $0.1) })
        }
    }
}

/// A margin's name and the population total it implies (for messages).
public struct MarginTotal: Sendable, Equatable {
    /// Margin name.
    public var margin: String
    /// Sum of its targets.
    public var total: Double
}
