import Weighting
import WeightingIO
/// A published quantity that has no finite value: a standard error that cannot be formed (one respondent in a
/// domain with replicate variance: `V = c Σ (θ̂_r − θ̂)²` takes `θ̂_r` from replicates where the domain is empty),
/// or a total that overflows (values near ±1.8e308 whose weighted sum exceeds the largest double).
///
/// Tables never print it as `nan` or `inf`: CSV and Markdown leave the field empty and add a note, JSON writes
/// `null`; the command says which quantity, variable and domain on standard error.
public struct UndefinedValue: Sendable, Equatable, CustomStringConvertible {
    /// The column as named in the CSV output (`estimate`, `se`, `ci_low`, …).
    public var quantity: String
    /// The variable (and level) the row is about, as shown in messages.
    public var subject: String
    /// The domain, `nil` for the whole population.
    public var domain: String?
    /// `true` when the computation overflowed (an infinity), `false` when it is undefined (NaN).
    public var overflow: Bool

    /// Creates a description of an undefined quantity.
    public init(quantity: String, subject: String, domain: String?, overflow: Bool) {
        self.quantity = quantity
        self.subject = subject
        self.domain = domain
        self.overflow = overflow
    }

    /// A short note for the row's `note` field: `se undefined`, `estimate overflows`.
    public var note: String { overflow ? "\(quantity) overflows (left empty)" : "\(quantity) undefined (left empty)" }

    /// The message shown to the user: which quantity, of which variable and domain, and the likely cause.
    public var description: String {
        let where_ = domain.map { " in domain \(Echo.text($0))" } ?? ""
        let why = overflow
            ? "it overflows: the values are too large to add up (near ±1.8e308); rescale the variable"
            : "it is not a number (e.g. a domain with one respondent has no replicate variance, or an input value overflowed)"
        return "\(quantity) of \(subject)\(where_) is undefined: \(why); the field is left empty (null in JSON)"
    }

    /// The undefined quantities among named values (`nil` values are absent by design, not undefined).
    static func find(_ values: [(String, Double?)], subject: String, domain: String?) -> [UndefinedValue] {
        values.compactMap { name, value in
            guard let value, !value.isFinite else { return nil }
            return UndefinedValue(quantity: name, subject: subject, domain: domain, overflow: value.isInfinite)
        }
    }

    /// The row's note with the notes of its undefined quantities appended.
    static func note(_ note: String?, adding undefined: [UndefinedValue]) -> String? {
        guard !undefined.isEmpty else { return note }
        let added = undefined.map(\.note).joined(separator: "; ")
        guard let note, !note.isEmpty else { return added }
        return note + "; " + added
    }
}

extension Estimate {
    /// The quantities of this estimate that are NaN or infinite (empty when every value is finite).
    public var undefinedValues: [UndefinedValue] {
        let subject = Echo.quoted(variable) + (level.map { " = \(Echo.quoted($0))" } ?? "")
        return UndefinedValue.find([("estimate", estimate), ("se", se), ("ci_low", ciLow), ("ci_high", ciHigh),
                                    ("deff", deff), ("df", df), ("effective_n", effectiveN)],
                                   subject: subject, domain: domain)
    }
}

extension ComparisonRow {
    /// The quantities of this row that are NaN or infinite (empty when every value is finite).
    public var undefinedValues: [UndefinedValue] {
        let subject = Echo.quoted(variable) + (level.map { " = \(Echo.quoted($0))" } ?? "")
        return UndefinedValue.find([("raw", raw), ("weighted", weighted), ("se", se), ("ci_low", ciLow),
                                    ("ci_high", ciHigh), ("shift", shift)],
                                   subject: subject, domain: domain)
    }
}

extension UndefinedValue {
    /// The note under a Markdown table listing its undefined values (empty when there are none; the first 20,
    /// then how many more).
    static func notes(_ undefined: [UndefinedValue]) -> String {
        guard !undefined.isEmpty else { return "" }
        let shown = undefined.prefix(20).map { "- \($0)\n" }.joined()
        return "\nEmpty cells are undefined values:\n\n" + shown + (undefined.count > 20 ? "- … and \(undefined.count - 20) more\n" : "")
    }
}
