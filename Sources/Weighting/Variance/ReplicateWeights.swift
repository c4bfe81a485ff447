/// A set of replicate weights with the constants of its variance formula.
///
/// For an estimator θ with full-sample value θ̂ and replicate values θ̂_r,
/// `V = scale Σ_r rscale_r (θ̂_r − c)²` with `c = θ̂` when `mse` is true, else the mean of the θ̂_r
/// (R survey's `svrVar`; Wolter 2007). The methods differ only by their constants:
/// JK1 `scale = (R−1)/R`; JKn `rscale_h = (n_h−1)/n_h`; bootstrap `scale = 1/(R−1)`; BRR `1/R`, with Fay's
/// factor ρ `1/(R(1−ρ)²)`.
public struct ReplicateWeights: Sendable {
    /// Name of the scheme (`JK1`, `JKn`, `bootstrap`, `BRR`, `Fay`).
    public var method: String
    /// Replicate weight vectors, one per replicate, each of the sample's length.
    public var weights: [[Double]]
    /// Overall scale.
    public var scale: Double
    /// Per-replicate scales.
    public var rscales: [Double]
    /// Centre on the full-sample estimate (`true`) or on the replicates' mean (`false`, R's default).
    public var mse: Bool
    /// Degrees of freedom for intervals (R: rank of the replicate weights minus 1).
    public var degreesOfFreedom: Int

    /// Creates replicate weights.
    public init(method: String, weights: [[Double]], scale: Double, rscales: [Double], mse: Bool = false,
                degreesOfFreedom: Int? = nil) {
        precondition(rscales.count == weights.count)
        self.method = method
        self.weights = weights
        self.scale = scale
        self.rscales = rscales
        self.mse = mse
        self.degreesOfFreedom = degreesOfFreedom ?? max(1, weights.count - 1)
    }

    /// Variance from the replicate estimates.
    public func variance(replicateEstimates thetas: [Double], fullSample theta: Double) -> Double {
        let centre = mse ? theta : thetas.reduce(0, +) / Double(thetas.count)
        var v = 0.0
        for (r, t) in thetas.enumerated() { v += rscales[r] * (t - centre) * (t - centre) }
        return scale * v
    }
}
