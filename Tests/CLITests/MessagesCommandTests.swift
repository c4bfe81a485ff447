import Foundation
import WeightingTestSupport
import Testing

/// Issue 11, items 5, 6 and 10 end to end: the built binary never writes NaN or infinity, refuses weight-column
/// names and tolerances it could not honour, and says what went wrong in words a user can act on.
@Suite("weight-cli messages, names and undefined values")
struct MessagesCommandTests {
    static let data = "id,region,taille,d\n1,Nord,petite,10\n2,Nord,grande,12\n3,Sud,petite,9\n4,Sud,grande,11\n5,Sud,petite,10\n"
    static let margins = "variable,level,target\nregion,Nord,60\nregion,Sud,40\ntaille,petite,70\ntaille,grande,30\n"

    @Test("a lone-CR file is calibrated and copied byte for byte, each line ending with CR as in the input")
    func loneCRCalibrate() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data.replacingOccurrences(of: "\n", with: "\r"))
        try dir.write("m.csv", Self.margins)
        let cr = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "-o", "cr.csv"], in: dir)
        #expect(cr.status == 0, "\(cr.stderr)")
        try dir.write("l.csv", Self.data)
        let lf = try CLI.run(["calibrate", "l.csv", "--margins", "m.csv", "-o", "lf.csv"], in: dir)
        #expect(lf.status == 0)
        let out = try dir.read("cr.csv")
        #expect(out == (try dir.read("lf.csv")).replacingOccurrences(of: "\n", with: "\r"))
        #expect(out.hasPrefix("id,region,taille,d,weight\r1,Nord,petite,10,"))
    }

    @Test("the weight column name: empty, padded, invisible or already in the data is refused before any work",
          arguments: [("", "must not be empty or blank"), ("  ", "must not be empty or blank"),
                      (" region ", "starts or ends with a space; header names are trimmed when read, so use 'region'"),
                      ("w\u{A0}", "'w\\u{A0}' holds a control or invisible character"),
                      ("taille", "s.csv already has a column 'taille' (column 3)")])
    func weightColumnName(name: String, message: String) throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data)
        try dir.write("m.csv", Self.margins)
        let r = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "--weight-column", name, "-o", "o.csv"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!dir.exists("o.csv"))
    }

    @Test("a well-formed weight column name is written and read back by weight-cli")
    func weightColumnRoundTrip() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data)
        try dir.write("m.csv", Self.margins)
        #expect(try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "--weight-column", "poids final", "-o", "o.csv"], in: dir).status == 0)
        let r = try CLI.run(["estimate", "o.csv", "--variables", "region", "--weight", "poids final"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let nord = r.stdout.split(separator: "\n").first { $0.hasPrefix("region,Nord,,") }.map { $0.split(separator: ",", omittingEmptySubsequences: false)[3] }
        #expect(abs((nord.flatMap { Double($0) } ?? 0) - 0.6) < 1e-9)
    }

    @Test("tolerances that are NaN, infinite or negative are refused by every command that takes them",
          arguments: [["calibrate", "s.csv", "--margins", "m.csv", "--margin-tolerance", "nan"],
                      ["calibrate", "s.csv", "--margins", "m.csv", "--margin-tolerance=-1e-6"],
                      ["calibrate", "s.csv", "--margins", "m.csv", "--tolerance", "inf"],
                      ["calibrate", "s.csv", "--margins", "m.csv", "--tolerance", "nan"],
                      ["compare", "s.csv", "--variables", "region", "--margins", "m.csv", "--margin-tolerance", "nan"]])
    func tolerances(args: [String]) throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data)
        try dir.write("m.csv", Self.margins)
        let r = try CLI.run(args + ["-o", "o.csv"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("must be a finite number ≥ 0"), "\(r.stderr)")
        #expect(!dir.exists("o.csv"))
    }

    @Test("a margin tolerance of NaN no longer switches the totals check off")
    func nanToleranceDoesNotHideInconsistentTotals() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", Self.data)
        try dir.write("m.csv", Self.margins.replacingOccurrences(of: "grande,30", with: "grande,31"))
        let r = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "--margin-tolerance", "nan"], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
    }

    @Test("an output folder that is a file is said in plain words with exit 3, never NSCocoaErrorDomain")
    func outputFolderIsAFile() throws {
        let dir = try scratchDirectory()
        let wave1 = "id,region,taille\n" + (0..<40).map { "\($0),\(["Nord", "Sud"][$0 % 2]),\(["petite", "grande"][($0 / 2) % 2])" }.joined(separator: "\n") + "\n"
        try dir.write("w1.csv", wave1)
        try dir.write("w2.csv", "id\n" + (0..<40).filter { $0 % 3 != 0 }.map(String.init).joined(separator: "\n") + "\n")
        try dir.write("m.csv", Self.margins)
        try dir.write("taken", "a file\n")
        let r = try CLI.run(["attrition", "--wave1", "w1.csv", "--wave", "w2.csv", "--id", "id", "--covariates", "region,taille",
                             "--margins", "m.csv", "--output-dir", "taken/sub"], in: dir)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("cannot write taken/sub"), "\(r.stderr)")
        #expect(!r.stderr.contains("NSCocoaErrorDomain") && !r.stderr.contains("Error Domain"), "\(r.stderr)")
        #expect(try dir.read("taken") == "a file\n")
    }

    @Test("a batch file that is not valid JSON is said in plain words, never as NSCocoaErrorDomain text")
    func badJSONBatch() throws {
        let dir = try scratchDirectory()
        try dir.write("b.json", "{\"jobs\": [\n {\"command\": \"calibrate\",, }]}\n")
        let r = try CLI.run(["batch", "b.json"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("b.json: cannot parse: "), "\(r.stderr)")
        #expect(!r.stderr.contains("NSCocoaErrorDomain") && !r.stderr.contains("Error Domain"), "\(r.stderr)")
    }

    @Test("a 10 MB level is cut in the message: the message stays under a kilobyte")
    func giantLevel() throws {
        let dir = try scratchDirectory()
        let giant = String(repeating: "S", count: 10_000_000)
        try dir.write("s.csv", Self.data.replacingOccurrences(of: "3,Sud", with: "3,\(giant)"))
        try dir.write("m.csv", Self.margins)
        let r = try CLI.run(["calibrate", "s.csv", "--margins", "m.csv", "-o", "o.csv"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.utf8.count < 1024, "message of \(r.stderr.utf8.count) bytes")
        #expect(r.stderr.contains("… (10000000 characters)' of region"))
    }

    @Test("JSON output of a one-record domain under replicate variance has se null, and the note names the domain")
    func undefinedInJSON() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", "region,x\nA,1\nA,2\nB,3\nC,4\nC,5\n")
        let r = try CLI.run(["estimate", "s.csv", "--variables", "x", "--by", "region", "--variance", "jk1", "--format", "json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        let b = rows.first { ($0["domain"] as? String) == "region=B" }!
        #expect(b["se"] is NSNull)
        #expect((b["estimate"] as? Double) == 3)
        #expect(r.stderr.contains("s.csv: se of 'x' in domain region=B is undefined"))
        #expect(!r.stdout.lowercased().contains("nan"))
    }
}
