import Foundation
import Testing

@Suite("weight-cli attrition")
struct AttritionCommandTests {
    /// 120 communes in wave 1; about half stay, more often when mature.
    static func waves() -> (String, String, String) {
        var w1 = "id,region,taille,maturite\n", w2 = "id,region,taille,site\n", w3 = "id,site\n"
        for i in 0..<120 {
            let region = ["Nord", "Sud", "Est"][i % 3], taille = ["petite", "grande"][(i / 3) % 2]
            let maturite = Double((i * 37) % 100) / 10
            w1 += "c\(i),\(region),\(taille),\(maturite)\n"
            if (i * 37) % 100 > 35 || i % 4 == 0 {
                w2 += "c\(i),\(region),\(taille),\(i % 2 == 0 ? "oui" : "non")\n"
                if i % 5 != 0 { w3 += "c\(i),\(i % 3 == 0 ? "oui" : "non")\n" }
            }
        }
        w3 += "nouveau1,oui\n"
        return (w1, w2, w3)
    }
    static let margins = "variable,level,target\nregion,Nord,400\nregion,Sud,350\nregion,Est,250\ntaille,petite,700\ntaille,grande,300\n"

    func setUp() throws -> URL {
        let dir = try scratchDirectory()
        let (w1, w2, w3) = Self.waves()
        try dir.write("v1.csv", w1)
        try dir.write("v2.csv", w2)
        try dir.write("v3.csv", w3)
        try dir.write("m.csv", Self.margins)
        return dir
    }

    @Test("writes per-wave, longitudinal and replicate weights; later waves reproduce the margins; newcomers get weight 0")
    func endToEnd() throws {
        let dir = try setUp()
        let r = try CLI.run(["attrition", "--wave1", "v1.csv", "--wave", "v2.csv", "--wave", "v3.csv", "--id", "id",
                             "--covariates", "region,taille,maturite", "--margins", "m.csv", "--calibrate-to-wave1", "maturite",
                             "--classes", "3", "--replicates", "20", "--output-dir", "out", "--report", "out/r.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("1 without a wave-1 record (weight 0)"))
        let long = try dir.appendingPathComponent("out").read("longitudinal.csv").split(separator: "\n")
        #expect(long[0].hasPrefix("id,region,taille,maturite,weight,rep_1,"))
        var nord = 0.0, total = 0.0
        for line in long.dropFirst() {
            let f = line.split(separator: ",")
            let w = Double(f[4])!
            total += w
            if f[1] == "Nord" { nord += w }
        }
        #expect(abs(total - 1000) < 1e-6 && abs(nord - 400) < 1e-6)
        let w3 = try dir.appendingPathComponent("out").read("wave3_weighted.csv")
        #expect(w3.contains("nouveau1,oui,0,0\n"))
        let report = try JSONSerialization.jsonObject(with: Data(try dir.appendingPathComponent("out").read("r.json").utf8)) as! [String: Any]
        #expect((report["waves"] as! [Any]).count == 2)
    }

    @Test("error paths name the problem", arguments: [
        ("unknown id column", ["--id", "code"], "no column named 'code'"),
        ("covariate missing in wave 1", ["--covariates", "region,age"], "no column named 'age'"),
        ("no later wave", ["--wave", ""], "cannot read"),
    ])
    func errors(name: String, args: [String], message: String) throws {
        let dir = try setUp()
        var base = ["attrition", "--wave1", "v1.csv", "--wave", "v2.csv", "--id", "id", "--covariates", "region,taille",
                    "--margins", "m.csv", "--output-dir", "out"]
        for pair in stride(from: 0, to: args.count, by: 2) {
            if let i = base.firstIndex(of: args[pair]), args[pair] != "--wave" { base[i + 1] = args[pair + 1] } else { base += [args[pair], args[pair + 1]] }
        }
        let r = try CLI.run(base, in: dir)
        #expect(r.status != 0, "\(name)")
        #expect(r.stderr.contains(message), "\(name): \(r.stderr)")
        #expect(!dir.exists("out/longitudinal.csv"))
    }

    @Test("duplicated identifiers within a wave are refused with both lines")
    func duplicateIds() throws {
        let dir = try setUp()
        try dir.write("v2.csv", "id,region,taille,site\nc1,Sud,petite,oui\nc2,Est,petite,non\nc1,Sud,petite,oui\n")
        let r = try CLI.run(["attrition", "--wave1", "v1.csv", "--wave", "v2.csv", "--id", "id", "--covariates", "region",
                             "--margins", "m.csv", "--output-dir", "out"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("wave 2: identifier 'c1' appears more than once (v2.csv:2:1 (column 'id'), v2.csv:4:1 (column 'id'))"))
    }

    @Test("perfect separation in the response model is reported with the level")
    func separation() throws {
        let dir = try setUp()
        // Every 'grande' commune stays.
        let (w1, _, _) = Self.waves()
        var w2 = "id,site\n"
        for (i, line) in w1.split(separator: "\n").dropFirst().enumerated() where line.contains("grande") || i % 7 == 0 {
            w2 += "\(line.split(separator: ",")[0]),oui\n"
        }
        try dir.write("v2.csv", w2)
        let r = try CLI.run(["attrition", "--wave1", "v1.csv", "--wave", "v2.csv", "--id", "id", "--covariates", "taille",
                             "--margins", "m.csv", "--output-dir", "out"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("perfect separation"), "\(r.stderr)")
        #expect(r.stderr.contains("taille=petite") || r.stderr.contains("taille=grande"))
    }
}
