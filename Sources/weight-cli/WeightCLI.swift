import ArgumentParser
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

@main
struct WeightCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weight-cli",
        abstract: "Make survey results representative: calibrate weights to population margins.",
        discussion: """
        Exit codes: 0 success; 1 bad input or options; 2 calibration did not converge or is infeasible; \
        3 a file could not be read or written. Outputs are written atomically: on failure no output is left.
        """,
        subcommands: [CalibrateCommand.self, EstimateCommand.self, TestCommand.self, ChangeCommand.self, CompareCommand.self, ExploreCommand.self, AttritionCommand.self, NonresponseCommand.self, BatchCommand.self, SimulateCommand.self, DemoCommand.self, InspectCommand.self]
    )

    /// Parses and runs, mapping usage errors to exit code 1 (bad options), as documented.
    static func main() {
        ParentLifeline.watchIfChildOfBatch()
        AllocatorTuning.keepLargeBuffers()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                Diagnostics.write(fullMessage(for: error) + "\n")
                exit(withError: ExitCode(1))
            }
            exit(withError: error)
        }
    }
}
