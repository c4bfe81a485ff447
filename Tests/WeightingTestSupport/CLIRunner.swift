import Foundation

/// Runs the built `weight-cli` binary and captures its output and exit status.
public enum CLI {
    /// The binary: `$WEIGHT_CLI`, else next to the test bundle, else `.build/debug/weight-cli`.
    public static let binary: String = {
        if let env = ProcessInfo.processInfo.environment["WEIGHT_CLI"] { return env }
        var candidates: [URL] = []
        let bundleDir = Bundle.main.bundleURL
        candidates.append(bundleDir.appendingPathComponent("weight-cli"))
        candidates.append(bundleDir.deletingLastPathComponent().appendingPathComponent("weight-cli"))
        candidates.append(repositoryRoot.appendingPathComponent(".build/debug/weight-cli"))
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) { return c.path }
        return candidates.last!.path
    }()

    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// What a run of the binary gave.
    public struct Result {
        /// The exit status.
        public var status: Int32
        /// Standard output.
        public var stdout: String
        /// Standard error.
        public var stderr: String
    }

    /// Runs the CLI with arguments in a working directory, with `environment` added to the test's own.
    @discardableResult
    public static func run(_ arguments: [String], in directory: URL? = nil,
                           environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        // Capture into files (no pipe can fill up and block the child).
        let capture = try scratchDirectory()
        let outURL = capture.appendingPathComponent("stdout"), errURL = capture.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try out.close()
        try err.close()
        let outData = try Data(contentsOf: outURL), errData = try Data(contentsOf: errURL)
        try? FileManager.default.removeItem(at: capture)
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A fresh temporary folder for one test.
public func scratchDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("weight-cli-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

extension URL {
    /// Writes text to a file in this folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let url = appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Reads a file in this folder as text.
    public func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: appendingPathComponent(name)), as: UTF8.self)
    }

    /// Whether a file exists in this folder.
    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: appendingPathComponent(name).path) }
}
