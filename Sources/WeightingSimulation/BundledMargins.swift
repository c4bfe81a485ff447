import Foundation
import Weighting

/// The population margins the simulator and the demo use by default, bundled with the module as resources so
/// that `weight-cli simulate` and `weight-cli demo` run from any folder.
///
/// They are byte-for-byte copies of `data/margins/communes_region_x_taille.csv` and
/// `data/margins/communes_region_taille.csv` (INSEE COG 2026, populations légales 2023; Licence Ouverte /
/// Etalab 2.0, see `data/LICENCE.md`); a test keeps them equal.
public enum BundledMargins: String, CaseIterable, Sendable {
    /// Communes by region × size class (the frame the simulator draws from).
    case regionBySize = "communes_region_x_taille"
    /// Communes by region, and by size class (the demo's raking margins).
    case regionAndSize = "communes_region_taille"

    /// The path of the bundled file, or `nil` when the module's resources are not beside the program.
    ///
    /// On Linux the resources are the folder `Weighting_WeightingSimulation.resources` beside the executable
    /// (where SwiftPM puts them); it is looked up directly rather than through `Bundle.module`, which stops the
    /// program when the folder is missing.
    public var path: String? {
        #if os(Linux)
        let folder = Bundle.main.bundleURL.appendingPathComponent("Weighting_WeightingSimulation.resources")
        let file = folder.appendingPathComponent("margins").appendingPathComponent(rawValue + ".csv").path
        return FileManager.default.fileExists(atPath: file) ? file : nil
        #else
        return Bundle.module.url(forResource: rawValue, withExtension: "csv", subdirectory: "margins")?.path
        #endif
    }
}

extension BundledMargins {
    /// ``path``, or an error naming the file when the resources were not installed with the program.
    ///
    /// - Throws: ``DataError/cannotRead(file:reason:)``.
    public func resolvedPath() throws -> String {
        guard let path else {
            throw DataError.cannotRead(file: "data/margins/\(rawValue).csv",
                                       reason: "the bundled margins are not installed beside the program (Weighting_WeightingSimulation.resources); give the margins file's path instead")
        }
        return path
    }
}
