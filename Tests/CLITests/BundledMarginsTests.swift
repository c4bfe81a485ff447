import Foundation
import WeightingTestSupport
import Testing

/// The margin files bundled in data/margins, derived from the French frame by data/scripts/derive_margins.py.
/// These tests read the files as plain CSV. They do not use the library, so a bad bundled file is caught
/// even when the margins reader is wrong. When the frame (data/frame, bundled with its SOURCE.md) is present,
/// the counts are recomputed from it. Otherwise the files are checked against the counts recorded in
/// frame_summary.json and against each other.
@Suite("Bundled margins derived from the French frame")
struct BundledMarginsTests {
    struct Row: Equatable, CustomStringConvertible {
        var variable: String
        var level: String
        var target: Int
        var description: String { "\(variable),\(level),\(target)" }
    }

    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let marginsFolder = repositoryRoot.appendingPathComponent("data/margins")
    /// The frame bundled with the repository (`data/frame/`, copied from the shared INSEE COG 2026 frame with its
    /// SOURCE.md), so the check runs in every clean clone.
    static let frameFolder = repositoryRoot.appendingPathComponent("data/frame")
    static let frameIsPresent = FileManager.default.fileExists(
        atPath: frameFolder.appendingPathComponent("communes_extended.csv").path)
    static let epciAndDepartementFramesArePresent = ["epci.csv", "departements.csv"].allSatisfy {
        FileManager.default.fileExists(atPath: frameFolder.appendingPathComponent($0).path)
    }

    static let header = "variable,level,target"
    static let communes = 34_875, epci = 1_255, departements = 101, regions = 18
    static let sizeOrder = ["moins de 500", "500-999", "1000-3499", "3500-9999", "10000-49999", "50000 et plus"]
    static let epciSizeOrder = ["moins de 15000", "15000-29999", "30000-49999", "50000-99999", "100000 et plus"]
    static let departementSizeOrder = ["moins de 250000", "250000-499999", "500000-999999", "1000000 et plus"]
    static let natureOrder = ["CC", "CA", "CU", "METRO", "MET69"]

    // MARK: - Reading

