import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

/// SPSS, Stata and SAS files read through ReadStat, against fixtures written by other implementations
/// (pyreadstat and R haven; `Fixtures/formats/make_fixtures.py` and `make_fixtures.R`), and written back.
@Suite("SPSS, Stata and SAS files")
struct StatFileTests {
    static let folder = fixturesURL().appendingPathComponent("formats")
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static func read(_ name: String, _ variables: [String]? = nil) throws -> (table: Table, source: StatFileSource) {
        let p = path(name)
        return try Table.read(statFile: p, format: DataFileFormat.of(p), variables: variables)
    }

    @Test("a labelled variable's levels are its labels, as the same data written as text by pyreadstat's script")
    func labelledLevelsAreLabels() throws {
        let sav = try Self.read("barometre.sav").table
        let csv = try Table(contentsOf: Self.path("barometre.csv"))
        for name in ["region", "taille", "site_web", "open_data"] {
            #expect(try sav.categorical(name) == csv.categorical(name), "\(name)")
        }
        #expect(try sav.categorical("region").levels.contains("Île-de-France"))
        // Unlabelled numbers and strings are the same as in the text file.
        #expect(try sav.numeric("population") == csv.numeric("population"))
        #expect(try sav.numeric("score_maturite") == csv.numeric("score_maturite"))
        #expect(try sav.categorical("code_insee") == csv.categorical("code_insee"))
        #expect(sav.valueLabels(of: "region")?[76] == "Occitanie")
    }

    @Test("a labelled variable is not a number, like a text column")
    func labelledIsNotANumber() throws {
        let sav = try Self.read("barometre.sav").table
        #expect(throws: DataError.self) { try sav.numeric("region") }
    }

