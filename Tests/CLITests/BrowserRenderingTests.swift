import Foundation
import WeightingTestSupport
import Testing

/// Loads the HTML reports in headless Chromium (Debian's `chromium`, which `bash scripts/test.sh` installs when
/// missing) and asserts on the DOM the browser built: every chart is there with its marks, and the page logged
/// nothing to the console. Without Chromium the tests fail (they are never skipped).
@Suite("HTML reports in a real browser")
struct BrowserRenderingTests {
    /// Chromium on the PATH (Debian installs /usr/bin/chromium).
    static let browser: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin"] {
            for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }()

    func chromium(_ args: [String]) throws -> (String, String) {
        let browser = try #require(Self.browser, "Chromium is not installed: run `bash scripts/test.sh` (it installs Debian's chromium) or `apt-get install chromium`")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: browser)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"] + args
        let dir = try scratchDirectory()
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        p.waitUntilExit()
        return (try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
    }

    @Test("the compare report renders its charts with one mark per indicator and no console message")
    func compareReport() throws {
        let dir = try scratchDirectory()
        try dir.write("s.csv", EstimateCommandTests.data)
        try dir.write("m.csv", EstimateCommandTests.margins)
        let r = try CLI.run(["compare", "s.csv", "--variables", "oui,score", "--margins", "m.csv", "--format", "html", "-o", "c.html"], in: dir)
        #expect(r.status == 0)
        let (dom, console) = try chromium(["--dump-dom", dir.appendingPathComponent("c.html").absoluteString])
        #expect(dom.components(separatedBy: "<svg").count - 1 == 5)  // proportions, score, margins, weights, convergence
        #expect(dom.components(separatedBy: "class=\"weighted\"").count - 1 == 3)
        #expect(dom.components(separatedBy: "class=\"raw\"").count - 1 == 3)
        #expect(dom.contains("class=\"chart trace\""))
        #expect(!console.contains("CONSOLE"))
        let shot = dir.appendingPathComponent("c.png")
        _ = try chromium(["--screenshot=\(shot.path)", "--window-size=1000,1200", dir.appendingPathComponent("c.html").absoluteString])
        #expect(((try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0) > 10_000)
    }
}
