import Foundation
import Testing
import WeightingTestSupport
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

/// The reliability rules (NCHS Data Presentation Standards for Proportions, Parker et al. 2017; RSE rule for
/// other statistics) and the flags file.
@Suite("Reliability flags")
struct ReliabilityTests {
    let nchs = ReliabilityRuleSet.nchs

    @Test("a proportion with an effective sample size below 30 is suppressed, naming n*")
    func smallEffectiveSize() {
        // p = 0.5, se = 0.1: n* = 0.25 / 0.01 = 25 < 30 (interval 0.3 wide also suppresses).
        let r = nchs.assess(estimate: 0.5, se: 0.1, ciLow: 0.35, ciHigh: 0.64, n: 100, df: 99, proportion: true)
        #expect(r.status == .suppressed)
        #expect(abs(r.effectiveN! - 25) < 1e-9)
        #expect(r.reasons == ["effective n 25.0 < 30"])
    }

    @Test("the effective size is capped at n, and is n at 0 and 1 (NCHS)")
    func effectiveSizeCap() {
        #expect(ReliabilityRuleSet.proportionEffectiveN(p: 0.5, se: 0.01, n: 100) == 100)
        #expect(ReliabilityRuleSet.proportionEffectiveN(p: 0, se: 0, n: 12) == 12)
        #expect(ReliabilityRuleSet.proportionEffectiveN(p: 1, se: 0.2, n: 40) == 40)
        #expect(abs(ReliabilityRuleSet.proportionEffectiveN(p: 0.2, se: 0.04, n: 1000) - 100) < 1e-9)
    }

    @Test("an interval 0.30 wide or wider is suppressed; 0.29 is not")
    func wideInterval() {
        let wide = nchs.assess(estimate: 0.5, se: 0.02, ciLow: 0.35, ciHigh: 0.65, n: 1000, df: 100, proportion: true)
        #expect(wide.status == .suppressed)
        #expect(wide.reasons == ["interval 0.300 wide ≥ 0.3"])
        let ok = nchs.assess(estimate: 0.5, se: 0.02, ciLow: 0.36, ciHigh: 0.65, n: 1000, df: 100, proportion: true)
        #expect(ok.status == .reliable)
    }

    @Test("a relative width above 130 % is suppressed only when the interval is wider than 0.05")
    func relativeWidth() {
        // p = 0.05, interval 0.01–0.09: width 0.08 = 160 % of p.
        let r = nchs.assess(estimate: 0.05, se: 0.002, ciLow: 0.01, ciHigh: 0.09, n: 5000, df: 100, proportion: true)
        #expect(r.status == .suppressed)
        #expect(r.reasons == ["interval 160 % of the estimate > 130 %"])
        // p = 0.02, interval 0.001–0.045: 220 % of p, but only 0.044 wide: shown.
        let narrow = nchs.assess(estimate: 0.02, se: 0.001, ciLow: 0.001, ciHigh: 0.045, n: 5000, df: 100, proportion: true)
        #expect(narrow.status == .reliable)
    }

    @Test("fewer than 8 degrees of freedom and estimates of 0 or 100 % are flagged, not suppressed")
    func flags() {
        let r = nchs.assess(estimate: 0.4, se: 0.01, ciLow: 0.38, ciHigh: 0.42, n: 3000, df: 7, proportion: true)
        #expect(r.status == .flagged)
        #expect(r.reasons == ["7 degrees of freedom < 8"])
        let zero = nchs.assess(estimate: 0, se: 0, ciLow: 0, ciHigh: 0.01, n: 400, df: 300, proportion: true)
        #expect(zero.status == .flagged)
        #expect(zero.reasons == ["estimate of 0 %"])
    }

    @Test("Guyane-like domain: 3 respondents, all yes, is suppressed with its reasons")
    func threeRespondents() {
        let r = nchs.assess(estimate: 1, se: 0, ciLow: 0.29, ciHigh: 1, n: 3, df: 2, proportion: true)
        #expect(r.status == .suppressed)
        #expect(r.summary == "suppressed: effective n 3.0 < 30; interval 0.710 wide ≥ 0.3; 2 degrees of freedom < 8; estimate of 100 %")
    }

