import Foundation
import TOMLKit
import Weighting
import Yams

extension BatchFile {
    /// Parses JSON, YAML or TOML by extension; errors name the file and, where the parser knows, line and column.
    static func read(_ path: String) throws -> BatchFile {
        let text = try FileIO.readText(path)
        let root: Any
        do {
            if path.hasSuffix(".json") {
                root = try JSONSerialization.jsonObject(with: Data(text.utf8))
            } else if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                root = try Yams.load(yaml: text) ?? [:]
            } else if path.hasSuffix(".toml") {
                let table = try TOMLTable(string: text)
                root = try JSONSerialization.jsonObject(with: Data(table.convert(to: .json).utf8))
            } else {
                throw BatchError.invalid(path, "unknown batch file type: use .json, .yaml, .yml or .toml")
            }
        } catch let e as TOMLParseError {
            throw BatchError.invalid("\(path):\(e.source.begin.line):\(e.source.begin.column)", e.description)
        } catch let e as BatchError {
            throw e
        } catch {
            // Never Foundation's "Error Domain=NSCocoaErrorDomain Code=3840" text: what was found, and where.
            let plain = JSONParseProblem.message(for: error, in: text) ?? String(describing: error)
            throw BatchError.invalid(path, "cannot parse: \(plain)")
        }
        return try interpret(root, path: path)
    }
}
