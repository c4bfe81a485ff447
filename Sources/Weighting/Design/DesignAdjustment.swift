import Foundation

/// One adjustment of a design's weights: the calibration it ran (post-stratification, calibration, the
/// calibration that closes an attrition adjustment, or a two-phase calibration) and the calibrator that ran it,
/// so that replicate weights can re-run it.
///
/// A ``SurveyDesign`` keeps its adjustments in the order applied, as R survey's design objects keep their
/// `postStrata` list (`calibrate()` appends to it): the linearized variance residualizes the influence values
/// on each calibration in turn (Deville & Särndal 1992, §3; Lumley 2010, §7.4), and replicate weights re-run each
/// one in every replicate.
public struct DesignAdjustment: Sendable {
    /// What the adjustment stands for (reports; the variance treats every kind as a calibration).
    public enum Kind: String, Sendable, CaseIterable {
        /// Post-stratification to one (possibly crossed) margin.
        case postStratification = "post-stratification"
        /// Calibration to population margins.
        case calibration
        /// The calibration that closes an attrition (nonresponse) adjustment.
        case attrition = "attrition adjustment"
        /// Calibration of a second phase to totals estimated from the first.
        case twoPhaseCalibration = "two-phase calibration"
    }

    /// What the adjustment stands for.
    public var kind: Kind
    /// The calibration: base weights, final weights and auxiliaries.
    public var result: CalibrationResult
    /// The calibrator that produced ``result``, re-run on replicate weights (`nil`: the adjustment cannot be
    /// replicated).
    public var calibrator: Calibrator?

    /// An adjustment from a calibration's result; give its calibrator to let replicate weights re-run it.
    public init(_ kind: Kind, result: CalibrationResult, calibrator: Calibrator? = nil) {
        self.kind = kind
        self.result = result
        self.calibrator = calibrator
    }
}

/// The replicate schemes a design can build (``SurveyDesign/withReplicates(_:)``).
public enum ReplicateScheme: Sendable, Equatable {
    /// Delete-one-PSU jackknife, unstratified.
    case jk1
    /// Stratified delete-one-PSU jackknife.
    case jkn
    /// Rao–Wu rescaled bootstrap.
    case bootstrap(replicates: Int, seed: UInt64)
    /// Balanced repeated replication, with Fay's factor ρ (0 for plain BRR).
    case brr(fay: Double)
}

extension SurveyDesign {
    /// The weights before any adjustment.
    public var baseWeights: [Double] { adjustments.first?.result.baseWeights ?? weights }

    /// The same design with one more adjustment: its weights become the adjustment's final weights (value
    /// semantics: `self` is unchanged).
    ///
    /// - Throws: ``DesignError/lengthMismatch(what:expected:found:)`` when the adjustment has another number of
    ///   records, ``DesignError/adjustmentBaseWeightsDiffer(adjustment:firstRecord:design:adjustmentBase:)`` when it
    ///   did not start from the design's current weights.
    public func adjusted(by adjustment: DesignAdjustment) throws -> SurveyDesign {
        let r = adjustment.result
        guard r.weights.count == count, r.baseWeights.count == count else {
            throw DesignError.lengthMismatch(what: "the \(adjustment.kind.rawValue)'s weights", expected: count, found: r.weights.count)
        }
        if let i = weights.indices.first(where: { weights[$0] != r.baseWeights[$0] }) {
            throw DesignError.adjustmentBaseWeightsDiffer(adjustment: adjustment.kind.rawValue, firstRecord: i,
                                                          design: weights[i], adjustmentBase: r.baseWeights[i])
        }
        var d = self
        d.weights = r.weights
        d.adjustments.append(adjustment)
        if let reps = replicates {
            d.replicates = try Self.reapply([adjustment], to: reps)
        }
        return d
    }

    /// The design calibrated by `calibrator` from its current weights (R's `calibrate(design, ...)`): a new
    /// design with the calibration appended to ``adjustments``; its replicate weights, if any, re-calibrated.
    public func calibrated(by calibrator: Calibrator, table: Table, as kind: DesignAdjustment.Kind = .calibration) throws -> SurveyDesign {
        guard table.rowCount == count else { throw DesignError.lengthMismatch(what: "the table", expected: count, found: table.rowCount) }
        let result = try calibrator.calibrate(table, baseWeights: weights)
        return try adjusted(by: DesignAdjustment(kind, result: result, calibrator: calibrator))
    }

    /// The design with replicate weights of `scheme`, built from the unadjusted design and carried through
    /// every adjustment in each replicate (each calibration re-run, in order, from the replicate's weights
    /// after the previous one: R's `calibrate` on a replicate design, applied as many times).
    ///
    /// - Throws: ``DesignError/adjustmentNotReplicable(_:)`` for an adjustment recorded without its calibrator,
    ///   ``DesignError/invalidReplicates(_:)`` when a replicate cannot be calibrated.
    public func withReplicates(_ scheme: ReplicateScheme) throws -> SurveyDesign {
        var base = self
        base.weights = baseWeights
        base.adjustments = []
        base.replicates = nil
        let reps: ReplicateWeights
        switch scheme {
        case .jk1: reps = try .jk1(base)
        case .jkn: reps = try .jkn(base)
        case .bootstrap(let r, let seed): reps = try .bootstrap(base, replicates: r, seed: seed)
        case .brr(let fay): reps = try .brr(base, fay: fay)
        }
        var d = self
        d.replicates = try Self.reapply(adjustments, to: reps)
        return d
    }

    /// Replicate weights re-run through `adjustments` in order.
    static func reapply(_ adjustments: [DesignAdjustment], to reps: ReplicateWeights) throws -> ReplicateWeights {
        var out = reps
        for a in adjustments {
            guard let calibrator = a.calibrator else {
                throw DesignError.adjustmentNotReplicable("the \(a.kind.rawValue) was recorded without its calibrator; adjust the design with calibrated(by:table:) or give DesignAdjustment its calibrator")
            }
            out = try out.recalibrated(using: calibrator, result: a.result)
        }
        return out
    }

    /// Influence values residualized on every calibration in turn, first applied first: for calibration `k`
    /// with base weights `d_k` and final weights `w_k`, `z ← w_k (z/w_k − x'B_k)`, `B_k = (X'D_kX)⁻¹X'D_k(z/w_k)`
    /// (R survey's `svyrecvar` walking `postStrata`). With one calibration, `w_k` is the design's weights.
    func calibrationResiduals(_ z: [[Double]]) throws -> [[Double]] {
        var zz = z
        for (k, a) in adjustments.enumerated() {
            let w = k == adjustments.count - 1 ? weights : a.result.weights
            zz = try CalibrationResiduals(result: a.result, weights: w).residualize(zz)
        }
        return zz
    }
}
