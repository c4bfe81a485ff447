// libFuzzer target: the margins parser, then a calibration of a small fixed sample to whatever it parsed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMargins(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let buffer = try? CSVBuffer(bytes: bytes, file: "margins.csv") else { return 0 }
    for scale in [TargetScale.counts, .shares(population: 1000)] {
        guard let margins = try? MarginsFile.parse(buffer, scale: scale) else { continue }
        guard let sample = try? Table(["a": .categorical(["x", "y", "x", "z", "y", "x"]), "b": .categorical(["u", "u", "v", "v", "u", "v"]),
                            "n": .numeric([1, 2, 3, 4, 5, 6])]) else { return 0 }
        for method in [CalibrationMethod.raking, .linear, .logit(lower: 0.5, upper: 2), .poststratify] {
            if let r = try? Calibrator(margins: margins, method: method, options: CalibrationOptions(maxIterations: 20)).calibrate(sample) {
                precondition(r.weights.allSatisfy { $0.isFinite }, "non-finite weight returned")
            }
        }
    }
    return 0
}
