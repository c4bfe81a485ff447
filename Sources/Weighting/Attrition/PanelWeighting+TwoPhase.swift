extension PanelWeighting {
    /// The two-phase linearization of a later wave's panel part (``PanelPart``): phase 1 the calibrated wave 1,
    /// phase 2 the wave-1 respondents present at the wave (Särndal, Swensson & Wretman 1992, ch. 9; Lumley 2010,
    /// §8.3), as ``TwoPhaseLinearization`` computes it:
    ///
    /// - phase-1 weights `w1` (the wave-1 calibration's), phase-1 base weights `d1` (the calibration's base
    ///   weights: ``wave1Weight``, or 1) and phase-1 auxiliaries `x1` of the wave-1 calibration: for each
    ///   categorical margin of one variable, the indicators of that variable's levels; of a crossed margin, the
    ///   indicators of its cells; for each numeric total, the variable's values (the margins as given: cells
    ///   collapsed by ``CalibrationOptions`` during the calibration are not merged here);
    /// - conditional phase-2 probabilities `π2|1,i = w1_i / (w1_i f_i) = 1/f_i`, the inverse attrition factor,
    ///   read from the second-phase calibration's base weights;
    /// - phase-2 auxiliaries `x2` of the second-phase calibration on the stayers' wave-1 records: those of
    ///   ``secondPhaseMargins`` (as `x1`), then each variable of ``calibrateToWave1`` in order (indicators of a
    ///   categorical one's levels, a numeric one's values);
    /// - with `estimatedPropensities` (the default), the response model that estimated `π2|1`
    ///   (``AttritionAdjustment/responseModelLinearization(wave1Weights:)``): the phase-2 contributions are
    ///   further residualized on its covariates, propensity-class indicators or model matrix (Kim & Kim 2007).
    ///   Without it the staying probabilities are taken as known;
    /// - the phase-2 contributions divided by `1 − h_i` (``LeverageAdjustment/jackknife``, by default) or its
    ///   square root, `h_i` the stayer's leverage in the second-phase calibration and response model (Valliant
    ///   2002): with a few hundred stayers, twenty auxiliaries and very unequal weights, the plain residuals make
    ///   the phase-2 variance 24–32 % too small in the barometer simulation (README).
    ///
    /// The estimates of the later wave's panel are then `twoPhase.mean(y)` or `twoPhase.total(y)` with `y`
    /// over ``PanelPart/rows`` of the wave's table, in that order.
    ///
    /// - Parameters:
    ///   - part: the panel part, from ``panelPart(wave:wave1:)`` or ``WaveWeights/panelPart``.
    ///   - wave1: the wave-1 calibration `part` was adjusted from.
    ///   - estimatedPropensities: whether the variance carries the estimation of the response model.
    ///   - leverage: the leverage correction of the phase-2 contributions (`.none`: R survey's `twophase`).
    /// - Throws: ``DataError`` when a calibration variable is not a column of wave 1; the response model's
    ///   errors when it is refitted.
    public func twoPhase(_ part: PanelPart, wave1: CalibrationResult, estimatedPropensities: Bool = true,
                         leverage: LeverageAdjustment = .jackknife) throws -> TwoPhaseLinearization {
        let table = part.adjustment.wave1
        let stayers = try table.subset(part.wave1Rows)
        var phase2 = try Self.indicators(stayers, margins: secondPhaseMargins)
        let answers = try Self.indicators(stayers, variables: calibrateToWave1)
        for j in phase2.indices { phase2[j] += answers[j] }
        let phase1 = try Self.indicators(waves[0], margins: calibrator.margins)
        var design = TwoPhaseLinearization(
            phase1Weights: wave1.weights, phase2Rows: part.wave1Rows,
            phase2Probabilities: zip(part.wave1Rows, part.calibration.baseWeights).map { wave1.weights[$0.0] / $0.1 },
            finalWeights: part.calibration.weights,
            phase2Auxiliaries: phase2.allSatisfy(\.isEmpty) ? [] : phase2,
            phase1Auxiliaries: phase1.allSatisfy(\.isEmpty) ? [] : phase1,
            phase1BaseWeights: wave1.baseWeights)
        if estimatedPropensities {
            design.responseModel = try part.adjustment.responseModelLinearization(wave1Weights: wave1.weights)
        }
        design.leverage = leverage
        return design
    }

    /// Auxiliary rows of `margins` on `table`: for a categorical margin of one variable, one indicator per level
    /// of the table's column; for a crossed margin, one per margin cell; for a numeric total, the values.
    package static func indicators(_ table: Table, margins: Margins) throws -> [[Double]] {
        var columns: [[Double]] = []
        for m in margins.categorical {
            if m.variables.count == 1 {
                columns += try indicatorColumns(table, variable: m.variables[0])
            } else {
                let cell = try AuxiliaryDesign.recordLevels(table: table, margin: m).levels
                for l in m.levels.indices { columns.append(cell.map { Int($0) == l ? 1 : 0 }) }
            }
        }
        for t in margins.numeric { columns.append(try table.numeric(t.variable).values) }
        return rows(columns, count: table.rowCount)
    }

    /// Auxiliary rows of single variables, in order: indicators of a categorical one's levels, a numeric one's
    /// values.
    static func indicators(_ table: Table, variables: [String]) throws -> [[Double]] {
        var columns: [[Double]] = []
        for v in variables { columns += try indicatorColumns(table, variable: v) }
        return rows(columns, count: table.rowCount)
    }

    private static func indicatorColumns(_ table: Table, variable v: String) throws -> [[Double]] {
        if let n = try? table.numeric(v) { return [n.values] }
        let c = try table.categorical(v)
        return c.levels.indices.map { l in c.codes.map { Int($0) == l ? 1 : 0 } }
    }

    private static func rows(_ columns: [[Double]], count: Int) -> [[Double]] {
        (0..<count).map { i in columns.map { $0[i] } }
    }
}
