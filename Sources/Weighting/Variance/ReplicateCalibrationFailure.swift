/// A replicate whose re-calibration failed: which one, and the calibration's own error, kept with its type (a
/// ``CalibrationError/didNotConverge(iterations:maxDeviation:worst:)`` in a replicate is still one).
public struct ReplicateCalibrationFailure: Error, Sendable, CustomStringConvertible {
    /// The replicate (1-based) that failed.
    public var replicate: Int
    /// Number of replicates.
    public var count: Int
    /// The calibration's error for that replicate.
    public var underlying: any Error

    /// Creates the failure.
    public init(replicate: Int, count: Int, underlying: any Error) {
        self.replicate = replicate
        self.count = count
        self.underlying = underlying
    }

    /// `replicate weights: replicate R of N cannot be calibrated: <the calibration's message>`.
    public var description: String { "replicate weights: replicate \(replicate) of \(count) cannot be calibrated: \(underlying)" }

}
