import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

/// Batch tasks that would write the same file, or write a file another task reads: they run at once, so one
/// would silently overwrite the other's output or change its input. Checked when the batch file is validated
/// (so `--dry-run` reports them), by file identity: links, `..` and hard links are seen through.
enum BatchCollisions {
    /// Throws ``BatchError/invalid(_:_:)`` naming both tasks and the file for the first collision found.
    static func check(_ tasks: [BatchCommand.Task], batchFile: String) throws {
        func who(_ t: BatchCommand.Task) -> String { "job '\(t.job)'" + (t.input.isEmpty ? "" : " on \(t.input)") }
        var writers: [FileKey: (task: Int, path: String)] = [:]
        let batchKey = FileKey.input(batchFile)
        for (i, t) in tasks.enumerated() {
            for path in t.outputs {
                guard let key = FileKey.output(path) else { continue }  // devices, pipes, standard output
                if key == batchKey { throw BatchError.invalid(batchFile, "\(who(t)) writes \(path), which is this batch file") }
                if let first = writers[key] {
                    let other = tasks[first.task]
                    let what = first.task == i
                        ? "\(who(t)) writes \(first.path) twice (\(path)); give each output its own file"
                        : "\(who(other)) and \(who(t)) both write \(first.path == path ? path : "\(first.path) (\(path))"); give each task its own output, e.g. with {stem} in the template"
                    throw BatchError.invalid(batchFile, what)
                }
                writers[key] = (i, path)
            }
        }
        for t in tasks {
            for path in t.inputs {
                guard let key = FileKey.input(path), let w = writers[key] else { continue }
                let writer = tasks[w.task]
                throw BatchError.invalid(batchFile, "\(who(writer)) writes \(w.path), which \(who(t)) reads\(w.path == path ? "" : " (as \(path))"); tasks run at once, so an output cannot be another task's input: split them into two batch runs")
            }
        }
    }
}
