import ArgumentParser
import Weighting

@main
struct WeightCLI: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "weight-cli", abstract: "Survey weighting.")
}
