import ArgumentParser
import Weighting

@main
struct WeightCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weight-cli",
        abstract: "Make survey results representative: calibrate weights to population margins.",
        discussion: """
        Exit codes: 0 success; 1 bad input or options; 2 calibration did not converge or is infeasible; \
        3 a file could not be read or written. Outputs are written atomically: on failure no output is left.
        """,
        subcommands: [CalibrateCommand.self, EstimateCommand.self]
    )
}
