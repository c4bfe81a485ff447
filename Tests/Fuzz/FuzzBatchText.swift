import Foundation

// libFuzzer target: the YAML and TOML batch paths end to end, as `weight-cli batch` reads them (Yams or
// TOMLKit, then the shared interpretation, then the output templates). The first byte chooses the format (even:
// YAML, odd: TOML), the rest is the file's text. Any input must give jobs or a BatchError, never a crash.
private let folder: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let dir = base + "/weighting-fuzz-batch-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBatchText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let path = folder + (data[0] % 2 == 0 ? "/jobs.yaml" : "/jobs.toml")
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data + 1, count: size - 1)) else { return 0 }
    if let batch = try? BatchFile.read(path) {
        for job in batch.jobs { for input in job.inputs { _ = Glob.fill(job.output ?? "{stem}", file: input, job: job.name) } }
    }
    return 0
}
