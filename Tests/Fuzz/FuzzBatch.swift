import Foundation

// libFuzzer target: batch-file interpretation (JSON text here; YAML and TOML go through their own parsers into
// the same interpretation). Any input must give jobs or a BatchError, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBatch(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard let root = try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed]) else { return 0 }
    if let batch = try? BatchFile.interpret(root, path: "jobs.json") {
        for job in batch.jobs { for input in job.inputs { _ = Glob.fill(job.output ?? "{stem}", file: input, job: job.name) } }
    }
    return 0
}
