import Foundation
import Weighting
import WeightingIO
import WeightingReports

/// One French collectivité of the frame: a commune, an EPCI à fiscalité propre, a département or a région.
public struct Collectivite: Sendable, Equatable {
    /// `COM-<INSEE code>`, `EPCI-<SIREN>`, `DEP-<code>` or `REG-<code>`.
    public var id: String
    /// `commune`, `EPCI`, `département` or `région`.
    public var type: String
    /// Official name.
    public var name: String
    /// Region name (an EPCI's: the region of its seat).
    public var region: String
    /// Département code (empty for a région).
    public var departement: String
    /// Legal population (INSEE, millésime 2023; Mayotte 2017).
    public var population: Int
    /// Size class within the type.
    public var taille: String
    /// Type and size class together (`commune 500-999`, `EPCI 100000 et plus`; `département` and `région` alone).
    public var strate: String
    /// Nature of the EPCI (the commune's EPCI for a commune), `aucune` for départements and régions.
    public var epciNature: String
    /// Whether it lies in one of the five overseas regions.
    public var overseas: Bool

    /// Creates a collectivité.
    public init(id: String, type: String, name: String, region: String, departement: String, population: Int,
                taille: String, strate: String, epciNature: String, overseas: Bool) {
        self.id = id
        self.type = type
        self.name = name
        self.region = region
        self.departement = departement
        self.population = population
        self.taille = taille
        self.strate = strate
        self.epciNature = epciNature
        self.overseas = overseas
    }

    /// `log(max(population, 1))`.
    public var logPopulation: Double { log(Double(max(population, 1))) }
    /// A small collectivité in the barometer's headline: a commune of fewer than 3,500 inhabitants.
    public var isSmall: Bool { type == "commune" && population < 3500 }
}

/// The frame of every French collectivité (`data/frame/collectivites.csv`, built by
/// `data/scripts/build_collectivites.py` from INSEE COG 2026 and the DGCL EPCI list): 34,875 communes, 1,255 EPCI,
/// 101 départements and 18 régions.
public struct CollectiviteFrame: Sendable {
    /// The units, in the file's order.
    public var units: [Collectivite]
    /// The four types in the frame's order.
    public static let types = ["commune", "EPCI", "département", "région"]
    /// The columns the frame file must have.
    public static let columns = ["id", "type", "nom", "region", "departement", "population", "taille", "strate", "epci_nature", "outre_mer"]

    /// Creates the frame from units.
    public init(units: [Collectivite]) { self.units = units }

    /// Reads the frame from a table with the columns of `collectivites.csv` (see ``columns``).
    public init(table: Table) throws {
        for c in Self.columns where !table.has(c) {
            throw CalibrationError.invalidOption("the frame \(table.source) has no column '\(c)' (expected the columns of data/frame/collectivites.csv: \(Self.columns.joined(separator: ", ")))")
        }
        func strings(_ name: String) throws -> [String] {
            let c = try table.categorical(name)
            return c.codes.map { $0 == CategoricalColumn.missing ? "" : c.levels[Int($0)] }
        }
        let id = try strings("id"), type = try strings("type"), name = try strings("nom"), region = try strings("region")
        let dep = try strings("departement"), taille = try strings("taille"), strate = try strings("strate")
        let nature = try strings("epci_nature"), om = try strings("outre_mer")
        let pop = try table.numeric("population").values
        var units: [Collectivite] = []
        units.reserveCapacity(table.rowCount)
        for i in 0..<table.rowCount {
            guard Self.types.contains(type[i]) else {
                throw CalibrationError.invalidOption("\(table.location(row: i, column: try table.index(of: "type"))): unknown type \(Echo.quoted(type[i])) (expected \(Self.types.joined(separator: ", ")))")
            }
            guard pop[i].isFinite, pop[i] >= 0 else {
                throw CalibrationError.invalidOption("\(table.location(row: i, column: try table.index(of: "population"))): the population must be a number ≥ 0")
            }
            units.append(Collectivite(id: id[i], type: type[i], name: name[i], region: region[i], departement: dep[i],
                                      population: Int(pop[i]), taille: taille[i], strate: strate[i], epciNature: nature[i],
                                      overseas: om[i] == "oui"))
        }
        self.units = units
    }
}
