/// What to do with missing values of the response model's covariates (`--missing-covariates`).
public enum MissingCovariatePolicy: String, Sendable, CaseIterable {
    /// Refuse (``AttritionError/missingCovariate(variable:count:firstSeen:)``).
    case fail
    /// Categorical covariate: missing is a category of its own (`NA`). Numeric covariate: the missing values
    /// are replaced by the weighted mean of the observed ones and an indicator `v (missing)` enters the model,
    /// so the imputed records get their own intercept shift (the missing-indicator method; Little & Rubin
    /// 2019, §3.4; for response propensities Rosenbaum & Rubin 1984, appendix B).
    case indicator
}

/// Covariates of a response model with their missing values dealt with: the table holds a new column for each
/// covariate that had missing values (`v (model)` recoded, and `v (missing)` for numeric ones), so the original
/// columns (which may also be calibration variables) are untouched.
public struct ResponseModelCovariates: Sendable {
    /// The table with the added columns.
    public var table: Table
    /// The covariates to give the model (original names, or the added columns).
    public var covariates: [String]
    /// One sentence per covariate with missing values.
    public var notes: [String]

    /// Prepares `covariates` of `table` under `policy`, with `weights` for the imputed means.
    public init(table: Table, covariates: [String], weights: [Double], policy: MissingCovariatePolicy) throws {
        var table = table
        var out: [String] = []
        var notes: [String] = []
        for v in covariates {
            guard policy == .indicator else { out.append(v); continue }
            if let numeric = try? table.numeric(v) {
                let count = numeric.missingCount
                guard count > 0 else { out.append(v); continue }
                var s = 0.0, sw = 0.0
                for (x, w) in zip(numeric.values, weights) where !x.isNaN { s += w * x; sw += w }
                guard sw > 0 else { out.append(v); continue }  // all missing: the model's own error names it
                let mean = s / sw
                table.setNumeric("\(v) (model)", numeric.values.map { $0.isNaN ? mean : $0 })
                table.setNumeric("\(v) (missing)", numeric.values.map { $0.isNaN ? 1 : 0 })
                out += ["\(v) (model)", "\(v) (missing)"]
                notes.append("covariate \(v): \(count) missing value(s) replaced by the weighted mean \(Table.format(mean)), with the indicator '\(v) (missing)' in the model")
            } else {
                var c = try table.categorical(v)
                let count = c.missingCount
                guard count > 0 else { out.append(v); continue }
                let code: UInt32
                if let existing = c.levels.firstIndex(of: MissingCalibrationValues.missingLevel) { code = UInt32(existing) } else {
                    c.levels.append(MissingCalibrationValues.missingLevel)
                    code = UInt32(c.levels.count - 1)
                }
                for i in c.codes.indices where c.codes[i] == CategoricalColumn.missing { c.codes[i] = code }
                table.setCategorical("\(v) (model)", c)
                out.append("\(v) (model)")
                notes.append("covariate \(v): \(count) missing value(s) modelled as the category NA")
            }
        }
        self.table = table
        self.covariates = out
        self.notes = notes
    }
}

extension ResponseModelCovariates {
    /// The covariates as given, the table untouched (the ``MissingCovariatePolicy/fail`` policy's result).
    static func unchanged(_ table: Table, covariates: [String]) -> ResponseModelCovariates {
        ResponseModelCovariates(table: table, covariates: covariates, notes: [])
    }

    private init(table: Table, covariates: [String], notes: [String]) {
        self.table = table
        self.covariates = covariates
        self.notes = notes
    }
}
