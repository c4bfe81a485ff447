import Weighting
import WeightingIO
import Foundation

/// JSON text of a report or table, with every NaN or infinite number written as `null`.
///
/// `JSONEncoder` refuses non-finite numbers (`EncodingError.invalidValue … Unable to encode Double.nan`), so a
/// single undefined standard error would make the whole output fail. Here each non-finite number is first
/// encoded as a string token unique to the call (a random UUID, which no user value can equal), and that token,
/// quotes included, is then replaced by `null`. Keys are sorted and the output pretty-printed, so outputs diff
/// cleanly.
public enum ReportJSON {
    /// Pretty-printed JSON of `value` ending with a line feed; non-finite numbers are `null`.
    public static func encode(_ value: some Encodable) throws -> String {
        let token = "undefined-" + UUID().uuidString
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: token, negativeInfinity: token, nan: token)
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        return text.replacingOccurrences(of: "\"\(token)\"", with: "null") + "\n"
    }
}
