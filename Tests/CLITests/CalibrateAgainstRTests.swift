import Foundation
import WeightingTestSupport
import Testing

/// `weight-cli calibrate`, end to end (chunked reading, calibration, streamed copy), reproduces the weights of
/// R survey's `postStratify`, `rake` and `calibrate` for the 17 cases of
/// `Tests/WeightingTests/Fixtures/calibration` (made by its `make_fixtures.R`; R is not needed to run this).
@Suite("weight-cli calibrate against R survey")
struct CalibrateAgainstRTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var data: String
        var weight: String?
        var margins: String
        var method: String
        var bounds: [Double]?
        var expected: String
        var testDescription: String { name }
    }

    static let folder = CLI.repositoryRoot.appendingPathComponent("Tests/WeightingTests/Fixtures/calibration")

    static let cases: [Case] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("cases.json")),
              let cases = try? JSONDecoder().decode([Case].self, from: data) else { return [] }
        return cases
    }()

    @Test("all 17 R cases are present")
    func casesArePresent() {
        #expect(Self.cases.count == 17)
    }

    @Test("the written weight column equals R's to 1e-8 relative, every other column unchanged", arguments: cases)
    func matchesR(_ c: Case) throws {
        let dir = try scratchDirectory()
        let out = dir.appendingPathComponent("out.csv").path
        var args = ["calibrate", c.data, "--margins", c.margins, "--method", c.method, "--weight-column", "w_cli",
                    "--tolerance", "1e-13", "--max-iterations", "1000", "-o", out, "--quiet"]
        if let w = c.weight { args += ["--weight", w] }
        if let b = c.bounds { args += ["--bounds", "\(b[0]),\(b[1])"] }
        let r = try CLI.run(args, in: Self.folder)
        #expect(r.status == 0, "\(r.stderr)")
        guard r.status == 0 else { return }
        let written = BundledMarginsTests.parseCSV(try String(contentsOfFile: out, encoding: .utf8))
        let input = BundledMarginsTests.parseCSV(try String(contentsOf: Self.folder.appendingPathComponent(c.data), encoding: .utf8))
        let expected = BundledMarginsTests.parseCSV(try String(contentsOf: Self.folder.appendingPathComponent(c.expected), encoding: .utf8))
        #expect(written.count == input.count)
        #expect(written.first?.last == "w_cli")
        var worst = 0.0
        for (k, row) in written.enumerated() where k > 0 {
            #expect(Array(row.dropLast()) == input[k], "row \(k) changed")
            let got = Double(row.last!)!, want = Double(expected[k][0])!
            worst = max(worst, abs(got - want) / max(1, abs(want)))
        }
        #expect(worst < 1e-8, "largest relative difference from R: \(worst)")
    }
}
