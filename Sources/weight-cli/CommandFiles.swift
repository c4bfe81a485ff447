import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

/// The files a command reads and writes, known from its options alone: the command builds its
/// ``OutputPlan`` from them, and `batch` checks them across tasks before running anything.
protocol CommandFiles {
    /// Files read (data, margins, waves).
    var inputFiles: [String] { get }
    /// Files written (standard output excluded), in a stable order.
    var outputFiles: [String] { get }
}

extension CommandFiles {
    /// The plan of this command's outputs, checked against its inputs; `standardOutput` adds standard output
    /// (the default destination of commands without `--output`).
    func outputPlan(standardOutput: Bool = false, createFolders: Set<String> = []) throws -> OutputPlan {
        try OutputPlan(outputs: (standardOutput ? [OutputPlan.standardOutput] : []) + outputFiles, inputs: inputFiles,
                       createFolders: createFolders)
    }
}

extension CalibrateCommand: CommandFiles {
    var inputFiles: [String] { [data, marginsOptions.margins] }
    var outputFiles: [String] { [output, report].compactMap { $0 } }
}

extension EstimateCommand: CommandFiles {
    var inputFiles: [String] { [data] + [designOptions.margins, flagsOptions.flagsFile].compactMap { $0 } }
    var outputFiles: [String] { [output, writeReplicates].compactMap { $0 } }
}

extension CompareCommand: CommandFiles {
    var inputFiles: [String] { [data, marginsOptions.margins] + [flagsOptions.flagsFile].compactMap { $0 } }
    var outputFiles: [String] { [output].compactMap { $0 } }
}

extension AttritionCommand: CommandFiles {
    var inputFiles: [String] { [wave1, long].compactMap { $0 } + waves + [marginsOptions.margins] }
    var outputFiles: [String] { dataOutputs + [report].compactMap { $0 } }

    /// The weighted files written in the output folder: one per wave (or one for the long file), then the
    /// longitudinal file.
    var dataOutputs: [String] {
        let names = long != nil
            ? ["long_weighted.csv"]
            : ["wave1_weighted.csv"] + waves.indices.map { "wave\($0 + 2)_weighted.csv" }
        return (names + ["longitudinal.csv"]).map { "\(outputDir)/\($0)" }
    }
}

extension InspectCommand: CommandFiles {
    var inputFiles: [String] { [data] }
    var outputFiles: [String] { [] }
}
