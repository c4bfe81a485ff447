import Foundation
import Testing
import WeightingTestSupport

/// Every output of `weight-cli change` says how many respondents of each wave were left out of an indicator
/// because its value is missing (#14: analysis variables state their missing counts in every output).
@Suite("change: missing values of the analysis variables are counted in every output")
struct ChangeMissingValuesTests {
    /// The corpus's long file with two wave-1 and one wave-2 values of `y` blanked.
    static func setUp() throws -> URL {
        let dir = try scratchDirectory()
        let source = CLI.repositoryRoot.appendingPathComponent("Tests/CLITests/BadInputs/files/change-long.csv")
        var lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blanked = [1: 0, 2: 0]
        for k in 1..<lines.count where !lines[k].isEmpty {
            var f = lines[k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let wave = Int(f[0])!
            if blanked[wave]! < (wave == 1 ? 2 : 1) {
                f[3] = ""
                blanked[wave]! += 1
                lines[k] = f.joined(separator: ",")
            }
        }
        try dir.write("long.csv", lines.joined(separator: "\n"))
        return dir
    }

    static let args = ["change", "--long", "long.csv", "--wave-column", "vague", "--id", "id", "--weight", "w",
                       "--variables", "y"]

    @Test("CSV: missing1 and missing2 count the blanked values; the means leave them out")
    func csvCounts() throws {
        let dir = try Self.setUp()
        let r = try CLI.run(Self.args, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0], row = lines[1]
        let value = Dictionary(uniqueKeysWithValues: zip(header, row))
        #expect(value["missing1"] == "2" && value["missing2"] == "1", "\(value)")
        // The wave-1 mean over the records with a value, computed here from the file.
        var sy = 0.0, sw = 0.0, wave1Records = 0
        for line in try String(contentsOf: dir.appendingPathComponent("long.csv"), encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            if f[0] == "1" { wave1Records += 1 }
            guard f[0] == "1", let y = Double(f[3]) else { continue }
            sy += Double(f[5])! * y
            sw += Double(f[5])!
        }
        #expect(abs(Double(value["estimate1"]!)! - sy / sw) < 1e-12)
        #expect(Int(value["n1"]!)! + 2 == wave1Records, "\(value)")
    }

    @Test("JSON and Markdown carry the same counts")
    func jsonAndMarkdown() throws {
        let dir = try Self.setUp()
        let json = try CLI.run(Self.args + ["--format", "json"], in: dir)
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        let change = rows[0]["change"] as! [String: Any]
        #expect((change["wave1"] as! [String: Any])["missing"] as? Int == 2)
        #expect((change["wave2"] as! [String: Any])["missing"] as? Int == 1)
        let md = try CLI.run(Self.args + ["--format", "md"], in: dir)
        #expect(md.status == 0, "\(md.stderr)")
        #expect(md.stdout.contains("| linked | missing |"))
        #expect(md.stdout.contains(" | 2 / 1 | "), "\(md.stdout)")
    }
}
