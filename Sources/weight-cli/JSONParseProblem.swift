import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

/// A JSON parse error from Foundation said in plain words: what the parser found and where (line and column
/// computed from the byte offset it reports), never `Error Domain=NSCocoaErrorDomain Code=3840 …`.
enum JSONParseProblem {
    /// `line:column: what` for a `JSONSerialization` error on `text`, or `nil` when the error is not one.
    static func message(for error: Error, in text: String) -> String? {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain, ns.code == CocoaError.propertyListReadCorrupt.rawValue else { return nil }
        let what = (ns.userInfo[NSDebugDescriptionErrorKey] as? String).map { Echo.text($0) } ?? "the text is not valid JSON"
        guard let offset = ns.userInfo["NSJSONSerializationErrorIndex"] as? Int else { return what }
        var line = 1, column = 1
        for (k, byte) in text.utf8.enumerated() {
            if k >= offset { break }
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return "\(line):\(column): \(what)"
    }
}
