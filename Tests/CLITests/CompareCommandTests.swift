import Foundation
import WeightingTestSupport
import Testing

@Suite("weight-cli compare and HTML reports")
struct CompareCommandTests {
    @Test("compare lists raw and weighted values sorted by shift, flags raw values outside the interval")
    func compareCSV() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", EstimateCommandTests.data)
        try dir.write("m.csv", EstimateCommandTests.margins)
        let r = try CLI.run(["compare", "s.csv", "--variables", "oui,score", "--margins", "m.csv", "--format", "csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0] == "variable,level,domain,statistic,raw,weighted,se,ci_low,ci_high,shift,raw_outside_ci,n,note,missing,ci_method,reliability")
        let shifts = lines.dropFirst().map { abs(Double($0.split(separator: ",", omittingEmptySubsequences: false)[9])!) }
        #expect(shifts == shifts.sorted(by: >))
        #expect(lines.count == 4)
    }

    @Test("HTML reports are self-contained: inline SVG charts, no script, no external resource")
    func htmlReports() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", EstimateCommandTests.data)
        try dir.write("m.csv", EstimateCommandTests.margins)
        let a = try CLI.run(["compare", "s.csv", "--variables", "oui,score", "--margins", "m.csv", "--format", "html", "-o", "c.html"], in: dir)
        let b = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "--output", "w.csv", "--report", "r.html"], in: dir)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        for file in ["c.html", "r.html"] {
            let html = try dir.read(file)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(!html.contains("<script"))
            #expect(!html.contains("http://") || html.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") })
            #expect(html.contains("class=\"chart histogram\""))
            #expect(html.contains("class=\"chart margins\""))
            #expect(html.contains("class=\"chart trace\""))
        }
        #expect(try dir.read("c.html").contains("class=\"chart comparison\""))
    }
}

@Suite("weight-cli demo, simulate, inspect")
struct DemoCommandTests {
    @Test("demo prints the table and writes its files; simulate writes three waves and the truth")
    func demoAndSimulate() throws {
        let dir = try scratchDirectory()
        let r = try CLI.run(["demo", "--output-dir", dir.appendingPathComponent("demo").path], in: CLI.repositoryRoot)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("SIMULATED data"))
        #expect(r.stdout.contains("wave 2 - outils numériques internes"))
        #expect(r.stdout.contains("weighted closer to the truth than raw: "))
        for f in ["vague1.csv", "vague2.csv", "vague3.csv", "verite.csv", "rapport.html"] { #expect(dir.exists("demo/\(f)")) }
        let s = try CLI.run(["simulate", "--output-dir", dir.appendingPathComponent("sim").path, "--seed", "5"], in: CLI.repositoryRoot)
        #expect(s.status == 0, "\(s.stderr)")
        #expect(try dir.read("sim/verite.csv").hasPrefix("indicator,wave,theme,published_raw,population_rate,small_rate,large_rate\n"))
        #expect(dir.exists("sim/population.csv"))
        let i = try CLI.run(["inspect", dir.appendingPathComponent("sim/vague1.csv").path])
        #expect(i.status == 0)
        #expect(i.stdout.contains("region: 18 levels"))
        #expect(i.stdout.contains("type: 4 levels"))
    }
}
