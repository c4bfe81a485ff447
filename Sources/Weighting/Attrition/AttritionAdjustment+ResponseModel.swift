extension AttritionAdjustment {
    /// The response model of this adjustment as its linearized variance needs it (``ResponseModelLinearization``,
    /// Kim & Kim 2007), over the wave-1 records: for an inverse-propensity adjustment, the model matrix (intercept,
    /// dummies, numeric covariates) and the fitted propensities; for propensity classes, the class indicators and the
    /// classes' weighted staying rates (the adjustment is then a calibration to the wave-1 weighted class counts).
    /// The model is fitted as ``run(wave1Weights:)`` fits it, with the same weights.
    public func responseModelLinearization(wave1Weights w1: [Double]) throws -> ResponseModelLinearization {
        let n = wave1.rowCount
        precondition(w1.count == n && retained.count == n)
        let mm = try ModelMatrix(table: wave1, covariates: covariates)
        let y = retained.map { $0 ? 1.0 : 0.0 }
        let scale = Double(n) / w1.reduce(0, +)
        let fit = try LogisticRegression.fit(x: mm.x, terms: mm.terms, y: y, weights: w1.map { $0 * scale })
        switch adjustment {
        case .inversePropensity:
            let rows = (0..<n).map { i in (0..<mm.x.columns).map { mm.x[i, $0] } }
            return ResponseModelLinearization(covariates: rows, propensities: fit.fitted, phase1Weights: w1, retained: retained)
        case .propensityClasses(let k):
            let classes = AttritionAdjustment.quantileClasses(fit.fitted, count: max(k, 1))
            var all = [Double](repeating: 0, count: max(k, 1)), kept = all
            for i in 0..<n { all[classes[i]] += w1[i]; if retained[i] { kept[classes[i]] += w1[i] } }
            let rows = classes.map { c in (0..<max(k, 1)).map { $0 == c ? 1.0 : 0.0 } }
            return ResponseModelLinearization(covariates: rows, propensities: classes.map { all[$0] > 0 ? kept[$0] / all[$0] : 1 },
                                              phase1Weights: w1, retained: retained)
        }
    }
}
