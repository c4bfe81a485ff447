import Foundation
import WeightingTestSupport
import Testing

/// `calibrate --replace-weight-column`: a weight column that DATA already has is refused by default, and with the
/// flag its values are replaced in place, every other byte of the file unchanged.
@Suite("weight-cli calibrate --replace-weight-column")
struct WeightColumnReplaceTests {
    /// A byte-order mark, quoted fields holding the delimiter and doubled quotes on both sides of the replaced
    /// column, CR LF and LF line endings, no final line ending.
    static let data = "\u{FEFF}id,label,w,region\r\n1,\"a, b\",2,Nord\r\n2,\"x \"\"q\"\"\",1,Nord\n3,plain,5,Sud\r\n4,\"\",3,Sud"
    static let margins = "variable,level,target\nregion,Nord,30\nregion,Sud,16\n"
    /// Post-stratification on region with base weights w: w_i N_h / Σ_h w (Nord 30/3 = 10, Sud 16/8 = 2).
    static let expected = "\u{FEFF}id,label,w,region\r\n1,\"a, b\",20,Nord\r\n2,\"x \"\"q\"\"\",10,Nord\n3,plain,10,Sud\r\n4,\"\",6,Sud"

    @Test("without the flag, an existing column is refused and nothing is written")
    func refusedByDefault() throws {
        let dir = try scratchDirectory()
        let data = try dir.write("d.csv", Self.data), m = try dir.write("m.csv", Self.margins)
        let r = try CLI.run(["calibrate", data, "--margins", m, "--method", "poststratify", "--weight", "w",
                             "--weight-column", "w", "-o", dir.appendingPathComponent("o.csv").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("already has a column 'w' (column 3)") && r.stderr.contains("--replace-weight-column"), "\(r.stderr)")
        #expect(!dir.exists("o.csv"))
    }

    @Test("with the flag, the column's values are replaced in place, every other byte kept (file read in chunks)")
    func replacedInPlaceStreamed() throws {
        let dir = try scratchDirectory()
        let data = try dir.write("d.csv", Self.data), m = try dir.write("m.csv", Self.margins)
        let r = try CLI.run(["calibrate", data, "--margins", m, "--method", "poststratify", "--weight", "w",
                             "--weight-column", "w", "--replace-weight-column", "-o", dir.appendingPathComponent("o.csv").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("o.csv")) == Data(Self.expected.utf8))
        #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == Data(Self.data.utf8), "input modified")
    }

    @Test("with the flag, the same bytes when DATA is a pipe (read whole)")
    func replacedInPlacePiped() throws {
        let dir = try scratchDirectory()
        let data = try dir.write("d.csv", Self.data), m = try dir.write("m.csv", Self.margins)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "cat \"$1\" | \"$2\" calibrate /dev/stdin --margins \"$3\" --method poststratify --weight w --weight-column w --replace-weight-column -o \"$4\"",
                       "sh", data, CLI.binary, m, dir.appendingPathComponent("o.csv").path]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(try Data(contentsOf: dir.appendingPathComponent("o.csv")) == Data(Self.expected.utf8))
    }

    @Test("a calibration variable cannot be replaced by the weights")
    func calibrationVariableRefused() throws {
        let dir = try scratchDirectory()
        let data = try dir.write("d.csv", Self.data), m = try dir.write("m.csv", Self.margins)
        let r = try CLI.run(["calibrate", data, "--margins", m, "--weight-column", "region", "--replace-weight-column",
                             "-o", dir.appendingPathComponent("o.csv").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("'region' is a calibration variable"), "\(r.stderr)")
        #expect(!dir.exists("o.csv"))
    }
}
