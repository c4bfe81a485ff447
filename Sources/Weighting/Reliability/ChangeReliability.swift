extension ReliabilityRuleSet {
    /// Judges a change between two waves (`weight-cli change`): a change is no more reliable than the less
    /// reliable of its two levels, each judged by every rule but the degrees-of-freedom one (its interval, as
    /// shown, and its respondents), and its own degrees of freedom are judged by
    /// ``ReliabilityRule/Measure/minDF`` once (``assessComparison(df:)``). The coefficient of variation of the
    /// change itself is not judged (the change may be 0). The reasons name the wave they come from.
    ///
    /// Following the NCHS data presentation standards for proportions (Parker et al. 2017), an estimate that
    /// would be suppressed cannot support a published comparison; flags carry over the same way.
    ///
    /// - Parameters:
    ///   - change: the change and both levels.
    ///   - ciWave1: wave 1's interval as shown (default: the one the change carries).
    ///   - ciWave2: wave 2's interval as shown (default: the one the change carries).
    public func assess(change: ChangeEstimate, ciWave1: [Double]? = nil, ciWave2: [Double]? = nil) -> Reliability {
        let levelRules = ReliabilityRuleSet(name: name, rules: rules.filter { $0.measure != .minDF })
        var status = Reliability.Status.reliable
        var reasons: [String] = []
        let proportion = change.statistic == "proportion"
        for (k, (level, shown)) in [(change.wave1, ciWave1), (change.wave2, ciWave2)].enumerated() {
            let ci = shown ?? level.ciLow.flatMap { a in level.ciHigh.map { [a, $0] } }
            let r = levelRules.assess(estimate: level.estimate, se: level.se ?? .nan, ciLow: ci?[0], ciHigh: ci?[1],
                                      n: level.n, df: change.change.df, proportion: proportion)
            status = max(status, r.status)
            reasons += r.reasons.map { "wave \(k + 1): \($0)" }
        }
        let own = assessComparison(df: change.change.df)
        status = max(status, own.status)
        reasons += own.reasons
        return Reliability(status: status, reasons: reasons, cv: nil, effectiveN: nil,
                           ciWidth: change.change.ciLow.flatMap { a in change.change.ciHigh.map { $0 - a } })
    }
}
