import ArgumentParser
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The barometer end to end on simulated data: three waves, published against raw, weighted and true shares.",
        discussion: """
        Simulates the Baromètre Numérique & Collectivités on every real collectivité (see `simulate`), rakes wave 1 on \
        region and strate (type x size class), makes waves 2 and 3 national with the attrition correction that uses \
        the wave-1 answers of the same collectivités (two-phase variances), and prints per wave and theme the \
        published raw share, the simulated raw share, the weighted estimate with its 95% interval, the truth and the \
        gap between small and large collectivités. Writes the simulated files and an HTML report.

        Example:
          weight-cli demo --output-dir out/demo
        """
    )

    @Option(help: ArgumentHelp("Frame of all collectivités (default: the bundled data/frame/collectivites.csv).", valueName: "file"))
    var frame: String?
    @Option(help: ArgumentHelp("Wave-1 raking margins, region and strate (default: the bundled data/margins/collectivites/collectivites_region_strate.csv).", valueName: "file"))
    var margins: String?
    @Option(help: ArgumentHelp("Crossed region*taille margin of the communes, for the two-edition simulation of the differences-and-change section (default: the bundled data/margins/communes_region_x_taille.csv).", valueName: "file"))
    var editionFrame: String?
    @Option(help: ArgumentHelp("Raking margins (region and size) of the two-edition simulation (default: the bundled data/margins/communes_region_taille.csv).", valueName: "file"))
    var editionMargins: String?
    @Option(help: "Seed of the simulation.") var seed: UInt64 = 2026
    @Option(help: "How respondents select themselves: self-selected or mar.")
    var scenario: BarometerSimulation.Scenario = .selfSelected
    @Option(help: ArgumentHelp("Output folder.", valueName: "dir")) var outputDir: String = "out/demo"
    @Option(help: ArgumentHelp("Instead of one run: a Monte Carlo over N seeds (seed, seed+1, ...), printing biases and coverage.", valueName: "N"))
    var monteCarlo: Int?
    @Option(help: ArgumentHelp("Instead of one run: the change Monte Carlo over N pairs of editions (seeds 1, 2, ...), printing bias, SEs and coverage per indicator.", valueName: "N"))
    var changeMonteCarlo: Int?
    @Option(help: ArgumentHelp("With --change-monte-carlo: the bootstrap carried through the attrition chain with R replicates per pair, instead of linearization.", valueName: "R"))
    var changeReplicates: Int?
    @Option(help: ArgumentHelp("Standard errors of waves 2-3 from the bootstrap carried through the whole chain with R replicates (re-calibrating wave 1, re-fitting the response model, re-calibrating the panel parts) instead of two-phase linearization; with --monte-carlo too.", valueName: "R"))
    var replicates: Int?
    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        if let monteCarlo, monteCarlo < 1 { throw ValidationError("--monte-carlo must be at least 1") }
        if let replicates, replicates < 2 { throw ValidationError("--replicates must be at least 2") }
        if let changeMonteCarlo, changeMonteCarlo < 1 { throw ValidationError("--change-monte-carlo must be at least 1") }
        if let changeReplicates, changeReplicates < 2 { throw ValidationError("--change-replicates must be at least 2") }
    }

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            let frame = try self.frame ?? BundledData.collectivitesFrame.resolvedPath()
            let margins = try self.margins ?? BundledData.collectivitesRegionStrate.resolvedPath()
            let editionFrame = try self.editionFrame ?? BundledData.communesRegionBySize.resolvedPath()
            let editionMargins = try self.editionMargins ?? BundledData.communesRegionAndSize.resolvedPath()
            if let changeMonteCarlo {
                let simulator = try BarometerSimulator(margins: MarginsFile.read(editionFrame), seed: seed)
                var mc = ChangeMonteCarlo(simulator: NextEditionSimulator(simulator: simulator), margins: try MarginsFile.read(editionMargins))
                mc.replicates = changeReplicates ?? 0
                let figures = try mc.run(pairs: changeMonteCarlo)
                StandardOutput.write(ChangeMonteCarlo.markdown(figures, replicates: mc.replicates, redrawn: mc.redrawn))
                return
            }
            if let monteCarlo {
                var demo = BarometerDemo(frame: try CollectiviteFrame(table: Table(contentsOf: frame)), rakingMargins: try MarginsFile.read(margins),
                                         seed: seed, scenario: scenario)
                demo.bootstrapReplicates = replicates ?? 0
                let mc = BarometerMonteCarlo(demo: demo, seeds: (0..<UInt64(monteCarlo)).map { seed &+ $0 })
                let summary = mc.run { k in if k % 10 == 0 { Diagnostics.note("\(k) of \(monteCarlo) seeds") } }
                StandardOutput.write(BarometerMonteCarlo.markdown(summary, scenario: scenario))
                return
            }
            let names = (["vague1.csv", "vague2.csv", "vague3.csv", "verite.csv", "rapport.html"] + DemoChangeSection.fileNames).map { "\(outputDir)/\($0)" }
            let plan = try OutputPlan(outputs: names, inputs: [frame, margins, editionFrame, editionMargins], createFolders: Set(names))
            var demo = BarometerDemo(frame: try CollectiviteFrame(table: Table(contentsOf: frame)), rakingMargins: try MarginsFile.read(margins),
                                     seed: seed, scenario: scenario)
            demo.bootstrapReplicates = replicates ?? 0
            let out = try demo.run()
            // The differences-and-change section runs its own two-edition simulation of the communes.
            let change = try DemoChangeSection(frame: try MarginsFile.read(editionFrame), margins: try MarginsFile.read(editionMargins), seed: seed)
            try plan.write(zip(names, out.waveFiles + [out.truthFile, out.html] + change.files).map { OutputPlan.Content(path: $0.0, text: $0.1) })
            StandardOutput.write(Self.text(out, seed: seed, outputDir: outputDir) + change.text(outputDir: outputDir))
        }
    }

    /// The printed table, one block per wave and theme.
    static func text(_ out: BarometerDemo.Output, seed: UInt64, outputDir: String) -> String {
        var text = "Baromètre Numérique & Collectivités - SIMULATED data on the real frame of collectivités (INSEE COG 2026), seed \(seed)\n"
        text += "respondents: wave 1 \(out.simulation.respondents[0].count), wave 2 \(out.simulation.respondents[1].count), wave 3 \(out.simulation.respondents[2].count)"
        text += " (waves 2 and 3: \(out.newcomers[0]) and \(out.newcomers[1]) did not answer wave 1: outside the panel, they get positive cross-sectional weights with the panel members, newcomers combined)\n"
        text += "wave 1 raked on region and strate (\(out.wave1.report.iterations) sweeps, effective n \(String(format: "%.0f", out.wave1.report.kishAfter.effectiveSampleSize))); "
        text += "waves 2-3: wave-1 respondents who stayed, propensity classes, raking to wave-1 totals; two-phase 95% intervals\n"
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        func p(_ x: Double) -> String { String(format: "%5.1f%%", 100 * x) }
        var theme = ""
        for r in out.rows {
            if r.theme != theme {
                theme = r.theme
                text += "\nwave \(r.wave) - \(theme)\n"
                text += pad("  indicator", 46) + "published    raw  weighted  95% CI             truth   gap small-large (weighted / truth)\n"
            }
            text += pad("  " + r.label, 46) + "   " + p(r.published) + " " + p(r.raw) + "    " + p(r.weighted)
            text += "  [" + p(r.ciLow) + ", " + p(r.ciHigh) + "]  " + p(r.truth)
            text += String(format: "   %+5.1f / %+5.1f pts\n", 100 * r.gapWeighted, 100 * r.gapTruth)
        }
        let closer = out.rows.filter(\.weightedCloser).count, covered = out.rows.filter(\.covers).count
        text += "\nweighted closer to the truth than raw: \(closer) of \(out.rows.count); intervals covering the truth: \(covered) of \(out.rows.count)\n"
        text += "report: \(outputDir)/rapport.html\n"
        text += "(raking removes the biases of region, type and size; self-selection on digital maturity, which no margin measures,\n remains, so intervals can miss the truth; waves 2-3 use the wave-1 answers of the same collectivités against attrition.)\n"
        return text
    }
}
