import Weighting

/// A text field as a delimited file writes it: the one CSV quoting routine of Weighting's outputs.
public enum CSVField {
    /// The field, quoted (RFC 4180: in double quotes, inner quotes doubled) when it holds the delimiter, a double
    /// quote, a line feed or a carriage return; unchanged otherwise.
    public static func quoted(_ s: String, delimiter: UInt8 = UInt8(ascii: ",")) -> String {
        guard s.utf8.contains(where: { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
