/// A comparison of estimates: a linear combination `Σ_k c_k θ_k` (a difference of two domains, a domain
/// against the whole, `A + B − 2C`), or the ratio `θ_a / θ_b` of two estimates.
///
/// Written as text with spaces around the operators, so that level names may hold `-` or spaces:
/// `"E - H"`, `"E + H - 2*M"`, `"Occitanie - all"`, `"10000-49999 / moins de 500"`.
public struct Contrast: Sendable, Equatable {
    /// The shape of a contrast.
    public enum Form: Sendable, Equatable {
        /// `Σ_k c_k θ_k`, coefficients by estimate name.
        case linear([(name: String, coefficient: Double)])
        /// `θ_numerator / θ_denominator`.
        case ratio(numerator: String, denominator: String)

        /// Same terms in the same order (or the same ratio).
        public static func == (a: Form, b: Form) -> Bool {
            switch (a, b) {
            case (.linear(let x), .linear(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.name == $1.name && $0.coefficient == $1.coefficient }
            case (.ratio(let x1, let x2), .ratio(let y1, let y2)): return x1 == y1 && x2 == y2
            default: return false
            }
        }
    }

    /// How the contrast is shown, e.g. `E - H`.
    public var label: String
    /// Its terms.
    public var form: Form

    /// A linear contrast.
    public init(label: String, terms: [(name: String, coefficient: Double)]) {
        self.label = label
        self.form = .linear(terms)
    }

    /// The difference `a − b`.
    public static func difference(_ a: String, _ b: String) -> Contrast {
        Contrast(label: "\(a) - \(b)", terms: [(a, 1), (b, -1)])
    }

    /// The ratio `a / b` (delta method).
    public static func ratio(_ a: String, _ b: String) -> Contrast {
        Contrast(label: "\(a) / \(b)", form: .ratio(numerator: a, denominator: b))
    }

    init(label: String, form: Form) {
        self.label = label
        self.form = form
    }

    /// Reads `A - B`, `A + B - 2*C`, `0.5*A + 0.5*B - all` or `A / B`: operators between spaces, an optional
    /// coefficient joined to its name by `*`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ComparisonError.malformedContrast(text, reason: "it is empty") }
        let ratioParts = trimmed.components(separatedBy: " / ")
        if ratioParts.count == 2 {
            let a = ratioParts[0].trimmingCharacters(in: .whitespaces), b = ratioParts[1].trimmingCharacters(in: .whitespaces)
            guard !a.isEmpty, !b.isEmpty else { throw ComparisonError.malformedContrast(text, reason: "a ratio needs two names") }
            self = .ratio(a, b)
            return
        }
        guard ratioParts.count == 1 else { throw ComparisonError.malformedContrast(text, reason: "more than one '/'") }
        var terms: [(String, Double)] = []
        var sign = 1.0
        var rest = trimmed
        if rest.hasPrefix("- ") { sign = -1; rest.removeFirst(2) } else if rest.hasPrefix("+ ") { rest.removeFirst(2) }
        // Split on " + " and " - " while keeping the operator.
        var current = ""
        var pieces: [(Double, String)] = []
        var i = rest.startIndex
        while i < rest.endIndex {
            let tail = rest[i...]
            if tail.hasPrefix(" + ") || tail.hasPrefix(" - ") {
                pieces.append((sign, current))
                sign = tail.hasPrefix(" + ") ? 1 : -1
                current = ""
                i = rest.index(i, offsetBy: 3)
                continue
            }
            current.append(rest[i])
            i = rest.index(after: i)
        }
        pieces.append((sign, current))
        for (s, piece) in pieces {
            let p = piece.trimmingCharacters(in: .whitespaces)
            guard !p.isEmpty else { throw ComparisonError.malformedContrast(text, reason: "a term is empty") }
            if let star = p.firstIndex(of: "*"), let c = Double(p[..<star].trimmingCharacters(in: .whitespaces)) {
                let name = p[p.index(after: star)...].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, c.isFinite else { throw ComparisonError.malformedContrast(text, reason: "'\(p)' has no name after '*'") }
                terms.append((name, s * c))
            } else {
                terms.append((p, s))
            }
        }
        self.init(label: trimmed, terms: terms)
    }

    /// The names the contrast refers to.
    public var names: [String] {
        switch form {
        case .linear(let t): return t.map(\.name)
        case .ratio(let a, let b): return [a, b]
        }
    }
}

/// A contrast's estimate with its standard error, interval and two-sided t test of `contrast = 0` (for a
/// ratio: of `ratio = 1`), as R's `svycontrast` followed by a t test on the design degrees of freedom.
public struct ContrastEstimate: Sendable, Equatable, Codable {
    /// The contrast, e.g. `E - H`.
    public var label: String
    /// `c'θ̂`, or `θ̂_a/θ̂_b`.
    public var estimate: Double
    /// `sqrt(c'Vc)`; for a ratio the delta method, `g = (1/θ_b, −θ_a/θ_b²)`, `sqrt(g'Vg)`. `nil` when no test is
    /// made (a domain with fewer than 2 respondents).
    public var se: Double?
    /// Degrees of freedom of the t distribution.
    public var df: Double
    /// Lower confidence limit.
    public var ciLow: Double?
    /// Upper confidence limit.
    public var ciHigh: Double?
    /// `t = (estimate − null) / se`.
    public var t: Double?
    /// Two-sided p-value `2 P(T_df > |t|)`.
    public var pValue: Double?
    /// The p-value adjusted for multiple comparisons (Holm, Bonferroni), when asked.
    public var adjustedPValue: Double?
    /// Why there is no test, or the adjustment used.
    public var note: String?
}

