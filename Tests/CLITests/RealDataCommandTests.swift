import Foundation
import Testing
import WeightingTestSupport

/// `attrition` with waves that are not nested, and the real-data options of `estimate` (issue 14).
@Suite("weight-cli with real-data options")
struct RealDataCommandTests {
    /// 150 communes in wave 1 (maturity blank for every 25th); wave 2 keeps about half; wave 3 holds some of
    /// wave 2, some who skipped wave 2 (answered 1 and 3) and 6 newcomers.
    static func waves() -> (String, String, String) {
        var w1 = "id,region,taille,maturite\n", w2 = "id,region,taille,site\n", w3 = "id,region,taille,site\n"
        for i in 0..<150 {
            let region = ["Nord", "Sud", "Est"][i % 3], taille = ["petite", "grande"][(i / 3) % 2]
            let score = (i * 37) % 100
            w1 += "c\(i),\(region),\(taille),\(i % 25 == 7 ? "" : String(Double(score) / 10))\n"
            let inWave2 = score > 35 || i % 4 == 0
            if inWave2 { w2 += "c\(i),\(region),\(taille),\(i % 2 == 0 ? "oui" : "non")\n" }
            if (inWave2 && i % 5 != 0) || (!inWave2 && i % 3 == 1) { w3 += "c\(i),\(region),\(taille),\(i % 3 == 0 ? "oui" : "non")\n" }
        }
        for j in 0..<6 { w3 += "n\(j),\(["Nord", "Sud", "Est"][j % 3]),\(["petite", "grande"][j % 2]),oui\n" }
        return (w1, w2, w3)
    }

    func setUp() throws -> URL {
        let dir = try scratchDirectory()
        let (w1, w2, w3) = Self.waves()
        _ = try dir.write("v1.csv", w1)
        _ = try dir.write("v2.csv", w2)
        _ = try dir.write("v3.csv", w3)
        _ = try dir.write("m.csv", AttritionCommandTests.margins)
        return dir
    }

