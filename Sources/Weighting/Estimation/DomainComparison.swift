/// Adjustment of p-values for multiple comparisons.
public enum PValueAdjustment: String, Sendable, CaseIterable, Codable {
    /// No adjustment.
    case none
    /// Bonferroni: `min(1, m p)`.
    case bonferroni
    /// Holm (1979), "A simple sequentially rejective multiple test procedure", *Scand. J. Statist.* 6:65–70:
    /// with the m p-values sorted, `p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j))`. Controls the family-wise
    /// error rate as Bonferroni does and is never less powerful.
    case holm

    /// Adjusted p-values; `nil` entries (no test) are left out of `m` and stay `nil`, as R's `p.adjust`.
    public func adjust(_ p: [Double?]) -> [Double?] {
        let tested = p.indices.filter { p[$0] != nil }
        let m = Double(tested.count)
        var out = p
        switch self {
        case .none: break
        case .bonferroni: for i in tested { out[i] = min(1, m * p[i]!) }
        case .holm:
            let order = tested.sorted { p[$0]! < p[$1]! }
            var running = 0.0
            for (j, i) in order.enumerated() {
                running = max(running, min(1, (m - Double(j)) * p[i]!))
                out[i] = running
            }
        }
        return out
    }
}

/// The comparisons of the domains of one variable (Lumley 2010, §3.4): each domain against the whole, all
/// pairs of domains, or contrasts given by the user, from the joint estimates so that the covariance of the
/// domains with each other and with the whole (of which each is a part) is accounted for.
public enum DomainComparison {
    /// Each domain minus the whole population: `θ_d − θ`, whose variance `V_d + V − 2 Cov(θ_d, θ)` accounts
    /// for the domain being part of the whole. `joint` must hold the whole (``JointEstimates/wholeName``).
    public static func againstWhole(_ joint: JointEstimates, level: Double = 0.95) throws -> [ContrastEstimate] {
        let whole = JointEstimates.wholeName
        return try joint.names.filter { $0 != whole }.map { try joint.estimate(.difference($0, whole), level: level) }
    }

    /// Every pair of domains, `θ_a − θ_b` for `a` before `b` in the domains' order, with p-values adjusted over
    /// the pairs that could be tested.
    public static func pairwise(_ joint: JointEstimates, adjustment: PValueAdjustment, level: Double = 0.95) throws -> [ContrastEstimate] {
        let domains = joint.names.filter { $0 != JointEstimates.wholeName }
        var out: [ContrastEstimate] = []
        for a in domains.indices { for b in domains.indices where b > a {
            out.append(try joint.estimate(.difference(domains[a], domains[b]), level: level))
        } }
        let adjusted = adjustment.adjust(out.map(\.pValue))
        if adjustment != .none {
            for i in out.indices {
                out[i].adjustedPValue = adjusted[i]
                if adjusted[i] != nil { out[i].note = "\(adjustment.rawValue) adjustment over \(adjusted.compactMap { $0 }.count) pairs" }
            }
        }
        return out
    }

    /// User contrasts (``Contrast/init(parsing:)``), their p-values adjusted together when asked.
    public static func contrasts(_ contrasts: [Contrast], of joint: JointEstimates, adjustment: PValueAdjustment = .none,
                                 level: Double = 0.95) throws -> [ContrastEstimate] {
        var out = try contrasts.map { try joint.estimate($0, level: level) }
        if adjustment != .none && out.count > 1 {
            let adjusted = adjustment.adjust(out.map(\.pValue))
            for i in out.indices { out[i].adjustedPValue = adjusted[i] }
        }
        return out
    }

    /// Wald test that all domains are equal: `θ_d − θ_1 = 0` for every domain `d` after the first (the whole,
    /// if present, left out). Domains with fewer than 2 respondents are left out of the test.
    public static func allEqual(_ joint: JointEstimates) throws -> WaldTest {
        let domains = joint.names.indices.filter {
            joint.names[$0] != JointEstimates.wholeName && joint.counts[$0] >= JointEstimates.minimumRespondents
        }.map { joint.names[$0] }
        guard domains.count >= 2 else {
            throw ComparisonError.wrongLevelCount(variable: joint.variable, expected: "at least 2 domains with 2 or more respondents, so", found: domains)
        }
        let cs = domains.dropFirst().map { Contrast.difference($0, domains[0]) }
        return try WaldTest(cs, of: joint, label: "all \(domains.count) domains equal")
    }
}
