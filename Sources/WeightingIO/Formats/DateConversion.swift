import Weighting
/// Dates and date-times moved between statistical packages, whose clocks differ: SPSS counts seconds from
/// 1582-10-14 (the Gregorian calendar's first day), Stata days (`%td`) or milliseconds (`%tc`) from 1960-01-01,
/// SAS days (`DATE9.` and the other date formats) or seconds (`DATETIME.`) from 1960-01-01.
///
/// A variable is a date or a date-time by its display format; other variables (times of day, durations, months,
/// weeks, ...) are copied as stored.
public enum DateConversion {
    /// What a variable's values count.
    public enum Kind: Sendable, Equatable {
        /// Calendar days.
        case date
        /// Instants to the second or millisecond.
        case dateTime
    }

    /// Days from 1582-10-14 to 1960-01-01.
    static let spssToSixtyDays = 137_775.0

    /// The kind of a variable from its display format in a package, or `nil` when it is neither a date nor a
    /// date-time.
    public static func kind(format: String?, family: DataFileFormat.Family) -> Kind? {
        guard let f = format?.uppercased(), !f.isEmpty else { return nil }
        switch family {
        case .spss:
            if f.hasPrefix("DATETIME") || f.hasPrefix("YMDHMS") { return .dateTime }
            for p in ["DATE", "ADATE", "EDATE", "SDATE", "JDATE"] where f.hasPrefix(p) { return .date }
            return nil
        case .stata:
            if f.hasPrefix("%TC") || f.hasPrefix("%-TC") { return .dateTime }
            if f.hasPrefix("%TD") || f.hasPrefix("%D") || f.hasPrefix("%-TD") { return .date }
            return nil
        case .sas:
            if f.hasPrefix("DATETIME") || f.hasPrefix("E8601DT") || f.hasPrefix("IS8601DT") { return .dateTime }
            for p in ["DATE", "DDMMYY", "MMDDYY", "YYMMDD", "E8601DA", "IS8601DA", "WEEKDATE", "WORDDATE", "NLDATE"]
                where f.hasPrefix(p) { return .date }
            return nil
        case .text:
            return nil
        }
    }

    /// The value in days (dates) or seconds (date-times) from 1960-01-01.
    static func toSixty(_ x: Double, kind: Kind, from family: DataFileFormat.Family) -> Double {
        switch (family, kind) {
        case (.spss, .date): return x / 86_400 - spssToSixtyDays
        case (.spss, .dateTime): return x - spssToSixtyDays * 86_400
        case (.stata, .dateTime): return x / 1000
        default: return x
        }
    }

    /// The value from days (dates) or seconds (date-times) since 1960-01-01 to a package's clock.
    static func fromSixty(_ x: Double, kind: Kind, to family: DataFileFormat.Family) -> Double {
        switch (family, kind) {
        case (.spss, .date): return (x + spssToSixtyDays) * 86_400
        case (.spss, .dateTime): return x + spssToSixtyDays * 86_400
        case (.stata, .dateTime): return x * 1000
        default: return x
        }
    }

    /// A value of a `kind` variable moved from one package to another.
    public static func convert(_ x: Double, kind: Kind, from: DataFileFormat.Family, to: DataFileFormat.Family) -> Double {
        from == to ? x : fromSixty(toSixty(x, kind: kind, from: from), kind: kind, to: to)
    }

    /// The display format a `kind` variable gets in a package.
    public static func format(_ kind: Kind, in family: DataFileFormat.Family) -> String? {
        switch (family, kind) {
        case (.spss, .date): return "DATE11"
        case (.spss, .dateTime): return "DATETIME20"
        case (.stata, .date): return "%td"
        case (.stata, .dateTime): return "%tc"
        case (.sas, .date): return "DATE"
        case (.sas, .dateTime): return "DATETIME"
        case (.text, _): return nil
        }
    }
}
