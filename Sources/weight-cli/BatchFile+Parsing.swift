import Foundation
import TOMLKit
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation
import Yams

extension BatchFile {
    /// Parses JSON, YAML or TOML by extension; errors name the file and, where the parser knows, line and column.
    static func read(_ path: String) throws -> BatchFile {
        // A UTF-8 byte-order mark is dropped first, so that the checks below see the first line as it is.
        let raw = try FileIO.readText(path)
        let text = raw.hasPrefix("\u{FEFF}") ? String(raw.dropFirst()) : raw
        let root: Any
        do {
            if path.hasSuffix(".json") {
                root = try JSONSerialization.jsonObject(with: Data(text.utf8))
            } else if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                try refuseNonScalarKeys(text, path: path)
                root = try Yams.load(yaml: text) ?? [:]
            } else if path.hasSuffix(".toml") {
                try refuseNonASCIIBareKeyInHeader(text, path: path)
                try refuseDateWithoutTime(text, path: path)
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

    /// TOML bare keys are ASCII letters, digits, `_` and `-` (TOML 1.0, "Keys"); toml++ (through TOMLKit) aborts
    /// on an assertion instead of reporting an error when the first key of a table header starts with another
    /// character: `[[éobs]]`, a control character, or the end of the line after `[` (found by
    /// `Tests/Fuzz/run.sh`, target batch-text), or is a third bracket (`[[["x"]`). Refuses such a header line,
    /// naming its line and column; only the first character after the brackets is checked, so a nested array on
    /// its own line (`  [1, 2],`) passes.
    static func refuseNonASCIIBareKeyInHeader(_ text: String, path: String) throws {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.first == "[" else { continue }
            // A table header opens with one or two brackets; a third one is refused below (toml++ asserts on it).
            let afterBrackets = trimmed.dropFirst(trimmed.hasPrefix("[[") ? 2 : 1)
            let key = afterBrackets.drop { $0 == " " || $0 == "\t" }
            let column = line.count - key.count + 1
            guard let c = key.first, c != "\r" else {
                throw BatchError.invalid("\(path):\(number + 1):\(column)", "the table header is not closed with ']' on its line")
            }
            let allowed = c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-" || c == "\"" || c == "'" || c == "]")
            if !allowed {
                let printable = !c.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.value == 0xFFFD }
                let shown = printable ? "'\(c)'" : c.unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined(separator: " ")
                throw BatchError.invalid("\(path):\(number + 1):\(column)",
                                         "\(shown) in a table name: bare keys are ASCII letters, digits, '_' and '-'; quote the name (\"...\")")
            }
        }
    }

    /// toml++ also aborts on an assertion when a date is followed by the time separator `T` (or `t`) and then by
    /// anything but a digit (`name = 1979-05-27T°7:32:00Z`, found by the batch-text fuzz target). Refuses such a
    /// value, naming its line and column. Text inside quoted strings and comments is not looked at.
    static func refuseDateWithoutTime(_ text: String, path: String) throws {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let chars = Array(line.unicodeScalars)
            var quote: Unicode.Scalar? = nil
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if let q = quote {
                    if c == "\\" && q == "\"" { i += 2; continue }
                    if c == q { quote = nil }
                    i += 1
                    continue
                }
                if c == "\"" || c == "'" { quote = c; i += 1; continue }
                if c == "#" { break }
                // YYYY-MM-DD followed by T or t, at the start of a token.
                let startsToken = i == 0 || !(chars[i - 1].properties.isAlphabetic || ("0"..."9").contains(chars[i - 1]))
                if startsToken, i + 10 < chars.count,
                   (0..<10).allSatisfy({ k in k == 4 || k == 7 ? chars[i + k] == "-" : ("0"..."9").contains(chars[i + k]) }),
                   chars[i + 10] == "T" || chars[i + 10] == "t" {
                    let next = i + 11 < chars.count ? chars[i + 11] : nil
                    if !(next.map { ("0"..."9").contains($0) } ?? false) {
                        throw BatchError.invalid("\(path):\(number + 1):\(i + 12)",
                                                 "a date-time needs its time after 'T' as HH:MM:SS (e.g. 1979-05-27T07:32:00Z); quote the value if it is text")
                    }
                }
                i += 1
            }
        }
    }

    /// Yams's default constructor force-unwraps a mapping key as text and crashes when a key is a list or a
    /// mapping (`- *a: 1` with an anchored mapping, `{[1]: 2}`; found by the batch-text fuzz target). The file is
    /// composed first and such a key refused, naming its line and column.
    static func refuseNonScalarKeys(_ text: String, path: String) throws {
        guard let root = try Yams.compose(yaml: text) else { return }
        var pending = [root]
        while let node = pending.popLast() {
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    guard key.scalar != nil else {
                        let at = (key.mark ?? mapping.mark).map { ":\($0.line):\($0.column)" } ?? ""
                        throw BatchError.invalid("\(path)\(at)", "a key must be plain text, not a list or a mapping")
                    }
                    pending.append(value)
                }
            case .sequence(let sequence):
                pending.append(contentsOf: sequence)
            default:
                break
            }
        }
    }
}
