import Foundation
import WeightingTestSupport
import Testing

/// Executes every cell of the literate notebooks in `Notebooks-as-text/` and compares each output with the one
/// recorded under it. `sh` cells run in the repository root with the built `weight-cli` first on the PATH;
/// `swift` cells (```swift cell=NAME) are the bodies of functions in `NotebookCells.swift`, compiled with the
/// tests: the notebook's code must equal the function's code, and the function's printed output the recorded
/// one. Re-record with `NOTEBOOKS_UPDATE=1 swift test --filter Notebook`.
///
/// A command cell runs under `set -eo pipefail`: any failing command, in a pipeline too, ends it with that
/// command's status. The status must be the one the cell declares (```` ```sh exit=2 ````; 0 when it declares
/// none), also when re-recording, so a notebook cannot record a failure as its example. Constructs that would
/// hide a status or an error line are refused: `||` (as in `|| true`), and standard error sent into a
/// pipeline (`2>&1 |`, `|&`), where a filter (`head`, `grep`, `cut`, ...) could drop the error message.
@Suite("Notebooks-as-text", .serialized)
struct NotebookTests {
    static let folder = CLI.repositoryRoot.appendingPathComponent("Notebooks-as-text")
    static let update = ProcessInfo.processInfo.environment["NOTEBOOKS_UPDATE"] == "1"

    static var notebooks: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
    }

    struct Cell {
        var kind: String       // "sh" or "swift"
        var name: String?
        var expectedExit: Int32 = 0  // ```sh exit=N
        var code: String
        var output: String?
        var outputRange: Range<Int>?  // line range of the output block's content
    }

    /// Fenced blocks: a code block, then (after blank lines) its ```output block.
    static func cells(_ lines: [String]) -> [Cell] {
        var out: [Cell] = []
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if line.hasPrefix("```sh") || line.hasPrefix("```swift cell=") {
                let kind = line.hasPrefix("```sh") ? "sh" : "swift"
                let name = kind == "swift" ? String(line.dropFirst("```swift cell=".count)).trimmingCharacters(in: .whitespaces) : nil
                var j = i + 1
                var code: [String] = []
                while j < lines.count && lines[j] != "```" { code.append(lines[j]); j += 1 }
                var cell = Cell(kind: kind, name: name, code: code.joined(separator: "\n"))
                if kind == "sh", let r = line.range(of: "exit=") {
                    cell.expectedExit = Int32(line[r.upperBound...].prefix { $0.isNumber }) ?? -1
                }
                var k = j + 1
                while k < lines.count && lines[k].trimmingCharacters(in: .whitespaces).isEmpty { k += 1 }
                if k < lines.count && lines[k] == "```output" {
                    var m = k + 1
                    var body: [String] = []
                    while m < lines.count && lines[m] != "```" { body.append(lines[m]); m += 1 }
                    cell.output = body.joined(separator: "\n")
                    cell.outputRange = (k + 1)..<m
                    i = m
                } else {
                    i = j
                }
                out.append(cell)
            }
            i += 1
        }
        return out
    }

    /// Why a command cell could hide a failing status or the error line, or nil.
    static func hidingConstruct(_ code: String) -> String? {
        if code.contains("||") { return "`||` turns a failing status into success: declare the status with ```sh exit=N instead" }
        if code.contains("|&") || code.range(of: #"2>&1\s*\|"#, options: .regularExpression) != nil {
            return "standard error sent into a pipeline, where a filter can drop the error message"
        }
        return nil
    }

    func runShell(_ code: String) throws -> (output: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "set -eo pipefail\n" + code + "\n"]
        p.currentDirectoryURL = CLI.repositoryRoot
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        p.environment = env
        let file = try scratchDirectory().appendingPathComponent("out")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try handle.close()
        var text = try String(contentsOf: file, encoding: .utf8)
        while text.hasSuffix("\n") { text.removeLast() }
        if p.terminationStatus != 0 { text += "\n[exit \(p.terminationStatus)]" }
        return (text, p.terminationStatus)
    }

    @Test("there are at least five notebooks")
    func five() { #expect(Self.notebooks.count >= 5) }

    @Test("a command cell's declared exit status is read from its fence, 0 when absent")
    func declaredStatus() {
        let cells = Self.cells(["```sh exit=2", "false", "```", "", "```output", "[exit 2]", "```", "```sh", "true", "```"])
        #expect(cells.map(\.expectedExit) == [2, 0])
    }

    @Test("filters and fallbacks that hide a status or an error line are refused",
          arguments: ["weight-cli calibrate a.csv || true", "weight-cli x 2>&1 | cut -c1-80", "weight-cli x |& head -1",
                      "weight-cli batch j.yaml | sed s/a/b/ || echo \"exit code $?\""])
    func hidingConstructsAreRefused(_ code: String) {
        #expect(Self.hidingConstruct(code) != nil)
    }

    @Test("a failing command in a pipeline gives the cell its status")
    func pipelineFailureIsSeen() throws {
        let (output, status) = try runShell("printf 'a\\nb\\n' | grep -c a\nfalse | head -1\necho never")
        #expect(status == 1)
        #expect(output == "1\n[exit 1]")
    }

    @Test("every cell runs and prints what the notebook records", arguments: NotebookTests.notebooks)
    func notebook(_ name: String) throws {
        let url = Self.folder.appendingPathComponent(name)
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        let cells = Self.cells(lines)
        #expect(!cells.isEmpty)
        #expect(cells.contains { $0.kind == "sh" } && cells.contains { $0.kind == "swift" }, "\(name) mixes command and Swift cells")
        try FileManager.default.createDirectory(at: CLI.repositoryRoot.appendingPathComponent("out/notebooks"), withIntermediateDirectories: true)
        var replacements: [(Range<Int>, [String])] = []
        for cell in cells {
            let actual: String
            if cell.kind == "sh" {
                #expect(Self.hidingConstruct(cell.code) == nil, "\(name): \(Self.hidingConstruct(cell.code) ?? ""):\n\(cell.code)")
                let (output, status) = try runShell(cell.code)
                #expect(status == cell.expectedExit,
                        "\(name): the cell exits with \(status) but declares \(cell.expectedExit) (```sh exit=N):\n\(cell.code)\n\(output)")
                actual = output
            } else {
                let name = try #require(cell.name)
                let source = try #require(NotebookCells.source(of: name), "no function for swift cell '\(name)' in NotebookCells.swift")
                #expect(source == cell.code, "swift cell '\(name)' differs from NotebookCells.swift")
                actual = try NotebookCells.run(name)
            }
            if Self.update {
                if let r = cell.outputRange { replacements.append((r, actual.components(separatedBy: "\n"))) }
            } else {
                let recorded = try #require(cell.output, "cell without a recorded ```output block in \(name):\n\(cell.code)")
                #expect(actual == recorded, "\(name): output differs for\n\(cell.code)")
            }
        }
        if Self.update && !replacements.isEmpty {
            for (range, new) in replacements.reversed() { lines.replaceSubrange(range, with: new) }
            try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        }
    }
}
