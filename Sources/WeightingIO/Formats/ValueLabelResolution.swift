import Weighting
/// Names the levels of labelled variables in margins by their labels, whether the margins file gives the label
/// (`region,Occitanie,4446`) or the code (`region,76,4446`).
///
/// A labelled variable's levels are its labels (see ``Table/read(statFile:format:variables:)``). A margins level
/// is read as follows:
/// 1. if it is one of the variable's labels, it is that label — **labels win**: the label is what the file shows
///    and what the estimates print, while a code is an artefact of storage;
/// 2. otherwise, if it is a number that is a labelled code (`76`, `76.0`), it is that code's label;
/// 3. otherwise it is left as it is (a code without a label is its own level; an unknown level is then reported by
///    the calibration as usual).
///
/// A level that is both a label and another value's code (labels `1 = "2"`, `2 = "1"`, or a label `"10"` on code
/// 3 with a code 10 labelled otherwise) is ambiguous: it is read as the label, and a warning says so.
public enum ValueLabelResolution {
    /// A margins level read as a label although it is also the code of another labelled value.
    public struct Clash: Sendable, Equatable, CustomStringConvertible {
        /// The variable.
        public var variable: String
        /// The level as written in the margins file.
        public var level: String
        /// The label of the code it also names.
        public var labelOfCode: String

        public var description: String {
            "margins level \"\(level)\" of \(variable) is a label and also the code of \"\(labelOfCode)\"; it is read as the label (labels win over codes)"
        }
    }

    /// The margins with every level of a labelled variable named by its label.
    ///
    /// - Parameters:
    ///   - margins: the margins as read.
    ///   - labels: each labelled variable's labels by code (``Table/valueLabels(of:)``).
    /// - Returns: the margins, and the ambiguous levels (read as labels).
    public static func resolve(_ margins: Margins, labels: [String: [Double: String]]) -> (margins: Margins, clashes: [Clash]) {
        var out = margins
        var clashes: [Clash] = []
        for (m, margin) in margins.categorical.enumerated() {
            for (p, variable) in margin.variables.enumerated() {
                guard let codes = labels[variable], !codes.isEmpty else { continue }
                let names = Set(codes.values)
                for (k, levels) in margin.levels.enumerated() {
                    let level = levels[p]
                    let code = Double(level.trimmingCharacters(in: " ")).flatMap { codes[$0] }
                    if names.contains(level) {
                        if let code, code != level, !clashes.contains(where: { $0.variable == variable && $0.level == level }) {
                            clashes.append(Clash(variable: variable, level: level, labelOfCode: code))
                        }
                    } else if let code {
                        out.categorical[m].levels[k][p] = code
                    }
                }
            }
        }
        return (out, clashes)
    }
}

extension Table {
    /// The value labels of a column read as labelled categories from an SPSS, Stata or SAS file (code →
    /// label), or `nil` for any other column.
    public func valueLabels(of name: String) -> [Double: String]? {
        guard let j = names.firstIndex(of: name), case .labelled(_, let labels) = storage[j] else { return nil }
        return labels
    }

    /// The value labels of every labelled column, by column name.
    public var allValueLabels: [String: [Double: String]] {
        var out: [String: [Double: String]] = [:]
        for name in names { if let l = valueLabels(of: name) { out[name] = l } }
        return out
    }
}
