import Weighting
/// The kinds of data file weight-cli reads and writes: delimited text, and the files of SPSS, Stata and SAS
/// (read and written through ReadStat).
public enum DataFileFormat: String, Sendable, CaseIterable {
    /// Delimited text (`,`, `;`, tab or `|`).
    case csv
    /// SPSS system file (uncompressed or row-compressed).
    case sav
    /// SPSS system file with zlib compression.
    case zsav
    /// SPSS portable file.
    case por
    /// Stata data file (versions 104 to 119).
    case dta
    /// SAS data set.
    case sas7bdat
    /// SAS transport file (XPORT).
    case xpt

    /// The format an extension names (case-insensitive), or `nil` for an extension that names none of them
    /// (`.txt`, `.tsv` and files without an extension are read as delimited text by ``of(_:forced:)``).
    public init?(extensionOf path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...].lowercased()
        switch ext {
        case "csv", "tsv", "txt": self = .csv
        case "xport": self = .xpt
        default:
            guard let f = DataFileFormat(rawValue: ext) else { return nil }
            self = f
        }
    }

    /// The format of a file: the one forced by an option, else the one its extension names, else delimited text.
    public static func of(_ path: String, forced: DataFileFormat? = nil) -> DataFileFormat {
        forced ?? DataFileFormat(extensionOf: path) ?? .csv
    }

    /// Whether the file is one of the statistical packages' formats (read through ReadStat).
    public var isStatistical: Bool { self != .csv }

    /// The software whose conventions the format follows (formats, missing values): files of one family can
    /// exchange display formats and user-missing definitions.
    public var family: Family {
        switch self {
        case .csv: return .text
        case .sav, .zsav, .por: return .spss
        case .dta: return .stata
        case .sas7bdat, .xpt: return .sas
        }
    }

    /// The statistical package a format belongs to.
    public enum Family: Sendable { case text, spss, stata, sas }
}
