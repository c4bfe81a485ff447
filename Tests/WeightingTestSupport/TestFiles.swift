import Foundation

/// `|a − b| / max(1, |b|)`.
public func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(1, abs(b)) }

/// Writes text to a fresh temporary file and returns its path.
public func temporaryFile(_ text: String, name: String = "data.csv") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("weighting-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
}

/// Writes raw bytes to a fresh temporary file and returns its path.
public func temporaryFile(bytes: [UInt8], name: String = "data.csv") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("weighting-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

/// The error's description, or "no error".
public func errorText(_ body: () throws -> Void) -> String {
    do { try body(); return "no error" } catch let e as CustomStringConvertible { return e.description } catch { return "\(error)" }
}
