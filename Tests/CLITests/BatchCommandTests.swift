import Foundation
import WeightingTestSupport
import Testing

@Suite("weight-cli batch")
struct BatchCommandTests {
    static let margins = "variable,level,target\nregion,Nord,400000\nregion,Sud,350000\nregion,Est,250000\ntaille,petite,700000\ntaille,grande,300000\n"

    /// A file of `rows` records with region, taille and an indicator; deterministic.
    static func data(rows: Int, seed: Int) -> String {
        var s = "id,region,taille,oui\n"
        s.reserveCapacity(rows * 24)
        var x = UInt64(seed) &* 0x9E3779B97F4A7C15 | 1
        for i in 0..<rows {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            let region = ["Nord", "Sud", "Est"][Int(x % 3)]
            let taille = (x >> 8) % 3 == 0 ? "grande" : "petite"
            s += "\(i),\(region),\(taille),\((x >> 16) % 2)\n"
        }
        return s
    }

    @Test("50 files of 20,000 rows: every job runs, a failing job does not stop the others, the summary is right")
    func fiftyFilesWithAFailure() throws {
        let dir = try scratchDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("in"), withIntermediateDirectories: true)
        for k in 0..<50 { try dir.write("in/f\(String(format: "%02d", k)).csv", Self.data(rows: 20_000, seed: k + 1)) }
        try dir.write("in/broken.csv", "id,region\n1,Atlantis\n")
        try dir.write("m.csv", Self.margins)
        try dir.write("jobs.yaml", """
            jobs:
              - name: weights
                command: calibrate
                inputs: ["in/*.csv"]
                output: "out/{stem}-w.csv"
                options: { margins: m.csv, method: raking }
              - name: estimates
                command: estimate
                inputs: ["in/f00.csv"]
                output: "out/{stem}-est.csv"
                options: { variables: oui, by: region }
            """)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        let r = try CLI.run(["batch", "jobs.yaml"], in: dir)
        #expect(r.status == 1, "\(r.stderr)")
        let summary = r.stdout.split(separator: "\n").map(String.init)
        #expect(summary.last == "51 ok, 1 failed")
        let ok = summary.filter { $0.hasPrefix("| weights | in/f") && $0.contains("| ok | ") }
        #expect(ok.count == 50)
        #expect(ok.allSatisfy { $0.contains("| 20000 |") })
        #expect(summary.contains { $0.hasPrefix("| weights | in/broken.csv | failed (1) |") })
        #expect(r.stderr.contains("no column named 'taille'"))
        for k in [0, 17, 49] { #expect(dir.exists("out/f\(String(format: "%02d", k))-w.csv")) }
        #expect(dir.exists("out/f00-est.csv") && !dir.exists("out/broken-w.csv"))
    }

    @Test("--dry-run validates the whole file first and lists the command lines; errors name the job", arguments: [
        ("jobs.json", #"{"jobs": [{"command": "calibrate", "inputs": ["a*.csv"], "options": {"margins": "m.csv"}}]}"#, 0, "1 task(s) in 1 job(s)"),
        ("jobs.toml", "[[jobs]]\ncommand = \"calibrate\"\ninputs = [\"a*.csv\"]\noptions = { margins = \"m.csv\", method = \"magic\" }\n", 1, "--method must be one of"),
        ("jobs.toml", "[[jobs]]\ncommand = \"calibrate\"\ninputs = [\"nothing*.csv\"]\n", 1, "no file matches 'nothing*.csv'"),
        ("jobs.yaml", "jobs:\n  - command: reweigh\n    inputs: [a.csv]\n", 1, "unknown command 'reweigh'"),
        ("jobs.toml", "[[jobs]\ncommand = 1\n", 1, "jobs.toml:1:"),
        ("jobs.yaml", "jobs:\n  - command: calibrate\n    inptus: [a.csv]\n", 1, "unknown key 'inptus'"),
    ])
    func dryRun(file: String, text: String, status: Int32, message: String) throws {
        let dir = try scratchDirectory()
        try dir.write("a.csv", Self.data(rows: 50, seed: 3))
        try dir.write("m.csv", Self.margins)
        try dir.write(file, text)
        let r = try CLI.run(["batch", file, "--dry-run"], in: dir)
        #expect(r.status == status, "\(r.stderr)")
        #expect((r.stdout + r.stderr).contains(message), "\(r.stdout)\(r.stderr)")
        #expect(!dir.exists("a-w.csv"))
    }
}
