import WeightingIO
import WeightingReports
import WeightingSimulation
import ArgumentParser
import Weighting

/// `--flags none|nchs|FILE`: the reliability rules applied to every published estimate.
struct FlagsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("""
        Reliability rules: nchs (default: NCHS standards for proportions, Parker et al. 2017, and RSE > 30 % for \
        other statistics), none, or a CSV file 'rule,threshold,action' (rules: \
        \(ReliabilityRule.Measure.allCases.map(\.rawValue).joined(separator: ", ")); actions: flag, suppress).
        """, valueName: "none|nchs|file"))
    var flags: String = "nchs"

    /// The flags file, when `--flags` names one (an input of the command).
    var flagsFile: String? { ["none", "nchs"].contains(flags) ? nil : flags }

    /// The rule set: built in, or read from the file (exit 3 if it cannot be read, 1 if a line is wrong).
    func ruleSet() throws -> ReliabilityRuleSet {
        switch flags {
        case "none": return .none
        case "nchs": return .nchs
        default: return try ReliabilityRuleSet(flagsFile: try FileIO.readText(flags), file: flags)
        }
    }
}
