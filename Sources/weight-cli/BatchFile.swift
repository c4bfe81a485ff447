import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

/// A batch file: jobs to run, each a weight-cli subcommand over the files matching glob patterns.
///
/// ```yaml
/// jobs:
///   - name: vague1
///     command: calibrate
///     inputs: ["data/*.csv"]
///     output: "out/{stem}-weighted.csv"
///     options: { margins: margins.csv, method: raking, report: "out/{stem}.md" }
/// ```
/// Templates: `{stem}` (file name without extension), `{name}` (file name), `{dir}` (its folder), `{job}`.
struct BatchFile {
    struct Job {
        var name: String
        var command: String
        var inputs: [String]
        var output: String?
        var options: [(String, [String])]
    }

    var jobs: [Job]

    static let commands = ["calibrate", "estimate", "test", "change", "compare", "attrition", "inspect"]

    /// Interprets a parsed batch document (from JSON, YAML or TOML) into jobs, checking every key.
    static func interpret(_ root: Any, path: String) throws -> BatchFile {
        guard let dict = root as? [String: Any], let jobs = dict["jobs"] as? [Any] else {
            throw BatchError.invalid(path, "the file must have a list 'jobs'")
        }
        var out: [Job] = []
        for (k, raw) in jobs.enumerated() {
            let at = "\(path): job \(k + 1)"
            guard let job = raw as? [String: Any] else { throw BatchError.invalid(at, "a job must be a table/object") }
            for key in job.keys where !["name", "command", "inputs", "input", "output", "options"].contains(key) {
                throw BatchError.invalid(at, "unknown key \(Echo.quoted(key)) (name, command, inputs, output, options)")
            }
            guard let command = job["command"] as? String else { throw BatchError.invalid(at, "missing 'command'") }
            guard commands.contains(command) else {
                throw BatchError.invalid(at, "unknown command \(Echo.quoted(command)) (\(commands.joined(separator: ", ")))")
            }
            var inputs: [String] = []
            if let list = job["inputs"] as? [Any] { inputs = list.compactMap { $0 as? String } } else if let one = (job["inputs"] ?? job["input"]) as? String { inputs = [one] }
            if inputs.isEmpty && command != "attrition" && command != "change" { throw BatchError.invalid(at, "missing 'inputs' (a glob pattern or a list of them)") }
            var options: [(String, [String])] = []
            if let opts = job["options"] as? [String: Any] {
                for key in opts.keys.sorted() {
                    let value = opts[key]!
                    switch value {
                    case let list as [Any]: options.append((key, list.map { "\($0)" }))
                    case let b as Bool: options.append((key, b ? [] : ["__false__"]))
                    default: options.append((key, ["\(value)"]))
                    }
                }
            } else if job["options"] != nil {
                throw BatchError.invalid(at, "'options' must be a table/object of option: value")
            }
            out.append(Job(name: job["name"] as? String ?? "job\(k + 1)", command: command, inputs: inputs,
                           output: job["output"] as? String, options: options))
        }
        return BatchFile(jobs: out)
    }
}

/// Errors of batch files.
enum BatchError: Error, CustomStringConvertible {
    case invalid(String, String)
    var description: String {
        switch self {
        case .invalid(let at, let what): return "\(at): \(what)"
        }
    }
}

/// Expands glob patterns (`*`, `?`, `[...]`) with POSIX glob(3), sorted.
enum Glob {
    static func expand(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }

    /// Fills `{stem}`, `{name}`, `{dir}`, `{job}` in a template.
    static func fill(_ template: String, file: String, job: String) -> String {
        // Plain string handling: NSString.deletingLastPathComponent crashed on one-character paths (found by
        // the batch fuzzer, input "v"; regression case "batch: one-character file name" in the corpus).
        let slash = file.lastIndex(of: "/")
        let name = slash.map { String(file[file.index(after: $0)...]) } ?? file
        let dir = slash.map { String(file[..<$0]) } ?? "."
        let stem = name.lastIndex(of: ".").map { $0 == name.startIndex ? name : String(name[..<$0]) } ?? name
        return template.replacingOccurrences(of: "{stem}", with: stem).replacingOccurrences(of: "{name}", with: name)
            .replacingOccurrences(of: "{dir}", with: dir.isEmpty ? "/" : dir).replacingOccurrences(of: "{job}", with: job)
    }

}
