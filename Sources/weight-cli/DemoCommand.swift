import ArgumentParser
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The barometer end to end: simulate, rake wave 1, adjust waves 2 and 3 for attrition, compare with the truth.",
        discussion: """
        Runs in seconds on the bundled margins (INSEE COG 2026 frame): prints, for each wave and indicator, the \
        true population rate, the raw share among respondents and the weighted estimate with its 95% interval, \
        and writes the simulated files and an HTML report.

        Example:
          weight-cli demo --output-dir out/demo
        """
    )

    @Option(help: ArgumentHelp("Crossed region*taille margin of the frame, for the simulation (default: the bundled data/margins/communes_region_x_taille.csv).", valueName: "file"))
    var frame: String?
    @Option(help: ArgumentHelp("Raking margins, region and size (default: the bundled data/margins/communes_region_taille.csv).", valueName: "file"))
    var margins: String?
    @Option(help: "Seed of the simulation.") var seed: UInt64 = 2026
    @Option(help: ArgumentHelp("Output folder.", valueName: "dir")) var outputDir: String = "out/demo"
    @OptionGroup var verbosity: VerbosityOptions

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            let frame = try self.frame ?? BundledMargins.regionBySize.resolvedPath()
            let margins = try self.margins ?? BundledMargins.regionAndSize.resolvedPath()
            let names = ["vague1.csv", "vague2.csv", "vague3.csv", "verite.csv", "rapport.html"].map { "\(outputDir)/\($0)" }
            let plan = try OutputPlan(outputs: names, inputs: [frame, margins], createFolders: Set(names))
            let demo = BarometerDemo(frameMargins: try MarginsFile.read(frame), rakingMargins: try MarginsFile.read(margins), seed: seed)
            let out = try demo.run()
            try plan.write(zip(names, out.simulation.waves + [out.simulation.truth, out.html]).map { OutputPlan.Content(path: $0.0, text: $0.1) })
            var text = "Baromètre Numérique & Collectivités (simulated on the INSEE COG 2026 frame, seed \(seed))\n"
            text += "respondents: wave 1 \(out.simulation.respondents[0]), wave 2 \(out.simulation.respondents[1]), wave 3 \(out.simulation.respondents[2])\n"
            text += "wave 1 raked on region and size (\(out.wave1.report.iterations) sweeps, effective n \(String(format: "%.0f", out.wave1.report.kishAfter.effectiveSampleSize))); waves 2-3 adjusted for attrition (propensity classes, two-phase calibration)\n\n"
            func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
            text += pad("wave", 6) + pad("indicator", 20) + "  truth     raw  weighted  95% CI            closer\n"
            let order = BarometerSimulator.indicators.map(\.name)
            for r in out.rows.sorted(by: { ($0.wave, order.firstIndex(of: $0.indicator)!) < ($1.wave, order.firstIndex(of: $1.indicator)!) }) {
                text += pad(String(r.wave), 6) + pad(r.indicator, 20)
                text += String(format: "%6.1f%% %6.1f%% %8.1f%%  [%5.1f%%, %5.1f%%]  ", 100 * r.truth, 100 * r.raw, 100 * r.weighted, 100 * r.ciLow, 100 * r.ciHigh)
                text += (r.weightedCloser ? "weighted" : "raw") + "\n"
            }
            let closer = out.rows.filter(\.weightedCloser).count
            text += "\nweighted closer to the truth than raw: \(closer) of \(out.rows.count); report: \(outputDir)/rapport.html\n"
            text += "(region and size margins remove the regional and size biases; the rest comes from self-selection on digital maturity,\n which no margin measures in wave 1, so wave-1 intervals can miss the truth; later waves use wave-1 answers to correct attrition.)\n"
            StandardOutput.write(text)
        }
    }
}
