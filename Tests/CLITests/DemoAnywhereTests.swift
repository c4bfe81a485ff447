import Foundation
import Testing
import WeightingTestSupport

/// `weight-cli demo` and `simulate` find their frame and margins without the repository: they are bundled as
/// resources of the WeightingSimulation module, copies of files of `data/`.
@Suite("demo and simulate from any folder")
struct DemoAnywhereTests {
    @Test("demo run in an empty folder outside the repository succeeds and writes its files there")
    func demoInEmptyFolder() throws {
        let dir = try scratchDirectory()
        let r = try CLI.run(["demo", "--output-dir", "out"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("weighted closer to the truth than raw:"))
        for f in ["vague1.csv", "vague2.csv", "vague3.csv", "verite.csv", "rapport.html", "evolution.html"] { #expect(dir.exists("out/\(f)")) }
        // Nothing else was read from or written to the current folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out"])
    }

    @Test("simulate run in an empty folder gives the same waves as from the repository")
    func simulateInEmptyFolder() throws {
        let dir = try scratchDirectory()
        let here = try CLI.run(["simulate", "--output-dir", dir.appendingPathComponent("a").path, "--seed", "7"], in: dir)
        let there = try CLI.run(["simulate", "--output-dir", dir.appendingPathComponent("b").path, "--seed", "7",
                                 "--frame", "data/frame/collectivites.csv"], in: CLI.repositoryRoot)
        #expect(here.status == 0 && there.status == 0, "\(here.stderr)\(there.stderr)")
        for f in ["vague1.csv", "vague2.csv", "vague3.csv", "verite.csv"] {
            #expect(try dir.read("a/\(f)") == dir.read("b/\(f)"), "\(f)")
        }
    }

    @Test("the bundled frame and margins are byte-for-byte copies of data/", arguments: [
        "frame/collectivites.csv", "margins/collectivites/collectivites_region_strate.csv",
        "margins/communes_region_x_taille.csv", "margins/communes_region_taille.csv",
    ])
    func bundledCopiesEqualData(name: String) throws {
        let root = CLI.repositoryRoot
        let bundled = try Data(contentsOf: root.appendingPathComponent("Sources/WeightingSimulation/Resources/data/\(name)"))
        let data = try Data(contentsOf: root.appendingPathComponent("data/\(name)"))
        #expect(bundled == data)
    }
}
