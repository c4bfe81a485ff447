import Foundation
import WeightingTestSupport
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
                             "--classes", "3", "--replicates", "20", "--newcomers", "exclude", "--output-dir", "out", "--report", "out/r.json"], in: dir)
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

    // MARK: - Bootstrap replicates on real-size panels

    /// Weighted totals by level of `column` for each `rep_` column of a longitudinal file.
    static func replicateTotals(_ text: String, column: String) -> (replicates: [String], totals: [[String: Double]], values: [[Double]]) {
        let lines = text.split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let c = header.firstIndex(of: column)!
        let reps = header.indices.filter { header[$0].hasPrefix("rep_") }
        var totals = [[String: Double]](repeating: [:], count: reps.count)
        var values = [[Double]](repeating: [], count: reps.count)
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (k, j) in reps.enumerated() {
                let w = Double(f[j]) ?? .nan
                totals[k][f[c], default: 0] += w
                values[k].append(w)
            }
        }
        return (reps.map { header[$0] }, totals, values)
    }

    /// The targets of one variable in a margins file.
    static func targets(_ path: String, variable: String) throws -> [String: Double] {
        var out: [String: Double] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            if f[0] == variable { out[String(f[1])] = Double(f[2])! }
        }
        return out
    }

    /// Runs `attrition --replicates` on three waves and checks every replicate against the population margins
    /// (raking meets them exactly, so each replicate's total by region and by size class must equal the target).
    func checkReplicatesMeetMargins(wave1: String, wave2: String, wave3: String, margins: String, id: String,
                                    replicates: Int, in dir: URL, covariates: String = "taille,score_maturite,site_web",
                                    calibrateToWave1: String = "score_maturite,site_web", marginVariables: [String] = ["region", "taille"]) throws {
        let args = ["attrition", "--wave1", wave1, "--wave", wave2, "--wave", wave3, "--id", id,
                    "--covariates", covariates, "--margins", margins,
                    "--calibrate-to-wave1", calibrateToWave1, "--replicates", "\(replicates)", "--seed", "7",
                    "--output-dir", "out"]
        let r = try CLI.run(args, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let text = try dir.appendingPathComponent("out").read("longitudinal.csv")
        for variable in marginVariables {
            let target = try Self.targets(margins.hasPrefix("/") ? margins : dir.appendingPathComponent(margins).path, variable: variable)
            let (names, totals, values) = Self.replicateTotals(text, column: variable)
            #expect(names == (1...replicates).map { "rep_\($0)" })
            for (k, t) in totals.enumerated() {
                #expect(values[k].allSatisfy { $0.isFinite && $0 >= 0 }, "\(names[k])")
                for (level, n) in target where n > 0 {
                    let got = t[level] ?? 0
                    #expect(abs(got - n) <= 1e-6 * n, "\(names[k]) \(variable)=\(level): \(got) for \(n)")
                }
            }
        }
        // Replicates differ from one another (a bootstrap, not copies of the full-sample weights).
        let (_, _, values) = Self.replicateTotals(text, column: "region")
        #expect(Set(values.map { $0.prefix(50).map { ($0 * 1e6).rounded() } }).count == replicates)
        // The same seed gives the same replicates.
        let again = try scratchDirectory()
        for f in [wave1, wave2, wave3, margins] where !f.hasPrefix("/") {
            try FileManager.default.copyItem(at: dir.appendingPathComponent(f), to: again.appendingPathComponent(f))
        }
        #expect(try CLI.run(args, in: again).status == 0)
        #expect(try again.appendingPathComponent("out").read("longitudinal.csv") == text)
    }

    @Test("--replicates on the bundled barometer waves: every replicate is calibrated to the population margins")
    func replicatesOnBundledWaves() throws {
        // Wave 2 keeps 1 to 3 communes of six small regions: most raw bootstrap draws empty one of them.
        let root = CLI.repositoryRoot.appendingPathComponent("data")
        let dir = try scratchDirectory()
        try checkReplicatesMeetMargins(wave1: root.appendingPathComponent("sample/barometre_vague1.csv").path,
                                       wave2: root.appendingPathComponent("sample/barometre_vague2.csv").path,
                                       wave3: root.appendingPathComponent("sample/barometre_vague3.csv").path,
                                       margins: root.appendingPathComponent("margins/communes_region_taille.csv").path,
                                       id: "code_insee", replicates: 12, in: dir)
    }

    @Test("--replicates on the simulated barometer (weight-cli simulate): every replicate is calibrated to the margins")
    func replicatesOnSimulatedPanel() throws {
        let root = CLI.repositoryRoot.appendingPathComponent("data")
        let dir = try scratchDirectory()
        let sim = try CLI.run(["simulate", "--frame", root.appendingPathComponent("frame/collectivites.csv").path,
                               "--seed", "2026", "--output-dir", "."], in: dir)
        #expect(sim.status == 0, "\(sim.stderr)")
        try FileManager.default.copyItem(at: root.appendingPathComponent("margins/collectivites/collectivites_type.csv"), to: dir.appendingPathComponent("m.csv"))
        try checkReplicatesMeetMargins(wave1: "vague1.csv", wave2: "vague2.csv", wave3: "vague3.csv", margins: "m.csv",
                                       id: "id", replicates: 8, in: dir, covariates: "log_population,site_web",
                                       calibrateToWave1: "log_population,site_web", marginVariables: ["type"])
    }

    @Test("a replicate that cannot be calibrated is named, with exit code 2 and no output")
    func replicateCalibrationFailure() throws {
        // Five regions of two respondents each, with targets of 20 (g = 10 in the full sample, within the logit
        // bounds [0.5, 12]): a resample keeps both respondents' weight only when their two bootstrap counts add
        // to 2 or more (probability about 0.59 each, so about 0.07 for all five); with one count the region
        // needs g near 20, beyond U. Fewer than one resample in ten can be calibrated, so the replicates are
        // refused rather than redrawn (that would condition on a rare event).
        let dir = try scratchDirectory()
        var w1 = "id,region,taille\n", w2 = "id,region,taille,site\n"
        let regions = "ABCDE".flatMap { [String($0), String($0)] } + Array(repeating: "Z", count: 110)
        for (i, region) in regions.enumerated() {
            let taille = ["petite", "grande"][i % 2]
            w1 += "c\(i),\(region),\(taille)\n"
            if region != "Z" || i % 3 != 0 { w2 += "c\(i),\(region),\(taille),\(i % 2 == 0 ? "oui" : "non")\n" }
        }
        try dir.write("v1.csv", w1)
        try dir.write("v2.csv", w2)
        try dir.write("m.csv", "variable,level,target\n" + "ABCDE".map { "region,\($0),20\n" }.joined() + "region,Z,900\n")
        let r = try CLI.run(["attrition", "--wave1", "v1.csv", "--wave", "v2.csv", "--id", "id", "--covariates", "taille",
                             "--margins", "m.csv", "--method", "logit", "--bounds", "0.5,12", "--replicates", "20",
                             "--output-dir", "out"], in: dir)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("of 20: the wave-1 calibration failed: these targets cannot be reached within the bounds"), "\(r.stderr)")
        #expect(r.stderr.contains("error: bootstrap replicate "), "\(r.stderr)")
        #expect(!dir.exists("out/longitudinal.csv") && !dir.exists("out/wave1_weighted.csv"))
    }

    @Test("the replicates' standard error of a wave-1 answer calibrated to its wave-1 total equals the wave-1 estimate's linearized one")
    func replicateStandardErrorMatchesWave1() throws {
        // Two-phase calibration reproduces the wave-1 estimate of site_web exactly in every replicate, so the
        // replicate SE of the longitudinal estimate must be the SE of the raked wave-1 estimate (Taylor
        // linearization, computed independently by `estimate`), up to the bootstrap's Monte Carlo error
        // (about 1/sqrt(2(R-1)) = 11 % for R = 40).
        let root = CLI.repositoryRoot.appendingPathComponent("data")
        let dir = try scratchDirectory()
        let w1 = root.appendingPathComponent("sample/barometre_vague1.csv").path
        let m = root.appendingPathComponent("margins/communes_region_taille.csv").path
        let r = try CLI.run(["attrition", "--wave1", w1, "--wave", root.appendingPathComponent("sample/barometre_vague2.csv").path,
                             "--id", "code_insee", "--covariates", "taille,score_maturite,site_web", "--margins", m,
                             "--calibrate-to-wave1", "score_maturite,site_web", "--replicates", "40", "--seed", "11",
                             "--output-dir", "out"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        func se(_ args: [String]) throws -> Double {
            let e = try CLI.run(["estimate"] + args + ["--variables", "site_web"], in: dir)
            let row = e.stdout.split(separator: "\n").first { $0.hasPrefix("site_web,oui,") }!
            return Double(row.split(separator: ",", omittingEmptySubsequences: false)[4])!
        }
        let replicate = try se(["out/longitudinal.csv", "--weight", "weight", "--variance", "replicates",
                                "--replicate-columns", "rep_", "--replicate-type", "bootstrap"])
        let linearized = try se([w1, "--margins", m, "--method", "raking"])
        #expect(abs(replicate / linearized - 1) < 0.3, "replicate SE \(replicate), linearized wave-1 SE \(linearized)")
    }
}
