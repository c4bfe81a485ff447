import Foundation
import WeightingTestSupport
import Testing

/// A regular file is read twice in chunks; a pipe can be read only once and is read whole. Both must give the
/// same output.
@Suite("weight-cli calibrate from a pipe")
struct CalibratePipeTests {
    @Test("data read from /dev/stdin gives the same weighted file as the file itself")
    func pipeEqualsFile() throws {
        let dir = try scratchDirectory()
        var text = "id;region;taille\n"
        for i in 0..<300 { text += "\(i);\(["Nord", "Sud", "\"Est;Ouest\""][i % 3]);\(i % 4 == 0 ? "grande" : "petite")\n" }
        try dir.write("data.csv", text)
        try dir.write("m.csv", "variable,level,target\nregion,Nord,500\nregion,Sud,300\nregion,Est;Ouest,200\ntaille,petite,700\ntaille,grande,300\n")
        let fromFile = try CLI.run(["calibrate", "data.csv", "--margins", "m.csv", "-o", "file.csv"], in: dir)
        #expect(fromFile.status == 0, "\(fromFile.stderr)")

        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["calibrate", "/dev/stdin", "--margins", "m.csv", "-o", "pipe.csv", "--quiet"]
        p.currentDirectoryURL = dir
        let pipe = Pipe()
        p.standardInput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        pipe.fileHandleForWriting.write(Data(text.utf8))
        try pipe.fileHandleForWriting.close()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let file = try dir.read("file.csv"), piped = try dir.read("pipe.csv")
        #expect(piped == file)
        #expect(file.hasPrefix("id;region;taille;weight\n"))
        #expect(file.split(separator: "\n").count == 301)
    }
}