    @Test("SPSS user-missing values (a code and a range, declared by haven) are missing; the other values are kept")
    func userMissingValuesAreMissing() throws {
        let t = try Self.read("haven.sav").table
        let note = try t.numeric("note").values
        // make_fixtures.R: note = 8 (missing code) when i %% 10 == 3, 95 (in the missing range 90-99) when
        // i %% 10 == 7, else i %% 5 + 1; labels mark 8 and 95 only, so the variable stays numeric.
        for i in 0..<30 {
            if i % 10 == 3 || i % 10 == 7 { #expect(note[i].isNaN, "record \(i)") } else { #expect(note[i] == Double(i % 5 + 1)) }
        }
        let source = try Self.read("haven.sav").source
        let ranges = source.metadata.variable("note")!.missingRanges
        #expect(ranges.contains(.init(low: .number(8), high: .number(8))))
        #expect(ranges.contains(.init(low: .number(90), high: .number(99))))
    }

    @Test("Stata tagged missing values (.a, .b) and system missing are missing")
    func taggedMissingValuesAreMissing() throws {
        let t = try Self.read("haven.dta").table
        let age = try t.numeric("age").values
        for i in 0..<30 {
            let missing = i % 6 == 1 || i % 9 == 2 || i % 9 == 5
            if missing { #expect(age[i].isNaN, "record \(i)") } else { #expect(age[i] == Double(20 + i)) }
        }
        let labels = try Self.read("haven.dta").source.metadata.labels(of: "age")
        #expect(labels?.labels.contains { $0.value == .tagged("a") && $0.label == "refus" } == true)
    }

    @Test("dates are numbers in each package's origin: SPSS seconds since 1582-10-14, SAS days since 1960-01-01")
    func datesAreNumbers() throws {
        // 2024-03-01 is 19,783 days after 1970-01-01; 1582-10-14 is 141,428 days before it; 1960-01-01, 3,653.
        let spss = try Self.read("haven.sav").table.numeric("date_reponse").values
        #expect(spss[0] == Double((19_783 + 141_428) * 86_400))
        #expect(spss[29] == Double((19_783 + 29 + 141_428) * 86_400))
        let sas = try Self.read("haven.sas7bdat").table.numeric("date_reponse").values
        #expect(sas[0] == Double(19_783 + 3_653))
        let format = try Self.read("haven.sav").source.metadata.variable("date_reponse")?.format
        #expect(format?.hasPrefix("DATE") == true || format?.hasPrefix("SDATE") == true)
    }

    @Test("long strings (over 255 characters, accented) are read whole")
    func longStrings() throws {
        let t = try Self.read("haven.sav").table
        let texte = try t.categorical("texte")
        #expect(texte[0] == String(repeating: "abcdéfghij", count: 40))
        #expect(texte[1] == "court")
        let sav = try Self.read("barometre.sav").table
        let csv = try Table(contentsOf: Self.path("barometre.csv"))
        #expect(try sav.categorical("commentaire") == csv.categorical("commentaire"))
        #expect((try sav.categorical("commentaire")[0]?.count ?? 0) > 255)  // an SPSS "very long string"
    }

    @Test("a Stata 114 file in Latin-1 (written by pandas) is decoded to the same text as its UTF-8 CSV")
    func latin1Decoded() throws {
        let dta = try Self.read("latin1.dta").table
        let csv = try Table(contentsOf: Self.path("latin1.csv"))
        #expect(try dta.categorical("region") == csv.categorical("region"))
        #expect(try dta.categorical("region").levels == ["Auvergne-Rhône-Alpes"])
    }

    @Test("a compressed .zsav, a .dta, an .xpt and a .por hold the same values as the .sav", arguments: [
        "barometre.zsav", "barometre.dta", "barometre.xpt",
    ])
    func otherFormatsAgree(_ name: String) throws {
        let other = try Self.read(name).table
        let sav = try Self.read("barometre.sav").table
        let n = other.rowCount
        for v in ["population", "score_maturite"] {
            #expect(Array(try other.numeric(v).values.prefix(n)) == Array(try sav.numeric(v).values.prefix(n)), "\(v)")
        }
        if name != "barometre.xpt" {  // XPORT holds no value labels
            let a = try other.categorical("region"), b = try sav.categorical("region")
            #expect((0..<n).allSatisfy { a[$0] == b[$0] })
        }
        let por = try Self.read("barometre.por").table
        #expect(try por.numeric("SCORE").values == sav.numeric("score_maturite").values)
    }

    @Test("only the named variables are kept, and an unknown one is an error listing the file's variables")
    func selectedVariables() throws {
        let t = try Self.read("barometre.sav", ["taille", "region", "taille"]).table
        #expect(t.names == ["taille", "region"])
        #expect(t.rowCount == 2774)
        #expect(throws: DataError.self) { try Self.read("barometre.sav", ["regions"]) }
    }

    @Test("read, add a weight, write, read back: same values, labels, formats and missing definitions, plus the weight",
          arguments: [DataFileFormat.sav, .zsav, .dta])
    func roundTrip(_ format: DataFileFormat) throws {
        let (table, source) = try Self.read(format == .dta ? "haven.dta" : "haven.sav")
        let weights = (0..<table.rowCount).map { 1 + Double($0) / 7 }
        let dir = try temporaryFolder()
        let out = dir.appendingPathComponent("out.\(format.rawValue)").path
        let writer = StatFileWriter(source: source, format: format, labels: ["w": "Calibration weight: test"])
        try writer.write(columns: [(name: "w", values: weights)], to: out, otherInputs: [])
        let (back, backSource) = try Table.read(statFile: out, format: format)
        let before = source.metadata, after = backSource.metadata
        #expect(after.variables.map(\.name) == before.variables.map(\.name) + ["w"])
        for (a, b) in zip(after.variables, before.variables) {
            #expect(a.label == b.label, "\(a.name)")
            #expect(a.missingRanges == b.missingRanges, "\(a.name)")
            #expect(a.isText == b.isText)
            if format.family == before.format.family { #expect(a.format == b.format, "\(a.name)") }
            #expect(after.labels(of: a.name)?.labels.map(\.label) == before.labels(of: b.name)?.labels.map(\.label), "\(a.name)")
        }
        #expect(after.variable("w")?.label == "Calibration weight: test")
        #expect(try back.numeric("w").values == weights)
        let all = try Table.read(statFile: source.path, format: source.format).table
        for name in all.names {
            #expect(try back.categorical(name) == all.categorical(name), "\(name)")
        }
        if format == .zsav { #expect(after.compression == 2) }
    }

    @Test("an SPSS date written to Stata and SAS is converted to days since 1960-01-01, with a date format",
          arguments: [DataFileFormat.dta, .sas7bdat, .xpt])
    func datesConvertedBetweenPackages(_ format: DataFileFormat) throws {
        let (table, source) = try Self.read("haven.sav")
        let dir = try temporaryFolder()
        let out = dir.appendingPathComponent("out.\(format.rawValue)").path
        try StatFileWriter(source: source, format: format).write(columns: [(name: "w", values: Array(repeating: 1, count: table.rowCount))],
                                                                 to: out, otherInputs: [])
        let (back, backSource) = try Table.read(statFile: out, format: format)
        // make_fixtures.R: date_reponse = 2024-03-01 + i, that is 19,783 + i days after 1970-01-01.
        #expect(try back.numeric("date_reponse").values == (0..<30).map { Double(19_783 + 3_653 + $0) })
        let f = backSource.metadata.variable("date_reponse")?.format
        #expect(DateConversion.kind(format: f, family: format.family) == .date, "\(f ?? "no format")")
        // And back to SPSS: the original seconds.
        let back2 = dir.appendingPathComponent("again.sav").path
        try StatFileWriter(source: backSource, format: .sav).write(columns: [], to: back2, otherInputs: [])
        #expect(try Table.read(statFile: back2, format: .sav).table.numeric("date_reponse").values
                == table.numeric("date_reponse").values)
    }

    @Test("date-times: SPSS seconds since 1582, Stata milliseconds and SAS seconds since 1960")
    func dateTimeClocks() {
        // 1960-01-01 00:00:01 is 137,775 days and 1 s after 1582-10-14.
        let spss = 137_775.0 * 86_400 + 1
        #expect(DateConversion.convert(spss, kind: .dateTime, from: .spss, to: .stata) == 1000)
        #expect(DateConversion.convert(spss, kind: .dateTime, from: .spss, to: .sas) == 1)
        #expect(DateConversion.convert(1000, kind: .dateTime, from: .stata, to: .spss) == spss)
        #expect(DateConversion.kind(format: "F8.2", family: .spss) == nil)
        #expect(DateConversion.kind(format: "%tc", family: .stata) == .dateTime)
    }

    @Test("user-missing codes are written as the codes, so that they read back as missing with the definitions")
    func userMissingCodesKept() throws {
        let (table, source) = try Self.read("haven.sav")
        let dir = try temporaryFolder()
        let out = dir.appendingPathComponent("out.sav").path
        try StatFileWriter(source: source).write(columns: [(name: "w", values: Array(repeating: 1, count: table.rowCount))],
                                                 to: out, otherInputs: [])
        // Read with the missing definitions dropped: the stored codes 8 and 95 are there.
        var raw: [Double] = []
        try StatFileReader(path: out, format: .sav).parse(wanted: ["note"]) { _, _, _, value in
            raw.append(StatFileReader.rawNumber(value)); return true
        }
        #expect(raw[3] == 8 && raw[7] == 95)
    }

    @Test("a file changed between the two readings is refused, nothing written")
    func changedSourceRefused() throws {
        let dir = try temporaryFolder()
        let copy = dir.appendingPathComponent("in.sav").path
        try FileManager.default.copyItem(atPath: Self.path("haven.sav"), toPath: copy)
        let (table, source) = try Table.read(statFile: copy, format: .sav)
        let data = try Data(contentsOf: URL(fileURLWithPath: copy))
        try data.write(to: URL(fileURLWithPath: copy + ".new"))
        try FileManager.default.removeItem(atPath: copy)
        try FileManager.default.moveItem(atPath: copy + ".new", toPath: copy)
        let out = dir.appendingPathComponent("out.sav").path
        #expect(throws: DataError.changedWhileReading(file: copy)) {
            try StatFileWriter(source: source).write(columns: [(name: "w", values: Array(repeating: 1, count: table.rowCount))],
                                                     to: out, otherInputs: [])
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}

@Suite("Margins naming labelled levels")
struct ValueLabelResolutionTests {
    let labels: [String: [Double: String]] = ["region": [76: "Occitanie", 84: "Auvergne-Rhône-Alpes"]]

    @Test("a level given by code is read as its label; a label stays; an unknown level is left for the calibration")
    func codesBecomeLabels() throws {
        let m = Margins(categorical: [try CategoricalMargin(variables: ["region"], levels: [["76"], ["Auvergne-Rhône-Alpes"], ["99"]],
                                                        targets: [1, 2, 3])])
        let (r, clashes) = ValueLabelResolution.resolve(m, labels: labels)
        #expect(r.categorical[0].levels == [["Occitanie"], ["Auvergne-Rhône-Alpes"], ["99"]])
        #expect(clashes.isEmpty)
    }

    @Test("codes in a crossed margin are resolved for the labelled variable only; 76.0 is code 76")
    func crossed() throws {
        let m = Margins(categorical: [try CategoricalMargin(variables: ["taille", "region"], levels: [["76", "76.0"]], targets: [1])])
        let (r, _) = ValueLabelResolution.resolve(m, labels: labels)
        #expect(r.categorical[0].levels == [["76", "Occitanie"]])
    }

    @Test("a level that is a label and also another value's code is read as the label, with a clash reported")
    func labelsWinOnClash() throws {
        let swapped: [String: [Double: String]] = ["n": [1: "2", 2: "1", 3: "3"]]
        let m = Margins(categorical: [try CategoricalMargin(variables: ["n"], levels: [["1"], ["2"], ["3"]], targets: [1, 1, 1])])
        let (r, clashes) = ValueLabelResolution.resolve(m, labels: swapped)
        #expect(r.categorical[0].levels == [["1"], ["2"], ["3"]])
        #expect(clashes.map(\.level) == ["1", "2"])  // "3" is the label of code 3 itself: no clash
        #expect(clashes[0].description.contains("labels win"))
    }
}

@Suite("Excel workbooks")
struct WorkbookTests {
    @Test("a workbook is a zip archive with one worksheet per table and the percentage format")
    func sheets() throws {
        let a = WorkbookSheet(name: "estimates", header: ["x", "p"], rows: [[.text("a"), .percent(0.25)], [.empty, .number(1.5)]])
        let b = WorkbookSheet(name: "tests", header: ["y"], rows: [[.integer(3)]])
        let bytes = try Workbook.bytes([a, b], name: "t.xlsx")
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))  // "PK\3\4"
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("xl/worksheets/sheet1.xml") && text.contains("xl/worksheets/sheet2.xml"))
        #expect(!text.contains("xl/worksheets/sheet3.xml"))
    }

    @Test("NaN and infinite values are empty cells, proportions percentages")
    func undefinedValuesEmpty() {
        #expect(WorkbookSheet.number(.nan) == .empty)
        #expect(WorkbookSheet.number(.infinity, percent: true) == .empty)
        #expect(WorkbookSheet.number(0.5, percent: true) == .percent(0.5))
        #expect(WorkbookSheet(name: "a/b:c*d?e[f]g\\h-very-long-name-over-31", header: [], rows: []).name.count <= 31)
    }
}

/// A fresh temporary folder.
func temporaryFolder() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("weighting-formats-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}
