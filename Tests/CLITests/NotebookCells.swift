import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation
import WeightingTestSupport

/// The Swift cells of the notebooks, compiled with the tests. Each cell's code is the text between
/// `// cell: NAME` and `// end cell`; the notebook shows exactly that text, and its recorded output is what the
/// cell prints. Paths are relative to the repository root.
enum NotebookCells {
    static let registry: [String: @Sendable () throws -> String] = [
        "library-raking": libraryRaking,
        "methods": methods,
        "attrition-summary": attritionSummary,
        "estimator": estimator,
        "batch-check": batchCheck,
        "barometer-truth": barometerTruth,
        "change-library": changeLibrary,
    ]

    /// Runs a cell from the repository root and returns what it printed.
    static func run(_ name: String) throws -> String {
        guard let cell = registry[name] else { throw CocoaError(.featureUnsupported) }
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(CLI.repositoryRoot.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        return try cell()
    }

    /// The code of a cell as written in this file, de-indented.
    static func source(of name: String) -> String? {
        guard let text = try? String(contentsOfFile: #filePath, encoding: .utf8) else { return nil }
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "// cell: \(name)" }),
              let end = lines[start...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "// end cell" }) else { return nil }
        return lines[(start + 1)..<end].map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : $0 }.joined(separator: "\n")
    }

    static func libraryRaking() throws -> String {
        var output = ""
        func print(_ items: Any...) { output += items.map { "\($0)" }.joined(separator: " ") + "\n" }
        // cell: library-raking
        let margins = try MarginsFile.read("data/margins/communes_region_taille.csv")
        let sample = try Table(contentsOf: "data/sample/barometre_vague1.csv")
        let result = try Calibrator(margins: margins, method: .raking).calibrate(sample)
        let report = result.report
        print("respondents:", report.respondents, "- cells:", report.cells, "- sweeps:", report.iterations)
        print("weights from", Int(report.weights.min), "to", Int(report.weights.max.rounded()))
        print("Kish design effect:", (report.kishAfter.designEffect * 1000).rounded() / 1000)
        print("effective sample size:", Int(report.kishAfter.effectiveSampleSize))
        // end cell
        return String(output.dropLast())
    }

    static func methods() throws -> String {
        var output = ""
        func print(_ items: Any...) { output += items.map { "\($0)" }.joined(separator: " ") + "\n" }
        // cell: methods
        let margins = try MarginsFile.read("data/margins/communes_population.csv")
        let sample = try Table(contentsOf: "data/sample/barometre_vague1.csv")
        let base = [Double](repeating: 34875.0 / Double(sample.rowCount), count: sample.rowCount)
        let methods: [CalibrationMethod] = [.linear, .raking, .logit(lower: 0.1, upper: 5), .truncated(lower: 0.1, upper: 5)]
        for method in methods {
            let r = try Calibrator(margins: margins, method: method).calibrate(sample, baseWeights: base)
            let g = r.report.ratios
            let line = String(format: "%-18@ g in [%.3f, %.3f]  deff %.3f  iterations %d", method.description as NSString, g.min, g.max,
                              r.report.kishAfter.designEffect, r.report.iterations)
            print(line)
        }
        // end cell
        return String(output.dropLast())
    }

    static func attritionSummary() throws -> String {
        var output = ""
        func print(_ items: Any...) { output += items.map { "\($0)" }.joined(separator: " ") + "\n" }
        // cell: attrition-summary
        let waves = try (1...3).map { try Table(contentsOf: "data/sample/barometre_vague\($0).csv") }
        let panel = try Panel(waves: waves, idColumn: "code_insee")
        let summary = try AttritionSummary(panel: panel, groupBy: ["taille"])
        for w in summary.waves {
            print("wave", w.wave, ":", w.respondents, "respondents,", w.retainedFromWave1, "since wave 1")
        }
        for g in summary.groups where g.wave == 3 {
            print(g.group, "kept", g.retained, "of", g.wave1)
        }
        // end cell
        return String(output.dropLast())
    }

    static func estimator() throws -> String {
        var output = ""
        func print(_ items: Any...) { output += items.map { "\($0)" }.joined(separator: " ") + "\n" }
        // cell: estimator
        let margins = try MarginsFile.read("data/margins/communes_region_taille.csv")
        let sample = try Table(contentsOf: "data/sample/barometre_vague1.csv")
        let result = try Calibrator(margins: margins, method: .raking).calibrate(sample)
        let design = try SurveyDesign(table: sample).calibrated(result)
        for interval in [IntervalMethod.wald, .logit, .wilson, .beta] {
            let e = try SurveyEstimator(table: sample, design: design, interval: interval)
                .estimate(variables: ["open_data"], statistic: .mean)
                .first { $0.level == "oui" }!
            print(interval.rawValue, String(format: "%.4f [%.4f, %.4f]  se %.4f  deff %.2f", e.estimate, e.ciLow!, e.ciHigh!, e.se, e.deff!))
        }
        // end cell
        return String(output.dropLast())
    }

    static func batchCheck() throws -> String {
        var output = ""
        func print(_ items: Any...) { output += items.map { "\($0)" }.joined(separator: " ") + "\n" }
        // cell: batch-check
        let margins = try MarginsFile.read("data/margins/communes_region_taille.csv")
        for wave in 1...3 {
            let weighted = try Table(contentsOf: "out/notebooks/batch/barometre_vague\(wave)-pondere.csv")
            let w = try weighted.numeric("weight").values
            let regions = try weighted.categorical("region")
            var occitanie = 0.0
            for i in 0..<weighted.rowCount where regions[i] == "Occitanie" { occitanie += w[i] }
            let target = margins.categorical[0].targets[margins.categorical[0].levels.firstIndex(of: ["Occitanie"])!]
            print("wave \(wave): \(weighted.rowCount) rows, weights sum to \(Int(w.reduce(0, +).rounded())), Occitanie \(Int(occitanie.rounded())) (target \(Int(target)))")
        }
        // end cell
        return String(output.dropLast())
    }

    static func barometerTruth() throws -> String {
        var output = ""
        func print(_ items: Any...) { output += items.map { "\($0)" }.joined(separator: " ") + "\n" }
        // cell: barometer-truth
        let frame = try CollectiviteFrame(table: Table(contentsOf: "data/frame/collectivites.csv"))
        let simulation = BarometerSimulation(frame: frame, seed: 2026).run()
        for q in BarometerSimulation.questions(wave: 3) where q.theme == "stratégie numérique" {
            let truth = simulation.truth[q.name]!, small = simulation.truthSmall[q.name]!, large = simulation.truthLarge[q.name]!
            print(q.label, "| published raw", q.published, "| truth", String(format: "%.3f", truth),
                  "| small", String(format: "%.3f", small), "| large", String(format: "%.3f", large))
        }
        // end cell
        return output
    }

    static func changeLibrary() throws -> String {
        var output = ""
        func print(_ items: Any...) { output += items.map { "\($0)" }.joined(separator: " ") + "\n" }
        // cell: change-library
        let first = try Table(contentsOf: "out/notebooks/demo/edition2025.csv")
        let next = try Table(contentsOf: "out/notebooks/demo/edition_suivante.csv")
        let panel = try Panel(waves: [first, next], idColumn: "code_commune")
        let raking = Calibrator(margins: try MarginsFile.read("data/margins/communes_region_taille.csv"), method: .raking)
        let (design, records, _) = try ChangeDesign.attritionAdjusted(
            wave1: first, retained: panel.retained(through: 2), calibrator: raking, baseWeight: "poids_base",
            covariates: ["rang_taille", "score_maturite"], adjustment: .inversePropensity,
            calibrateToWave1: ["score_maturite"])
        let score1 = try first.numeric("score_maturite").values
        let score2 = try next.numeric("score_maturite").values
        let y2 = records.map { score2[panel.rowInWave[$0][1]!] }
        let c = try design.change(y1: score1, y2: y2, variable: "score_maturite", ratio: true)
        print("maturity score: 2025", String(format: "%.2f", c.wave1.estimate), "next", String(format: "%.2f", c.wave2.estimate))
        print("change", String(format: "%+.2f", c.change.estimate), "panel SE", String(format: "%.3f", c.change.se!),
              "independent SE", String(format: "%.3f", c.independentSE!), "correlation", String(format: "%.2f", c.correlation!))
        print("ratio", String(format: "%.3f", c.ratio!.estimate), "SE", String(format: "%.4f", c.ratio!.se!))
        // end cell
        return String(output.dropLast())
    }
}