    /// `(id, region, weight)` of the rows of a weighted file whose first columns are `id,region`.
    func weights(_ text: String, column: Int) -> [(id: String, region: String, weight: Double)] {
        text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return (f[0], f[1], Double(f[column])!)
        }
    }

    @Test("every wave-3 respondent (stayers, skippers, newcomers) gets a positive weight and the wave meets the margins")
    func newcomersCombined() throws {
        let dir = try setUp()
        let r = try CLI.run(["attrition", "--wave1", "v1.csv", "--wave", "v2.csv", "--wave", "v3.csv", "--id", "id",
                             "--covariates", "region,taille,maturite", "--missing-covariates", "indicator", "--margins", "m.csv",
                             "--classes", "3", "--output-dir", "out", "--report", "out/r.md"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("wave 3: 6 respondent(s) without a wave-1 record combined with"))
        #expect(try dir.appendingPathComponent("out").read("r.md").contains("## Newcomers combined with the panel"))
        #expect(r.stderr.contains("covariate maturite: 6 missing value(s) replaced by the weighted mean"))
        let w3 = weights(try dir.appendingPathComponent("out").read("wave3_weighted.csv"), column: 4)
        #expect(w3.count == Self.waves().2.split(separator: "\n").count - 1)
        #expect(w3.allSatisfy { $0.weight > 0 })
        let total = w3.reduce(0) { $0 + $1.weight }, nord = w3.filter { $0.region == "Nord" }.reduce(0) { $0 + $1.weight }
        #expect(abs(total - 1000) < 1e-6 && abs(nord - 400) < 1e-6)
        #expect(w3.contains { $0.id == "n0" })
    }

    @Test("--newcomers exclude keeps weight 0 for them; a wave without the calibration variables cannot combine")
    func newcomersExcluded() throws {
        let dir = try setUp()
        let args = ["attrition", "--wave1", "v1.csv", "--wave", "v2.csv", "--wave", "v3.csv", "--id", "id",
                    "--covariates", "region,taille", "--margins", "m.csv", "--classes", "3", "--output-dir", "out"]
        let r = try CLI.run(args + ["--newcomers", "exclude"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try dir.appendingPathComponent("out").read("wave3_weighted.csv").contains("n0,Nord,petite,oui,0,0\n"))
        _ = try dir.write("v3.csv", "id,site\n" + (0..<12).map { "c\($0),oui\n" }.joined() + "new,oui\n")
        let bad = try CLI.run(args.map { $0 == "out" ? "out2" : $0 }, in: dir)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("v3.csv: wave 3 has 1 respondent(s) without a wave-1 record, and no column 'region'"))
        #expect(!dir.exists("out2/wave3_weighted.csv"))
    }

    @Test("--longitudinal 1,3 weights the wave-1 respondents present at wave 3, skippers included; 2,3 starts from wave 2")
    func longitudinalSets() throws {
        let dir = try setUp()
        let base = ["attrition", "--wave1", "v1.csv", "--wave", "v2.csv", "--wave", "v3.csv", "--id", "id",
                    "--covariates", "region,taille", "--margins", "m.csv", "--classes", "3"]
        let a = try CLI.run(base + ["--longitudinal", "1,3", "--output-dir", "a"], in: dir)
        #expect(a.status == 0, "\(a.stderr)")
        let (w1, w2, w3) = Self.waves()
        let ids = { (t: String) in Set(t.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }) }
        let in1and3 = ids(w1).intersection(ids(w3)), in2and3 = ids(w2).intersection(ids(w3))
        let la = weights(try dir.appendingPathComponent("a").read("longitudinal.csv"), column: 4)
        #expect(Set(la.map(\.id)) == in1and3)
        #expect(in1and3.contains { !ids(w2).contains($0) })  // skippers are in
        #expect(abs(la.reduce(0) { $0 + $1.weight } - 1000) < 1e-6)
        let b = try CLI.run(base + ["--longitudinal", "2,3", "--output-dir", "b"], in: dir)
        #expect(b.status == 0, "\(b.stderr)")
        let lb = weights(try dir.appendingPathComponent("b").read("longitudinal.csv"), column: 4)
        #expect(Set(lb.map(\.id)) == in2and3)
        #expect(lb.allSatisfy { $0.weight > 0 } && abs(lb.reduce(0) { $0 + $1.weight } - 1000) < 1e-6)
        let c = try CLI.run(base + ["--longitudinal", "1,4", "--output-dir", "c"], in: dir)
        #expect(c.status != 0 && c.stderr.contains("--longitudinal: wave 4 does not exist (3 waves given)"))
    }

    @Test("estimate states the interval method and the reliability verdict; --ci wald and --flags none on request")
    func estimateColumns() throws {
        let dir = try scratchDirectory()
        var data = "region,oui\n"
        for i in 0..<60 { data += "\(i < 3 ? "Guyane" : "Nord"),\(i < 3 || i % 3 == 0 ? "oui" : "non")\n" }
        _ = try dir.write("s.csv", data)
        let r = try CLI.run(["estimate", "s.csv", "--variables", "oui", "--by", "region"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let guyane = r.stdout.split(separator: "\n").first { $0.hasPrefix("oui,oui,region=Guyane") }.map(String.init) ?? ""
        #expect(guyane.contains(",korn-graubard,"))
        #expect(guyane.hasSuffix("suppressed: effective n 3.0 < 30; interval 0.708 wide ≥ 0.3; 2 degrees of freedom < 8; estimate of 100 %"))
        let wald = try CLI.run(["estimate", "s.csv", "--variables", "oui", "--by", "region", "--ci", "wald", "--flags", "none", "--format", "json"], in: dir)
        #expect(wald.status == 0)
        #expect(wald.stdout.contains("\"intervalMethod\" : \"wald\""))
        #expect(!wald.stdout.contains("suppressed"))
    }
}
