import Foundation
import WeightingTestSupport
import Testing

@Suite("weight-cli calibrate")
struct CalibrateCommandTests {
    static let data = """
        id,region,taille,pop
        1,Nord,petite,120
        2,Nord,grande,5000
        3,Sud,petite,300
        4,Sud,petite,80
        5,Sud,grande,12000
        6,Nord,petite,50

        """
    static let margins = """
        variable,level,target
        region,Nord,60
        region,Sud,40
        taille,petite,70
        taille,grande,30

        """

    @Test("writes every input row unchanged plus a weight column that meets the margins")
    func rakingEndToEnd() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data)
        try dir.write("m.csv", Self.margins)
        let r = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "--output", "out.csv", "--report", "r.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try dir.read("out.csv").split(separator: "\n").map(String.init)
        let input = Self.data.split(separator: "\n").map(String.init)
        #expect(lines.count == input.count)
        #expect(lines[0] == input[0] + ",weight")
        var nord = 0.0, petite = 0.0
        for (k, line) in lines.dropFirst().enumerated() {
            #expect(line.hasPrefix(input[k + 1] + ","))
            let w = Double(line.split(separator: ",").last!)!
            if line.contains("Nord") { nord += w }
            if line.contains("petite") { petite += w }
        }
        #expect(abs(nord - 60) < 1e-8 && abs(petite - 70) < 1e-8)
        let report = try JSONSerialization.jsonObject(with: Data(try dir.read("r.json").utf8)) as! [String: Any]
        #expect(report["converged"] as? Bool == true)
        #expect((report["constraints"] as! [Any]).count == 4)
    }

    @Test("writes to standard output without --output, and a Markdown report")
    func stdoutAndMarkdown() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data)
        try dir.write("m.csv", Self.margins)
        let r = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "--method", "linear", "--weight-column", "w",
                             "--report", "r.md"], in: dir)
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("id,region,taille,pop,w\n1,Nord,petite,120,"))
        #expect(try dir.read("r.md").contains("| region=Nord | 60.00 |"))
    }

    @Test("bad input exits 1 with a located message and leaves no output file")
    func badInput() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data.replacingOccurrences(of: "3,Sud,petite,300", with: "3,Sud,petite"))
        try dir.write("m.csv", Self.margins)
        let r = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "--output", "out.csv"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("s.csv:4: expected 4 fields"))
        #expect(!dir.exists("out.csv"))
    }

    @Test("infeasible bounds exit 2 and keep the previous output intact")
    func infeasibleKeepsPreviousOutput() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data)
        try dir.write("m.csv", Self.margins)
        try dir.write("out.csv", "previous\n")
        let r = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "--method", "logit", "--bounds", "0.9,1.1",
                             "--output", "out.csv"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot be reached within the bounds"))
        #expect(try dir.read("out.csv") == "previous\n")
    }

    @Test("an unreadable input exits 3; writing over the input is refused")
    func ioErrors() throws {
        let dir = try scratchDirectory()
        try dir.write("m.csv", Self.margins)
        let r = try CLI.run(["calibrate", "missing.csv", "--margins", "m.csv"], in: dir)
        #expect(r.status == 3)
        #expect(r.stderr.contains("cannot read missing.csv"))
        try dir.write("s.csv", Self.data)
        let r2 = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "--output", "s.csv"], in: dir)
        #expect(r2.status != 0)
        #expect(r2.stderr.contains("also an input file"))
        #expect(try dir.read("s.csv") == Self.data)
        let r3 = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "--output", "no/such/dir/out.csv"], in: dir)
        #expect(r3.status == 3)
    }

    @Test("option errors exit non-zero with usage help", arguments: [
        (["--method", "magic"], "--method must be one of"),
        (["--method", "logit"], "needs --bounds"),
        (["--method", "raking", "--bounds", "0.5,2"], "--bounds applies to --method logit or truncated"),
        (["--method", "logit", "--bounds", "0.5"], "--bounds takes two numbers"),
        (["--targets", "shares"], "needs --population"),
    ])
    func optionErrors(extra: [String], message: String) throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data)
        try dir.write("m.csv", Self.margins)
        let r = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv"] + extra, in: dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }
}
