import Foundation
import WeightingTestSupport
import Testing

@Suite("weight-cli estimate")
struct EstimateCommandTests {
    static let data: String = {
        var s = "id,region,taille,oui,score,w\n"
        let regions = ["Nord", "Sud", "Est"], sizes = ["petite", "grande"]
        for i in 0..<60 {
            let answer = (i * 7) % 5 < 2 ? "oui" : "non"
            s += "\(i),\(regions[i % 3]),\(sizes[(i / 3) % 2]),\(answer),\(Double(i % 11) + 0.5),\(1 + Double(i % 4))\n"
        }
        return s
    }()
    static let margins = "variable,level,target\nregion,Nord,400\nregion,Sud,350\nregion,Est,250\ntaille,petite,700\ntaille,grande,300\n"

    @Test("CSV output has the contract's columns in order, one row per level and domain")
    func csvContract() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data)
        let r = try CLI.run(["estimate", "s.csv", "--variables", "oui,score", "--weight", "w", "--by", "region"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("variable,level,domain,estimate,se,ci_low,ci_high,deff,n,"))
        #expect(lines.count == 1 + 3 * 2 + 3)
        #expect(lines.contains { $0.hasPrefix("oui,oui,region=Est,") })
        #expect(lines.contains { $0.hasPrefix("score,,region=Nord,") })
    }

    @Test("with margins the data is calibrated first; JSON and Markdown formats")
    func calibratedFormats() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data)
        try dir.write("m.csv", Self.margins)
        let r = try CLI.run(["estimate", "s.csv", "--variables", "oui", "--margins", "m.csv", "--ci", "logit",
                             "--format", "json", "--output", "e.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(try dir.read("e.json").utf8)) as! [[String: Any]]
        #expect(json.count == 2)
        let md = try CLI.run(["estimate", "s.csv", "--variables", "score", "--format", "md"], in: dir)
        #expect(md.stdout.contains("| score |  |  | mean |"))
    }

    @Test("bootstrap replicates are reproducible from the seed and can be written and read back")
    func replicatesRoundTrip() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data)
        try dir.write("m.csv", Self.margins)
        let args = ["estimate", "s.csv", "--variables", "score", "--margins", "m.csv", "--variance", "bootstrap",
                    "--replicates", "30", "--seed", "7"]
        let a = try CLI.run(args + ["--write-replicates", "reps.csv"], in: dir)
        let b = try CLI.run(args, in: dir)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout)
        let header = try dir.read("reps.csv").split(separator: "\n")[0]
        #expect(header.hasSuffix(",weight," + (1...30).map { "rep_\($0)" }.joined(separator: ",")))
        // Read back the already calibrated replicates: same standard error.
        let c = try CLI.run(["estimate", "reps.csv", "--variables", "score", "--weight", "weight", "--variance", "replicates",
                             "--replicate-columns", "rep_", "--replicate-type", "bootstrap"], in: dir)
        #expect(c.status == 0, "\(c.stderr)")
        let se = { (s: String) in s.split(separator: "\n")[1].split(separator: ",")[4] }
        #expect(se(a.stdout) == se(c.stdout))
    }

    @Test("errors: unknown variable, lonely PSU, wrong option values", arguments: [
        (["--variables", "nope"], "no column named 'nope'", Int32(1)),
        (["--variables", "score", "--strata", "id"], "has only one PSU", Int32(1)),
        (["--variables", "score", "--statistic", "median"], "--statistic must be", Int32(1)),
        (["--variables", "oui", "--statistic", "quantile"], "is not numeric", Int32(1)),
        (["--variables", "score", "--variance", "brr"], "BRR needs exactly 2 PSUs per stratum", Int32(1)),
        (["--variables", "score", "--level", "95"], "--level must be between 0 and 1", Int32(1)),
    ])
    func errors(arguments: [String], message: String, status: Int32) throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data)
        let r = try CLI.run(["estimate", "s.csv"] + arguments, in: dir)
        #expect(r.status == status)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }
}
