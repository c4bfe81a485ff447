import Foundation
import WeightingIO
import WeightingReports
import WeightingSimulation
import ArgumentParser
import Weighting

/// Options of `attrition` for waves that are not nested: newcomers, the composite factor, the waves of the
/// longitudinal weights, and missing covariates of the response model.
struct NonNestedWaveOptions: ParsableArguments {
    enum Newcomers: String, ExpressibleByArgument, CaseIterable { case combine, exclude }
    enum MissingCovariates: String, ExpressibleByArgument, CaseIterable {
        case fail, indicator
        var policy: MissingCovariatePolicy { MissingCovariatePolicy(rawValue: rawValue)! }
    }

    @Option(help: ArgumentHelp("""
        Respondents of a later wave without a wave-1 record: combine (default: base weight 1 scaled to the \
        population, combined with the panel part by the composite factor, the wave then calibrated to the \
        margins; the wave's file must hold the calibration variables) or exclude (weight 0).
        """, valueName: "combine|exclude"))
    var newcomers: Newcomers = .combine

    @Option(help: ArgumentHelp("Composite factor of the panel part when combining: size (n_panel / n), effective (Kish effective sizes) or a number in (0, 1).", valueName: "size|effective|λ"))
    var composite: String = "size"

    @Option(help: ArgumentHelp("Waves of the longitudinal weights, e.g. 1,3 or 2,3 (default: every wave).", valueName: "i,j"))
    var longitudinal: String?

    @Option(help: ArgumentHelp("Missing covariates of the response model: fail (default) or indicator (categorical: category NA; numeric: weighted mean imputed, with a missing indicator).", valueName: "fail|indicator"))
    var missingCovariates: MissingCovariates = .fail

    func validate() throws { _ = try compositeFactor() }

    /// The composite factor.
    func compositeFactor() throws -> CompositeFactor {
        switch composite {
        case "size": return .sampleSize
        case "effective": return .effectiveSize
        default:
            guard let l = Double(composite), l > 0, l < 1 else {
                throw ValidationError("--composite must be size, effective or a number between 0 and 1; got \(Echo.quoted(composite))")
            }
            return .fixed(l)
        }
    }

    /// The waves of `--longitudinal`, increasing, at least two, each between 1 and `count` (when known).
    func longitudinalWaves(count: Int?) throws -> [Int]? {
        guard let longitudinal else { return nil }
        var waves: [Int] = []
        for part in longitudinal.split(separator: ",", omittingEmptySubsequences: false) {
            guard let k = Int(part.trimmingCharacters(in: .whitespaces)), k >= 1 else {
                throw ValidationError("--longitudinal takes wave numbers (1 is the first wave), e.g. 1,3; got \(Echo.quoted(longitudinal))")
            }
            if let count, k > count { throw ValidationError("--longitudinal: wave \(k) does not exist (\(count) waves given)") }
            if !waves.contains(k) { waves.append(k) }
        }
        guard waves.count >= 2 else { throw ValidationError("--longitudinal needs at least two waves, e.g. 1,3") }
        return waves.sorted()
    }
}
