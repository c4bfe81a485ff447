import Weighting
import WeightingIO

extension CompareCommand {
    /// The data file in chunks (see ``StreamedInput``): the weight and the margins' variables, the domains and
    /// the indicators (each read twice, raw and weighted, so kept); nil when the environment turns streaming off.
    func streamedTable(dialect: CSVDialect) throws -> Table? {
        guard StreamedInput.enabled else { return nil }
        var plan = StreamedInput.designPlan(weight: weight, strata: nil, cluster: nil, fpc: nil,
                                            margins: marginsOptions.margins, groupBy: groupOptions.groupBy,
                                            dialect: dialect)
        plan += commaList(by).map { StreamedColumnPlan(name: $0, kind: .categorical) }
        plan += commaList(variables).map { StreamedColumnPlan(name: $0, kind: .numericOrCategorical) }
        return try StreamedInput.table(data, dialect: dialect, plan: plan)
    }
}
