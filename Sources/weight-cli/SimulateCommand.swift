import ArgumentParser
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate the barometer: a population on the real frame, three survey waves and the truth.",
        discussion: """
        Builds 34,875 synthetic communes from the region x size counts of the real frame (bundled margins), gives \
        them indicators whose population rates are known, and draws three waves with the biases of the real \
        barometer. Deterministic for a given --seed. Writes vague1.csv, vague2.csv, vague3.csv and verite.csv.

        Example:
          weight-cli simulate --output-dir out/simulation --seed 2026
        """
    )

    @Option(help: ArgumentHelp("Crossed region*taille margin of the frame (default: the bundled data/margins/communes_region_x_taille.csv).", valueName: "file"))
    var frame: String?
    @Option(help: "Seed.") var seed: UInt64 = 2026
    @Option(help: ArgumentHelp("Output folder.", valueName: "dir")) var outputDir: String = "out/simulation"
    @OptionGroup var verbosity: VerbosityOptions

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            let frame = try self.frame ?? BundledMargins.regionBySize.resolvedPath()
            let names = ["vague1.csv", "vague2.csv", "vague3.csv", "verite.csv"].map { "\(outputDir)/\($0)" }
            let plan = try OutputPlan(outputs: names, inputs: [frame], createFolders: Set(names))
            let sim = try BarometerSimulator(margins: MarginsFile.read(frame), seed: seed).run()
            try plan.write(zip(names, sim.waves + [sim.truth]).map { OutputPlan.Content(path: $0.0, text: $0.1) })
            Diagnostics.note("respondents by wave: \(sim.respondents.map(String.init).joined(separator: ", ")); files in \(outputDir)")
        }
    }
}
