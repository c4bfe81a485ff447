import ArgumentParser
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

extension BarometerSimulation.Scenario: ExpressibleByArgument {}

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate the barometer: every real collectivité of the frame, three waves with their own questions, and the truth.",
        discussion: """
        The population is every collectivité of the frame (34,875 communes, 1,255 EPCI, 101 départements, 18 régions; \
        data/frame/collectivites.csv, bundled with the program); each has a simulated latent digital maturity \
        depending on its type and size, and answers every question of the three questionnaires. Waves of exactly \
        2,729, 629 and 587 respondents are drawn with unequal probabilities (88 % communes in wave 1, three regions \
        over-represented, later waves mostly from wave-1 respondents), and the raw shares equal the published ones. \
        Deterministic for a given --seed. Writes vague1.csv, vague2.csv, vague3.csv, verite.csv (truth of every \
        indicator) and population.csv (every collectivité's latent maturity and answers).

        Example:
          weight-cli simulate --output-dir out/simulation --seed 2026
        """
    )

    @Option(help: ArgumentHelp("Frame of all collectivités (default: the bundled data/frame/collectivites.csv).", valueName: "file"))
    var frame: String?
    @Option(help: "Seed.") var seed: UInt64 = 2026
    @Option(help: "How respondents select themselves: self-selected (on the latent maturity) or mar (on frame variables and wave-1 answers only).")
    var scenario: BarometerSimulation.Scenario = .selfSelected
    @Option(help: ArgumentHelp("Output folder.", valueName: "dir")) var outputDir: String = "out/simulation"
    @OptionGroup var verbosity: VerbosityOptions

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            let frame = try self.frame ?? BundledData.collectivitesFrame.resolvedPath()
            let names = ["vague1.csv", "vague2.csv", "vague3.csv", "verite.csv", "population.csv"].map { "\(outputDir)/\($0)" }
            let plan = try OutputPlan(outputs: names, inputs: [frame], createFolders: Set(names))
            let simulation = BarometerSimulation(frame: try CollectiviteFrame(table: Table(contentsOf: frame)), seed: seed, scenario: scenario)
            let out = simulation.run()
            let texts = (1...3).map { simulation.waveFile(out, wave: $0) } + [BarometerSimulation.truthFile(out), simulation.populationFile(out)]
            try plan.write(zip(names, texts).map { OutputPlan.Content(path: $0.0, text: $0.1) })
            Diagnostics.note("respondents by wave: \(out.respondents.map { String($0.count) }.joined(separator: ", ")); files in \(outputDir)")
        }
    }
}
