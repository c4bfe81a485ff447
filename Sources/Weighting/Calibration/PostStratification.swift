/// Collapsing empty post-strata before post-stratification.
///
/// Post-stratification sets `w_i = d_i · N_h / Σ_{j∈h} d_j` in each cell `h` of one (possibly crossed) margin;
/// a cell with population but no respondent makes that impossible. Rather than silently dropping its
/// population, the user says where it goes: into a named neighbour, or into the nearest non-empty cell along an
/// ordered variable (e.g. the next size class in the same region).
enum PostStratification {
    /// Applies the rules to the empty cells of `margin`; returns the new margin and a sentence per collapse.
    static func collapse(_ margin: CategoricalMargin, table: Table, rules: [CellCollapse]) throws -> (CategoricalMargin, [String]) {
        guard !rules.isEmpty else { return (margin, []) }
        let (levels, unknown) = try AuxiliaryDesign.recordLevels(table: table, margin: margin)
        if !unknown.isEmpty { throw CalibrationError.levelsNotInMargins(unknown) }
        var counts = [Int](repeating: 0, count: margin.levels.count)
        for k in levels { counts[Int(k)] += 1 }
        var out = margin
        var sentences: [String] = []
        let index = Dictionary(margin.levels.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        for rule in rules {
            switch rule {
            case .merge(let cell, let into):
                guard let from = index[cell] else {
                    throw CalibrationError.invalidCollapse("cell \(cell.joined(separator: "*")) is not a level of margin \(margin.name)")
                }
                guard let to = index[into] else {
                    throw CalibrationError.invalidCollapse("cell \(into.joined(separator: "*")) is not a level of margin \(margin.name)")
                }
                guard counts[to] > 0 else {
                    throw CalibrationError.invalidCollapse("cell \(into.joined(separator: "*")) has no respondent either")
                }
                if counts[from] > 0 {
                    throw CalibrationError.invalidCollapse("cell \(cell.joined(separator: "*")) has \(counts[from]) respondent(s); only empty cells are collapsed")
                }
                sentences.append("\(margin.label(from)) (target \(Table.format(out.targets[from]))) merged into \(into.joined(separator: "*"))")
                out.targets[to] += out.targets[from]
                out.targets[from] = 0
            case .nearest(let variable):
                guard let v = margin.variables.firstIndex(of: variable) else {
                    throw CalibrationError.invalidCollapse("variable \(variable) is not in margin \(margin.name)")
                }
                var order: [String] = []
                for l in margin.levels where !order.contains(l[v]) { order.append(l[v]) }
                for k in margin.levels.indices where counts[k] == 0 && out.targets[k] > 0 {
                    let here = order.firstIndex(of: margin.levels[k][v])!
                    var best: Int?
                    var bestDistance = Int.max
                    for (k2, l2) in margin.levels.enumerated() where counts[k2] > 0 {
                        var same = true
                        for u in margin.variables.indices where u != v && l2[u] != margin.levels[k][u] { same = false }
                        guard same else { continue }
                        let dist = abs(order.firstIndex(of: l2[v])! - here)
                        if dist < bestDistance { bestDistance = dist; best = k2 }
                    }
                    guard let to = best else { continue }
                    sentences.append("\(margin.label(k)) (target \(Table.format(out.targets[k]))) merged into \(margin.levels[to].joined(separator: "*"))")
                    out.targets[to] += out.targets[k]
                    out.targets[k] = 0
                }
            }
        }
        return (out, sentences)
    }
}
