extension ChangeDesign {
    /// A panel weighted as `weight-cli attrition` weights it, ready for change estimates: wave 1 calibrated
    /// (the linked design, the wave-1 design, carries that calibration), wave 2 = the wave-1 respondents present
    /// again, their wave-1 weights adjusted for attrition and calibrated (``AttritionAdjustment``, whose own
    /// calibration is recorded on wave 2), and, when asked, the bootstrap replicates carried through the whole
    /// chain (``AttritionBootstrap``: each replicate re-calibrates wave 1, re-fits the response model and
    /// re-adjusts wave 2).
    ///
    /// The linearized variance accounts for both calibrations and for the response model's estimation
    /// (``ResponseModelLinearization``, Kim & Kim 2007); the bootstrap carries all three by refitting.
    ///
    /// - Parameters:
    ///   - wave1: the wave-1 table.
    ///   - retained: the wave-1 records present at wave 2.
    ///   - calibrator: the wave-1 calibration (its margins and method are wave 2's too).
    ///   - baseWeight: wave 1's base weight column (nil: 1).
    ///   - strata: a wave-1 stratum column of the linked design.
    ///   - covariates: the response model's covariates (wave-1 columns).
    ///   - adjustment: how the response propensities become factors (classes, or the inverse propensity).
    ///   - maxFactor: a cap on the attrition factor (nil: none).
    ///   - calibrateToWave1: variables whose wave-1 weighted totals wave 2 is calibrated back to.
    ///   - bootstrap: replicates to carry through the chain (nil: linearization).
    /// - Returns: the design, the wave-1 record of each wave-2 respondent (in the order of wave 2's weights),
    ///   and the number of bootstrap candidates redrawn.
    public static func attritionAdjusted(wave1: Table, retained: [Bool], calibrator: Calibrator, baseWeight: String? = nil,
                                         strata: String? = nil, covariates: [String],
                                         adjustment: NonresponseAdjustment = .propensityClasses(5), maxFactor: Double? = nil,
                                         calibrateToWave1: [String] = [], bootstrap: AttritionBootstrap? = nil) throws
        -> (design: ChangeDesign, wave1Records: [Int], redrawn: Int) {
        let firstCal = try calibrator.calibrate(wave1, weightColumn: baseWeight)
        let adjust = AttritionAdjustment(wave1: wave1, retained: retained, covariates: covariates, adjustment: adjustment,
                                         maxFactor: maxFactor, margins: calibrator.margins, calibrateToWave1: calibrateToWave1,
                                         method: calibrator.method, wave: 2)
        let (w2, rows, _, cal2) = try adjust.run(wave1Weights: firstCal.weights)
        let linked = try SurveyDesign(table: wave1, weight: baseWeight, strata: strata).calibrated(firstCal)
        var first = ChangeWave(weights: firstCal.weights, linkedRecord: Array(0..<wave1.rowCount))
        var second = ChangeWave(weights: w2, calibration: cal2, linkedRecord: rows)
        second.responseModel = try adjust.responseModelLinearization(wave1Weights: firstCal.weights)
        var variance = ChangeVariance.linearization
        var redrawn = 0
        if let bootstrap {
            let reps = try bootstrap.run(calibrator: calibrator, wave1: firstCal, adjustments: [adjust])
            first.replicateWeights = reps.wave1.weights
            second.replicateWeights = reps.adjusted[0].weights
            variance = .replicates(reps.wave1)
            redrawn = reps.redrawn
        }
        return (ChangeDesign(linked: linked, first: first, second: second, variance: variance), rows, redrawn)
    }
}
