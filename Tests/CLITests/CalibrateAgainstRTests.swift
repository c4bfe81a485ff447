import Foundation
import WeightingTestSupport
import Testing

/// `weight-cli calibrate`, end to end (chunked reading, calibration, streamed copy), reproduces the weights of
/// R survey's `postStratify`, `rake` and `calibrate` for every case of the one set of golden fixtures,
/// `Tests/WeightingTests/Fixtures/golden`: the 16 API and barometer cases of `cases.csv` (made by
/// `make_golden.R`, also read by the library's GoldenTests) and the 4 communes cases of `communes_cases.json`
/// (made by `make_communes_cases.R`). R is not needed to run this.
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

    static let folder = CLI.repositoryRoot.appendingPathComponent("Tests/WeightingTests/Fixtures/golden")

    static let cases: [Case] = apiAndBarometerCases + communesCases

    /// The rows of `cases.csv`: name, data, weight (empty: none), margins, method, bounds ("L,U" or empty); the
    /// expected weights are `expected_<name>.csv`.
    static let apiAndBarometerCases: [Case] = {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("cases.csv"), encoding: .utf8) else { return [] }
        let rows = BundledMarginsTests.parseCSV(text)
        guard let header = rows.first else { return [] }
        func column(_ name: String) -> Int { header.firstIndex(of: name) ?? -1 }
        let (n, d, w, m, me, b) = (column("name"), column("data"), column("weight"), column("margins"), column("method"), column("bounds"))
        return rows.dropFirst().filter { $0.count == header.count }.map { r in
            let bounds = r[b].isEmpty ? nil : r[b].split(separator: ",").compactMap { Double($0) }
            return Case(name: r[n], data: r[d], weight: r[w].isEmpty ? nil : r[w], margins: r[m], method: r[me],
                        bounds: bounds, expected: "expected_\(r[n]).csv")
        }
    }()

    static let communesCases: [Case] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("communes_cases.json")),
              let cases = try? JSONDecoder().decode([Case].self, from: data) else { return [] }
        return cases
    }()

    @Test("all 20 R cases are present: 16 API and barometer cases, 4 communes cases")
    func casesArePresent() {
        #expect(Self.apiAndBarometerCases.count == 16)
        #expect(Self.communesCases.count == 4)
        for c in Self.cases {
            #expect(FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent(c.expected).path), "\(c.expected)")
        }
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
