import Foundation
import WeightingIO
import WeightingReports
import Weighting

/// The frame and margins the simulator and the demo use by default, bundled with the module as resources so
/// that `weight-cli simulate` and `weight-cli demo` run from any folder.
///
/// They are byte-for-byte copies of files of the repository's `data/` folder (INSEE COG 2026, populations
/// légales 2023; Licence Ouverte / Etalab 2.0, see `data/LICENCE.md`); a test keeps them equal.
public enum BundledData: String, CaseIterable, Sendable {
    /// Every collectivité of the frame (communes, EPCI, départements, régions): the simulated population.
    case collectivitesFrame = "frame/collectivites.csv"
    /// Collectivités by region, and by strate (type × size class): wave 1's raking margins in the demo.
    case collectivitesRegionStrate = "margins/collectivites/collectivites_region_strate.csv"
    /// Communes by region × size class: the frame of the two-edition simulation.
    case communesRegionBySize = "margins/communes_region_x_taille.csv"
    /// Communes by region, and by size class: the two-edition simulation's raking margins.
    case communesRegionAndSize = "margins/communes_region_taille.csv"

    /// The file's path in the repository, as a user would name it (`data/...`).
    public var repositoryPath: String { "data/" + rawValue }

    /// The path of the bundled file, or `nil` when the module's resources are not beside the program.
    ///
    /// On Linux the resources are the folder `Weighting_WeightingSimulation.resources` beside the executable
    /// (where SwiftPM puts them); it is looked up directly rather than through `Bundle.module`, which stops the
    /// program when the folder is missing.
    public var path: String? {
        #if os(Linux)
        let file = Bundle.main.bundleURL.appendingPathComponent("Weighting_WeightingSimulation.resources")
            .appendingPathComponent("data").appendingPathComponent(rawValue).path
        return FileManager.default.fileExists(atPath: file) ? file : nil
        #else
        let url = URL(fileURLWithPath: rawValue)
        return Bundle.module.url(forResource: url.deletingPathExtension().lastPathComponent, withExtension: "csv",
                                 subdirectory: "data/" + url.deletingLastPathComponent().relativePath)?.path
        #endif
    }

    /// ``path``, or an error naming the file when the resources were not installed with the program.
    ///
    /// - Throws: ``DataError/cannotRead(file:reason:)``.
    public func resolvedPath() throws -> String {
        guard let path else {
            throw DataError.cannotRead(file: repositoryPath,
                                       reason: "the bundled data are not installed beside the program (Weighting_WeightingSimulation.resources); give the file's path instead")
        }
        return path
    }
}
