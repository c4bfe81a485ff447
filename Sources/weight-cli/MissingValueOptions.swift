import WeightingIO
import WeightingReports
import WeightingSimulation
import ArgumentParser
import Weighting

/// `--missing fail|level|exclude`: the policy for missing values of calibration variables.
struct MissingValueOptions: ParsableArguments {
    @Option(help: ArgumentHelp("""
        Missing values of calibration variables: fail (default; names the variable, the count and the first \
        line), level (missing is the level NA, whose target the margins give: 'region,NA,120'), or exclude \
        (left out of that margin's constraints only: its shares are met among the known values).
        """, valueName: "fail|level|exclude"))
    var missing: MissingValuePolicyArgument = .fail

    /// The table and margins to calibrate, and the calibrator with those margins.
    func prepare(table: Table, calibrator: Calibrator) throws -> (table: Table, calibrator: Calibrator, notes: [String]) {
        let prepared = try MissingCalibrationValues(table: table, margins: calibrator.margins, policy: missing.policy)
        var calibrator = calibrator
        calibrator.margins = prepared.margins
        return (prepared.table, calibrator, prepared.notes)
    }
}

/// ``MissingValuePolicy`` as an argument.
enum MissingValuePolicyArgument: String, ExpressibleByArgument, CaseIterable {
    case fail, level, exclude
    var policy: MissingValuePolicy { MissingValuePolicy(rawValue: rawValue)! }
}