    /// Splits CSV text into records of fields (RFC 4180): double-quoted fields may hold commas, line breaks
    /// and doubled quotes; CRLF or LF ends a record; a final line break adds no empty record.
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = String.UnicodeScalarView()
        var inQuotes = false, pendingQuote = false, sawAnything = false
        func endField() { record.append(String(field)); field = String.UnicodeScalarView() }
        func endRecord() { endField(); records.append(record); record = []; sawAnything = false }
        for scalar in text.unicodeScalars {
            if inQuotes {
                if pendingQuote {
                    pendingQuote = false
                    if scalar == "\"" { field.append(scalar); continue }
                    inQuotes = false  // the quote closed the field; handle this scalar below
                } else if scalar == "\"" {
                    pendingQuote = true
                    continue
                } else {
                    field.append(scalar)
                    continue
                }
            }
            switch scalar {
            case "\"" where field.isEmpty: inQuotes = true; sawAnything = true
            case ",": endField(); sawAnything = true
            case "\r": continue
            case "\n": endRecord()
            default: field.append(scalar); sawAnything = true
            }
        }
        if sawAnything || !field.isEmpty || !record.isEmpty { endRecord() }
        return records
    }

    static func text(_ url: URL) throws -> String {
        let data = try Data(contentsOf: url)
        return try #require(String(data: data, encoding: .utf8), "\(url.lastPathComponent) is not UTF-8")
    }

    /// The rows of a bundled margins file (header checked separately).
    static func margins(_ name: String) throws -> [Row] {
        let records = parseCSV(try text(marginsFolder.appendingPathComponent(name)))
        try #require(records.first == ["variable", "level", "target"], "\(name): bad header \(records.first ?? [])")
        return try records.dropFirst().enumerated().map { k, r in
            try #require(r.count == 3, "\(name), line \(k + 2): \(r.count) fields")
            let target = try #require(Int(r[2]), "\(name), line \(k + 2): target \(r[2]) is not an integer")
            return Row(variable: r[0], level: r[1], target: target)
        }
    }

    /// Rows of one variable, in file order.
    static func block(_ rows: [Row], _ variable: String) -> [Row] { rows.filter { $0.variable == variable } }

    static func counts(_ rows: [Row]) -> [String: Int] {
        Dictionary(rows.map { ($0.level, $0.target) }, uniquingKeysWith: +)
    }

    static func sum(_ rows: [Row]) -> Int { rows.reduce(0) { $0 + $1.target } }

    static func summary() throws -> [String: Any] {
        let data = try Data(contentsOf: marginsFolder.appendingPathComponent("frame_summary.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func int(_ value: Any?) -> Int? {
        if let i = value as? Int { return i }
        if let n = value as? NSNumber { return n.intValue }
        return nil
    }

    static func intMap(_ value: Any?) throws -> [String: Int] {
        let dict = try #require(value as? [String: Any])
        return try dict.mapValues { try #require(int($0)) }
    }

    /// The records of a frame file as dictionaries keyed by its header.
    static func frameTable(_ name: String) throws -> [[String: String]] {
        let records = parseCSV(try text(frameFolder.appendingPathComponent(name)))
        let header = try #require(records.first)
        return try records.dropFirst().map { r in
            try #require(r.count == header.count, "\(name): a record has \(r.count) fields, expected \(header.count)")
            return Dictionary(uniqueKeysWithValues: zip(header, r))
        }
    }

    // MARK: - Format

    @Test("the test's CSV reader honours double-quoted fields, doubled quotes and CRLF")
    func csvReaderHonoursQuotes() {
        let records = Self.parseCSV("a,\"b,c\",\"d\"\"e\"\r\n,x,\"\"\nregion,Provence-Alpes-Côte d'Azur,946\n")
        #expect(records == [["a", "b,c", "d\"e"], ["", "x", ""], ["region", "Provence-Alpes-Côte d'Azur", "946"]])
    }

    @Test("every bundled margins file is UTF-8 with the exact header and three fields per row, as listed in the summary")
    func everyFileHasTheExactHeader() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.marginsFolder.path)
            .filter { $0.hasSuffix(".csv") }.sorted()
        let rows = try Self.intMap(try Self.summary()["rows"])
        #expect(Set(names) == Set(rows.keys), "CSV files and frame_summary.json rows differ")
        for name in names {
            let text = try Self.text(Self.marginsFolder.appendingPathComponent(name))
            #expect(text.hasPrefix(Self.header + "\n"), "\(name): header is not exactly \(Self.header)")
            #expect(!text.hasPrefix("\u{FEFF}") && !text.contains("\r"), "\(name): BOM or CR")
            #expect(text.hasSuffix("\n"), "\(name): no final line break")
            let m = try Self.margins(name)
            #expect(m.count == rows[name], "\(name): \(m.count) rows, summary says \(rows[name] ?? -1)")
            #expect(m.allSatisfy { $0.target >= 0 }, "\(name): negative target")
            let keys = m.map { "\($0.variable)|\($0.level)" }
            #expect(Set(keys).count == keys.count, "\(name): duplicated variable and level")
            for r in m where r.variable.contains("*") {
                #expect(r.variable.split(separator: "*").count == r.level.split(separator: "*").count,
                        "\(name): \(r) names a different number of variables and levels")
            }
        }
    }

    // MARK: - Communes

    @Test("region and size margins each sum to 34,875 communes and equal the counts recorded in frame_summary.json")
    func communeMarginsMatchTheSummary() throws {
        let summary = try Self.summary()
        #expect(Self.int(summary["communes"]) == Self.communes)
        let region = try Self.margins("communes_region.csv"), taille = try Self.margins("communes_taille.csv")
        #expect(region.allSatisfy { $0.variable == "region" } && taille.allSatisfy { $0.variable == "taille" })
        #expect(Self.sum(region) == Self.communes)
        #expect(Self.sum(taille) == Self.communes)
        #expect(region.count == Self.regions)
        #expect(taille.map(\.level) == Self.sizeOrder, "size classes must be in size order")
        #expect(Self.counts(region) == (try Self.intMap(summary["communes_by_region"])))
        #expect(Self.counts(taille) == (try Self.intMap(summary["communes_by_taille"])))
    }

    @Test("region*taille keeps all 108 cells, zero cells included, and adds up to the region and size margins")
    func crossMarginAddsUpAndKeepsZeroCells() throws {
        let region = try Self.margins("communes_region.csv"), taille = try Self.margins("communes_taille.csv")
        let cross = try Self.margins("communes_region_x_taille.csv")
        #expect(cross.allSatisfy { $0.variable == "region*taille" })
        #expect(cross.count == region.count * taille.count)
        var byRegion: [String: Int] = [:], bySize: [String: Int] = [:], cells = Set<String>()
        for r in cross {
            let parts = r.level.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
            try #require(parts.count == 2, "\(r)")
            byRegion[parts[0], default: 0] += r.target
            bySize[parts[1], default: 0] += r.target
            cells.insert(r.level)
        }
        let expectedCells = Set(region.flatMap { g in taille.map { "\(g.level)*\($0.level)" } })
        #expect(cells == expectedCells, "every region × size cell appears exactly once")
        #expect(byRegion == Self.counts(region), "summed over taille, region*taille equals region")
        #expect(bySize == Self.counts(taille), "summed over region, region*taille equals taille")
        #expect(cross.contains(Row(variable: "region*taille", level: "Guadeloupe*moins de 500", target: 0)))
        #expect(cross.filter { $0.target == 0 }.count > 0)
    }

    @Test("the default file is region, then taille, then region*taille, and the population file adds the total")
    func defaultAndPopulationFilesRepeatTheSingleMargins() throws {
        let region = try Self.margins("communes_region.csv"), taille = try Self.margins("communes_taille.csv")
        let cross = try Self.margins("communes_region_x_taille.csv")
        #expect(try Self.margins("communes_default.csv") == region + taille + cross)
        #expect(try Self.margins("communes_region_taille.csv") == region + taille)
        let population = try Self.margins("communes_population.csv")
        #expect(Self.block(population, "region") == region)
        #expect(Self.block(population, "taille") == taille)
        let total = Self.block(population, "population")
        #expect(total.count == 1 && total.first?.level == "")
        #expect(total.first?.target == Self.int(try Self.summary()["population"]))
        #expect(population.count == region.count + taille.count + 1)
        let line = try Self.text(Self.marginsFolder.appendingPathComponent("communes_population.csv"))
            .split(separator: "\n").first { $0.hasPrefix("population,") }
        #expect(line.map { $0.hasPrefix("population,,") } == true, "numeric total is written population,,<total>")
    }

    @Test("region margins use the frame's 18 region names, apostrophe unquoted")
    func regionLevelsAreReadableNames() throws {
        let text = try Self.text(Self.marginsFolder.appendingPathComponent("communes_region.csv"))
        #expect(text.contains("\nregion,Provence-Alpes-Côte d'Azur,946\n"))
        #expect(text.contains("\nregion,Île-de-France,1266\n"))
        let names = try Self.margins("communes_region.csv").map(\.level)
        for file in ["epci_region.csv", "departements_region.csv"] {
            #expect(try Self.margins(file).map(\.level) == names, "\(file): same region levels as communes")
        }
    }

    @Test("commune margins equal the counts per level recomputed from the frame",
          .enabled(if: BundledMarginsTests.frameIsPresent, "frame data/frame/communes_extended.csv is absent"))
    func communeMarginsEqualTheFrame() throws {
        let frame = try Self.frameTable("communes_extended.csv")
        #expect(frame.count == Self.communes)
        var region: [String: Int] = [:], taille: [String: Int] = [:], cross: [String: Int] = [:], population = 0
        for c in frame {
            let g = try #require(c["reg_nom"]), s = try #require(c["taille"])
            region[g, default: 0] += 1
            taille[s, default: 0] += 1
            cross["\(g)*\(s)", default: 0] += 1
            let p = c["population"] ?? ""
            population += try #require(Int(p), "population \(p) is not an integer")
        }
        let crossFile = Self.counts(try Self.margins("communes_region_x_taille.csv"))
        #expect(Self.counts(try Self.margins("communes_region.csv")) == region)
        #expect(Self.counts(try Self.margins("communes_taille.csv")) == taille)
        #expect(crossFile.filter { $0.value > 0 } == cross)
        #expect(crossFile.keys.allSatisfy { cross[$0] != nil || crossFile[$0] == 0 })
        #expect(Self.block(try Self.margins("communes_population.csv"), "population").first?.target == population)
        #expect(Self.int(try Self.summary()["population"]) == population)
    }

    // MARK: - EPCI and départements

    @Test("EPCI margins by region of the seat, nature and size each sum to 1,255, and the default is region + nature")
    func epciMarginsSumToTheNumberOfEPCI() throws {
        let summary = try Self.summary()
        #expect(Self.int(summary["epci"]) == Self.epci)
        let region = try Self.margins("epci_region.csv"), nature = try Self.margins("epci_nature.csv")
        let taille = try Self.margins("epci_taille.csv")
        #expect(Self.sum(region) == Self.epci)
        #expect(Self.sum(nature) == Self.epci)
        #expect(Self.sum(taille) == Self.epci)
        #expect(region.allSatisfy { $0.variable == "region" } && nature.allSatisfy { $0.variable == "nature" })
        #expect(nature.map(\.level) == Self.natureOrder)
        #expect(taille.map(\.level) == Self.epciSizeOrder)
        #expect(try Self.margins("epci_default.csv") == region + nature)
        #expect(Self.counts(region) == (try Self.intMap(summary["epci_by_region"])))
        #expect(Self.counts(nature) == (try Self.intMap(summary["epci_by_nature"])))
        #expect(Self.counts(taille) == (try Self.intMap(summary["epci_by_taille"])))
    }

    @Test("département margins by region and by size each sum to 101")
    func departementMarginsSumToTheNumberOfDepartements() throws {
        let summary = try Self.summary()
        #expect(Self.int(summary["departements"]) == Self.departements)
        let region = try Self.margins("departements_region.csv"), taille = try Self.margins("departements_taille.csv")
        #expect(Self.sum(region) == Self.departements)
        #expect(Self.sum(taille) == Self.departements)
        #expect(taille.map(\.level) == Self.departementSizeOrder)
        #expect(Self.counts(region) == (try Self.intMap(summary["departements_by_region"])))
        #expect(Self.counts(taille) == (try Self.intMap(summary["departements_by_taille"])))
    }

    @Test("EPCI and département margins equal the counts recomputed from the frame",
          .enabled(if: BundledMarginsTests.epciAndDepartementFramesArePresent, "frame epci.csv or departements.csv is absent"))
    func epciAndDepartementMarginsEqualTheFrame() throws {
        let epci = try Self.frameTable("epci.csv"), deps = try Self.frameTable("departements.csv")
        #expect(epci.count == Self.epci)
        #expect(deps.count == Self.departements)
        let regionName = Dictionary(deps.map { ($0["reg_code"] ?? "", $0["reg_nom"] ?? "") }, uniquingKeysWith: { a, _ in a })
        var region: [String: Int] = [:], nature: [String: Int] = [:]
        for e in epci {
            region[try #require(regionName[e["reg_siege"] ?? ""]), default: 0] += 1
            nature[try #require(e["nature_juridique"]), default: 0] += 1
        }
        #expect(Self.counts(try Self.margins("epci_region.csv")).filter { $0.value > 0 } == region)
        #expect(Self.counts(try Self.margins("epci_nature.csv")) == nature)
        var depRegion: [String: Int] = [:]
        for d in deps { depRegion[try #require(d["reg_nom"]), default: 0] += 1 }
        #expect(Self.counts(try Self.margins("departements_region.csv")) == depRegion)
    }
}
