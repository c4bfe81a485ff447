/// The change of indicators between wave 1 and a later wave of a panel weighted by ``PanelWeighting``: the
/// linked design and the panel part it was built from.
public struct PanelChange: Sendable {
    /// The design of the change estimates (``ChangeDesign/change(y1:y2:in1:in2:variable:statistic:domain:level:ratio:)``):
    /// the first wave is every wave-1 respondent, the second the panel part, in ``part``'s order.
    public var design: ChangeDesign
    /// The later wave's panel part: its respondents' rows in wave 1 (``PanelWeighting/PanelPart/wave1Rows``) and
    /// in the later wave's table (``PanelWeighting/PanelPart/rows``), whose values `y2` the design takes in that
    /// order.
    public var part: PanelWeighting.PanelPart
    /// Bootstrap candidates drawn and left out (``AttritionBootstrap/Result/redrawn``); 0 by linearization.
    public var redrawn: Int
}

extension PanelWeighting {
    /// The design of the change between wave 1 and wave `k`: wave 1 calibrated (the linked design is the wave-1
    /// design carrying that calibration), wave `k` its panel part (``panelPart(wave:wave1:)``, whose own
    /// second-phase calibration is recorded on the wave), and either
    ///
    /// - linearization: the influence values of wave `k` residualized on its second-phase calibration, then on
    ///   the response model's covariates over the wave-1 records (``ResponseModelLinearization``, Kim & Kim 2007:
    ///   those who left contribute too), then on the wave-1 calibration within the linked design (Deville &
    ///   Särndal 1992); or
    /// - the bootstrap carried through the whole chain (``AttritionBootstrap``, Rao & Wu 1988): each replicate
    ///   re-calibrates wave 1, re-fits the response model, re-forms the classes or propensities and re-calibrates
    ///   the panel part, and both waves' estimates are recomputed with the same replicate.
    ///
    /// Respondents of wave `k` without a wave-1 record take no part in the change (the panel part only).
    ///
    /// - Parameters:
    ///   - k: the later wave (2 by default).
    ///   - wave1: the wave-1 calibration (``calibrateWave1()``).
    ///   - strata: a wave-1 stratum column of the linked design.
    ///   - bootstrap: replicates to carry through the chain (`nil`: linearization).
    ///   - leverage: the leverage correction of the panel part's linearized contributions (jackknife-like by
    ///     default; `.none` gives R survey's plain linearization).
    /// - Throws: the adjustment's and calibration's errors; ``AttritionReplicateFailure`` when too few replicates
    ///   can be calibrated.
    public func change(toWave k: Int = 2, wave1: CalibrationResult, strata: String? = nil,
                       bootstrap: AttritionBootstrap? = nil, leverage: LeverageAdjustment = .jackknife) throws -> PanelChange {
        let part = try panelPart(wave: k, wave1: wave1)
        let linked = try SurveyDesign(table: waves[0], weight: wave1Weight, strata: strata).calibrated(wave1)
        var first = ChangeWave(weights: wave1.weights, linkedRecord: Array(0..<waves[0].rowCount))
        var second = ChangeWave(weights: part.weights, calibration: part.calibration, linkedRecord: part.wave1Rows)
        second.responseModel = try part.adjustment.responseModelLinearization(wave1Weights: wave1.weights)
        second.leverage = leverage
        second.estimatedTotals = try wave1Totals(of: part.calibration, wave1: wave1)
        var variance = ChangeVariance.linearization
        var redrawn = 0
        if let bootstrap {
            let reps = try bootstrap.run(calibrator: calibrator, wave1: wave1, adjustments: [part.adjustment])
            first.replicateWeights = reps.wave1.weights
            second.replicateWeights = reps.adjusted[0].weights
            variance = .replicates(reps.wave1)
            redrawn = reps.redrawn
        }
        return PanelChange(design: ChangeDesign(linked: linked, first: first, second: second, variance: variance), part: part,
                           redrawn: redrawn)
    }

    /// The second-phase constraints whose targets are wave-1 weighted totals (those of ``calibrateToWave1``), with
    /// every wave-1 record's values and weight.
    func wave1Totals(of calibration: CalibrationResult, wave1: CalibrationResult) throws -> EstimatedCalibrationTotals? {
        let table = waves[0]
        var constraints: [Int] = [], columns: [[Double]] = []
        for (k, c) in calibration.constraints.enumerated() where calibrateToWave1.contains(c.margin) {
            if let level = c.level {
                let column = try table.categorical(c.margin)
                guard let code = column.levels.firstIndex(of: level) else { continue }
                columns.append(column.codes.map { Int($0) == code ? 1 : 0 })
            } else {
                columns.append(try table.numeric(c.margin).values)
            }
            constraints.append(k)
        }
        guard !constraints.isEmpty else { return nil }
        return EstimatedCalibrationTotals(constraints: constraints, values: (0..<table.rowCount).map { r in columns.map { $0[r] } },
                                          weights: wave1.weights)
    }
}
