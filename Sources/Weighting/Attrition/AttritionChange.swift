extension ChangeDesign {
    /// A two-wave panel weighted as `weight-cli attrition` weights it, ready for change estimates, when the
    /// later wave is given by who answered again rather than by its table: a shorthand for
    /// ``PanelWeighting/change(toWave:wave1:strata:bootstrap:leverage:)`` on the panel of `wave1` and its records flagged
    /// `retained` (wave 1 calibrated; wave 2 the wave-1 respondents present again, adjusted for attrition and
    /// calibrated; linearization accounting for both calibrations and the response model, Kim & Kim 2007, or the
    /// bootstrap carried through the chain).
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
        let weighting = PanelWeighting(panel: try Panel(wave1: wave1, retained: retained), calibrator: calibrator, wave1Weight: baseWeight,
                                       covariates: covariates, adjustment: adjustment, maxFactor: maxFactor,
                                       calibrateToWave1: calibrateToWave1)
        let change = try weighting.change(toWave: 2, wave1: try weighting.calibrateWave1(), strata: strata, bootstrap: bootstrap)
        return (change.design, change.part.wave1Rows, change.redrawn)
    }
}