extension JointEstimates {
    /// The smallest number of respondents in a domain for its comparisons to be tested.
    public static let minimumRespondents = 2

    /// Estimate, standard error, interval at `level` and t test of a contrast (Lumley 2010, §3.4; R's
    /// `svycontrast`; the delta method for a ratio, Lumley 2010, §2.3).
    ///
    /// - Throws: ``ComparisonError/unknownName(name:in:known:)`` when a name is not an estimate.
    public func estimate(_ contrast: Contrast, level: Double = 0.95) throws -> ContrastEstimate {
        for n in contrast.names where index(of: n) == nil {
            throw ComparisonError.unknownName(name: n, in: contrast.label, known: names)
        }
        var g = [Double](repeating: 0, count: values.count)
        let value: Double, null: Double
        switch contrast.form {
        case .linear(let terms):
            for t in terms { g[index(of: t.name)!] += t.coefficient }
            value = zip(g, values).reduce(0) { $0 + $1.0 * $1.1 }
            null = 0
        case .ratio(let a, let b):
            let ia = index(of: a)!, ib = index(of: b)!
            value = values[ia] / values[ib]
            g[ia] += 1 / values[ib]
            g[ib] -= values[ia] / (values[ib] * values[ib])
            null = 1
        }
        var out = ContrastEstimate(label: contrast.label, estimate: value, se: nil, df: degreesOfFreedom, ciLow: nil,
                                   ciHigh: nil, t: nil, pValue: nil, adjustedPValue: nil, note: nil)
        let thin = contrast.names.filter { counts[index(of: $0)!] < Self.minimumRespondents }
        if !thin.isEmpty {
            let list = thin.map { "\($0) (\(counts[index(of: $0)!]) respondent\(counts[index(of: $0)!] == 1 ? "" : "s"))" }
            out.note = "no test: too few respondents in \(list.joined(separator: ", "))"
            return out
        }
        var v = 0.0
        for a in g.indices where g[a] != 0 { for b in g.indices where g[b] != 0 { v += g[a] * covariance[a, b] * g[b] } }
        let se = max(0, v).squareRoot()
        out.se = se
        guard degreesOfFreedom >= 1 else { out.note = "no test: \(Int(degreesOfFreedom)) degrees of freedom"; return out }
        guard se > 0, value.isFinite else { out.note = "no test: the standard error is 0"; return out }
        let dist = StudentT(degreesOfFreedom: degreesOfFreedom)
        let q = dist.quantile(1 - (1 - level) / 2)
        out.ciLow = value - q * se
        out.ciHigh = value + q * se
        let t = (value - null) / se
        out.t = t
        out.pValue = 2 * dist.cdf(-abs(t))
        return out
    }
}

/// A Wald test that several contrasts are all zero (e.g. all domains equal): with `C` the q x k matrix of
/// contrasts, `W = (Cθ̂)' (C V C')⁻¹ (Cθ̂)`, referred to `F = W/q` on `(q, df)` degrees of freedom, as R's
/// `regTermTest(method = "Wald", df = degf(design))` (Lumley 2010, §6.1; Korn & Graubard 1990).
public struct WaldTest: Sendable, Equatable, Codable {
    /// What is tested, e.g. `all domains equal`.
    public var label: String
    /// The Wald statistic `W`.
    public var chiSquare: Double
    /// `F = W / q`.
    public var f: Double
    /// Numerator degrees of freedom `q`.
    public var ndf: Double
    /// Denominator degrees of freedom (the design's).
    public var ddf: Double
    /// `P(F_{q, ddf} > f)`.
    public var pValue: Double

    /// Tests `Cθ = 0` for the given contrasts of `joint`.
    public init(_ contrasts: [Contrast], of joint: JointEstimates, label: String) throws {
        var rows: [[Double]] = []
        for c in contrasts {
            guard case .linear(let terms) = c.form else {
                throw ComparisonError.malformedContrast(c.label, reason: "a Wald test takes linear contrasts, not ratios")
            }
            var g = [Double](repeating: 0, count: joint.values.count)
            for t in terms {
                guard let k = joint.index(of: t.name) else { throw ComparisonError.unknownName(name: t.name, in: c.label, known: joint.names) }
                g[k] += t.coefficient
            }
            rows.append(g)
        }
        let q = rows.count
        var cv = Matrix(rows: q, columns: q)
        var ct = [Double](repeating: 0, count: q)
        for a in 0..<q {
            ct[a] = zip(rows[a], joint.values).reduce(0) { $0 + $1.0 * $1.1 }
            for b in 0..<q {
                var s = 0.0
                for i in rows[a].indices where rows[a][i] != 0 { for j in rows[b].indices where rows[b][j] != 0 { s += rows[a][i] * joint.covariance[i, j] * rows[b][j] } }
                cv[a, b] = s
            }
        }
        let solved: [Double]
        do { solved = try LAPACK.solvePositiveDefinite(cv, ct) } catch { throw ComparisonError.singularCovariance(label) }
        let w = zip(ct, solved).reduce(0) { $0 + $1.0 * $1.1 }
        self.label = label
        chiSquare = w
        f = w / Double(q)
        ndf = Double(q)
        ddf = joint.degreesOfFreedom
        pValue = FDistribution(d1: ndf, d2: ddf).survival(f)
    }
}
