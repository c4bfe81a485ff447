import Foundation
import WeightingTestSupport
import Testing

/// Every error path of `calibrate`: message fragment and exit code, and no output file left behind.
@Suite("weight-cli calibrate error paths")
struct CalibrateErrorTests {
    static let data = "id,region,taille,d\n1,Nord,petite,10\n2,Nord,grande,12\n3,Sud,petite,9\n4,Sud,grande,11\n5,Sud,petite,10\n"
    static let margins = "variable,level,target\nregion,Nord,60\nregion,Sud,40\ntaille,petite,70\ntaille,grande,30\n"

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var data: String? = nil
        var dataBytes: [UInt8]? = nil
        var margins: String? = nil
        var args: [String] = []
        var status: Int32
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "sample level missing from the margins", margins: "variable,level,target\nregion,Nord,60\nregion,Est,40\n",
             status: 1, message: "'Sud' of region (3 record(s), first at s.csv:4"),
        Case(name: "margin level without respondent",
             margins: "variable,level,target\nregion,Nord,55\nregion,Sud,40\nregion,Ouest,5\ntaille,petite,70\ntaille,grande,30\ntaille,moyenne,0\n",
             status: 1, message: "region=Ouest (target 5)"),
        Case(name: "inconsistent totals", margins: "variable,level,target\nregion,Nord,60\nregion,Sud,40\ntaille,petite,70\ntaille,grande,31\n",
             status: 1, message: "imply different population sizes (region: 100; taille: 101)"),
        Case(name: "unknown margin variable", margins: "variable,level,target\nsexe,F,50\nsexe,M,50\n",
             status: 1, message: "no column named 'sexe'"),
        Case(name: "unknown weight column", args: ["--weight", "poids"], status: 1, message: "no column named 'poids'"),
        Case(name: "zero base weight", data: data.replacingOccurrences(of: "3,Sud,petite,9", with: "3,Sud,petite,0"),
             args: ["--weight", "d"], status: 1, message: "s.csv:4:4 (column 'd'): base weight '0' is not a positive"),
        Case(name: "missing base weight", data: data.replacingOccurrences(of: "3,Sud,petite,9", with: "3,Sud,petite,NA"),
             args: ["--weight", "d"], status: 1, message: "base weight 'missing'"),
        Case(name: "non-numeric base weight", data: data.replacingOccurrences(of: "3,Sud,petite,9", with: "3,Sud,petite,neuf"),
             args: ["--weight", "d"], status: 1, message: "s.csv:4:4 (column 'd'): 'neuf' is not a number"),
        Case(name: "missing calibration value", data: data.replacingOccurrences(of: "3,Sud,petite", with: "3,,petite"),
             status: 1, message: "'region' is missing for 1 record(s), first at s.csv:4"),
        Case(name: "Latin-1 data", dataBytes: Array("id,region,taille\n1,".utf8) + [0x4E, 0xE9] + Array(",petite\n".utf8),
             status: 1, message: "s.csv:2:4: byte 0xE9 is not valid UTF-8"),
        Case(name: "empty data file", data: "", status: 1, message: "s.csv: the file is empty"),
        Case(name: "header only", data: "id,region,taille\n", status: 1, message: "no data rows"),
        Case(name: "duplicate margin row", margins: margins + "region,Nord,60\n", status: 1, message: "margin row region=Nord already given on line 2"),
        Case(name: "negative target", margins: "variable,level,target\nregion,Nord,-60\nregion,Sud,40\n", status: 1, message: "is negative"),
        Case(name: "infeasible bounds", args: ["--method", "logit", "--bounds", "0.95,1.05"], status: 2,
             message: "cannot be reached within the bounds"),
        Case(name: "non-convergence", args: ["--method", "logit", "--bounds", "0.01,100", "--max-iterations", "1"],
             status: 2, message: "did not converge in 1 iterations"),
        Case(name: "trimming incompatible with margins", args: ["--trim-weights", ",15"], status: 2,
             message: "cannot be reached within the bounds"),
        Case(name: "post-stratification on two margins", args: ["--method", "poststratify"], status: 1,
             message: "post-stratification takes one categorical margin"),
        Case(name: "bad report extension", args: ["--report", "r.txt"], status: 1, message: "--report must end in .json, .md or .html"),
        Case(name: "shares not summing to one", margins: "variable,level,target\nregion,Nord,0.5\nregion,Sud,0.4\n",
             args: ["--targets", "shares", "--population", "100"], status: 1, message: "shares of margin 'region' sum to 0.9"),
    ]

    @Test("fails with the documented code and message, leaving no output", arguments: CalibrateErrorTests.cases)
    func errorPath(_ c: Case) throws {
        let dir = try scratchDirectory()
        if let bytes = c.dataBytes {
            try Data(bytes).write(to: dir.appendingPathComponent("s.csv"))
        } else {
            try dir.write("s.csv", c.data ?? Self.data)
        }
        try dir.write("m.csv", c.margins ?? Self.margins)
        let r = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "--output", "out.csv"] + c.args, in: dir)
        #expect(r.status == c.status, "\(c.name): \(r.stderr)")
        #expect(r.stderr.contains(c.message), "\(c.name): \(r.stderr)")
        #expect(!dir.exists("out.csv"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }
}