    @Test("means, totals and ratios are flagged above a CV of 30 %; proportions are not judged by CV")
    func cv() {
        let mean = nchs.assess(estimate: 10, se: 3.1, ciLow: 4, ciHigh: 16, n: 500, df: 100, proportion: false)
        #expect(mean.status == .flagged)
        #expect(mean.reasons == ["CV 31.0 % > 30 %"])
        #expect(nchs.assess(estimate: 10, se: 2.9, ciLow: 4, ciHigh: 16, n: 500, df: 100, proportion: false).status == .reliable)
        #expect(ReliabilityRuleSet.none.assess(estimate: 1, se: 0, ciLow: 0.2, ciHigh: 1, n: 2, df: 1, proportion: true).status == .reliable)
    }

    @Test("a flags file is read rule by rule; an unknown rule names its line and column and the known rules")
    func flagsFile() throws {
        let set = try ReliabilityRuleSet(flagsFile: "rule,threshold,action\n# comment\nmin_n, 50 ,suppress\nextreme_proportion,,flag\n", file: "f.csv")
        #expect(set.rules == [ReliabilityRule(.minN, 50, .suppress), ReliabilityRule(.extremeProportion, 0, .flag)])
        #expect(set.assess(estimate: 3, se: 0.1, ciLow: 2.8, ciHigh: 3.2, n: 49, df: 40, proportion: false).summary == "suppressed: n 49 < 50")
        let message = errorText { _ = try ReliabilityRuleSet(flagsFile: "rule,threshold,action\nmin_n,30,flag\nmax_rse,0.3,flag\n", file: "f.csv") }
        #expect(message.hasPrefix("f.csv:3:1: unknown rule 'max_rse'; known rules: min_effective_n, min_n"))
        #expect(errorText { _ = try ReliabilityRuleSet(flagsFile: "rule,threshold,action\nmin_n,-1,flag\n", file: "f.csv") }
            == "f.csv:2:7: the threshold must be a finite number ≥ 0, got '-1'")
        #expect(errorText { _ = try ReliabilityRuleSet(flagsFile: "rule,threshold,action\nmin_n,1,hide\n", file: "f.csv") }
            .hasPrefix("f.csv:2:9: the action must be 'flag' or 'suppress'"))
        #expect(errorText { _ = try ReliabilityRuleSet(flagsFile: "rule;threshold;action\n", file: "f.csv") }.hasPrefix("f.csv:1:1: a flags file starts with the header"))
        #expect(errorText { _ = try ReliabilityRuleSet(flagsFile: "rule,threshold,action\n", file: "f.csv") }.contains("holds no rule"))
    }

    @Test("by default every proportion interval of every small domain lies inside [0, 1] and states its method")
    func intervalsInsideUnitRange() throws {
        // 40 domains of 1 to 6 respondents with answers yes/no, unequal weights.
        var rng = TestRandom(seed: 14)
        var domain: [String?] = [], answer: [String?] = [], w: [Double] = []
        for d in 0..<40 {
            for _ in 0..<(1 + d % 6) {
                domain.append("d\(d)")
                answer.append(d % 5 == 0 ? "yes" : (rng.uniform() < 0.3 ? "yes" : "no"))
                w.append(1 + 9 * rng.uniform())
            }
        }
        let t = try Table(["domain": .categorical(domain), "answer": .categorical(answer), "w": .numeric(w)])
        let es = try SurveyEstimator(table: t, design: try SurveyDesign(table: t, weight: "w"))
            .estimate(variables: ["answer"], statistic: .mean, by: ["domain"])
        var checked = 0
        for e in es {
            guard let lo = e.ciLow, let hi = e.ciHigh else { continue }
            #expect(lo >= 0 && hi <= 1 && lo <= e.estimate && e.estimate <= hi, "\(e.domain ?? "") \(e.level ?? ""): \(lo) – \(hi)")
            #expect(e.intervalMethod == (e.estimate == 0 || e.estimate == 1 ? "korn-graubard" : "logit"))
            checked += 1
        }
        #expect(checked > 40)
        // Wald, on request, leaves [0, 1] on the same data (why it is not the default).
        let wald = try SurveyEstimator(table: t, design: try SurveyDesign(table: t, weight: "w"), interval: .wald)
            .estimate(variables: ["answer"], statistic: .mean, by: ["domain"])
        #expect(wald.contains { ($0.ciLow ?? 0) < 0 || ($0.ciHigh ?? 1) > 1 })
        #expect(wald.allSatisfy { $0.ciLow == nil || $0.intervalMethod == "wald" })
    }
}
