import ArgumentParser
import Dispatch
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Run a list of jobs (calibrate, estimate, test, change, compare, attrition) over many files, on all cores.",
        discussion: """
        The batch file (.toml, .yaml or .json) lists jobs; each names a command, glob patterns of input files, an \
        output template ({stem}, {name}, {dir}, {job}) and the command's options. Every job runs even if others \
        fail; a summary table (job, file, status, seconds, rows, iterations, max deviation, effective n) follows, \
        and the exit code is non-zero when any job failed (the largest failing code). --dry-run validates the whole \
        file and lists what would run. A change job's inputs are later waves, each compared with the wave1 option \
        (its inputs may be left out when the options name both waves).

        Example (jobs.toml):
          [[jobs]]
          name = "vagues"
          command = "calibrate"
          inputs = ["data/vague*.csv"]
          output = "out/{stem}-pondere.csv"
          options = { margins = "margins.csv", method = "raking", report = "out/{stem}.json" }

          weight-cli batch jobs.toml --jobs 2
        """
    )

    @Argument(help: "The batch file (.toml, .yaml, .yml or .json).") var file: String
    @Flag(help: "Validate the whole file and list what would run, without running it.") var dryRun = false
    @Option(help: "Jobs run at once (default: the number of cores).") var jobs: Int?
    @Flag(help: "Print nothing but errors.") var quiet = false
    @Flag(help: "Print each command line as it starts.") var verbose = false

    struct Task {
        var job: String
        var command: String
        var input: String
        var arguments: [String]
        var reportJSON: String?
        /// Arguments as the user wrote them (without the report added to collect statistics).
        var displayed: [String]
        /// Files the task reads.
        var inputs: [String] = []
        /// Files the task writes (the statistics report in the scratch folder excluded).
        var outputs: [String] = []
    }

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func tasks(_ batch: BatchFile, scratch: String) throws -> [Task] {
        var out: [Task] = []
        for job in batch.jobs {
            var files: [String] = []
            for pattern in job.inputs {
                let matches = Glob.expand(pattern)
                if matches.isEmpty { throw BatchError.invalid("\(file): job \(Echo.quoted(job.name))", "no file matches \(Echo.quoted(pattern))") }
                files += matches
            }
            if (job.command == "attrition" || job.command == "change") && files.isEmpty { files = [""] }
            for input in files {
                var args = [job.command]
                if !input.isEmpty {
                    // change: each matched file is the later wave, compared with the options' --wave1.
                    if job.command == "change" { args += ["--wave2", input] } else { args.append(input) }
                }
                var reportJSON: String?
                for (key, values) in job.options {
                    if values == ["__false__"] { continue }
                    if values.isEmpty { args.append("--\(key)"); continue }
                    for v in values { args += ["--\(key)", Glob.fill(v, file: input, job: job.name)] }
                }
                if let output = job.output {
                    let path = Glob.fill(output, file: input, job: job.name)
                    args += [job.command == "attrition" ? "--output-dir" : "--output", path]
                }
                let displayed = args
                if job.command == "calibrate" {
                    if let i = args.firstIndex(of: "--report"), args[i + 1].hasSuffix(".json") { reportJSON = args[i + 1] } else if !args.contains("--report") {
                        reportJSON = "\(scratch)/\(out.count).json"
                        args += ["--report", reportJSON!]
                    }
                }
                out.append(Task(job: job.name, command: job.command, input: input, arguments: args, reportJSON: reportJSON,
                                displayed: displayed))
            }
        }
        // Parse every command line now, so a bad option fails the whole batch before anything runs.
        for k in out.indices {
            let t = out[k]
            do {
                if let files = try WeightCLI.parseAsRoot(t.arguments) as? CommandFiles {
                    out[k].inputs = files.inputFiles
                    out[k].outputs = files.outputFiles.filter { $0 != t.reportJSON || t.displayed.contains($0) }
                }
            } catch {
                throw BatchError.invalid("\(file): job \(Echo.quoted(t.job)) on \(t.input)", WeightCLI.message(for: error))
            }
        }
        // Tasks run at once: no two may write one file, and none may write another's input.
        try BatchCollisions.check(out, batchFile: file)
        return out
    }

    func run() throws {
        try runReporting {
            Verbosity.quiet = quiet
            let batch = try BatchFile.read(file)
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("weight-cli-batch-\(getpid())").path
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let children = BatchChildren()
            // SIGINT / SIGTERM / SIGHUP stop the running tasks (which remove their temporary files) and wait for
            // them before the batch exits: nothing is written once it has returned.
            BatchInterrupts.install(children: children, scratch: scratch)
            let list = try tasks(batch, scratch: scratch)
            if dryRun {
                var s = "\(list.count) task(s) in \(batch.jobs.count) job(s):\n"
                for t in list { s += "  [\(t.job)] weight-cli \(t.displayed.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "))\n" }
                try OutputPlan(outputs: [OutputPlan.standardOutput], inputs: []).write([OutputPlan.Content(path: OutputPlan.standardOutput, text: s)])
                return
            }
            let results = BatchRunner(executable: CommandLine.executablePath, verbose: verbose, quiet: quiet, children: children)
                .run(list, parallel: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
            let summary = BatchRunner.summary(list, results)
            // Interrupted: the interrupt thread reports and exits with 128 + signal once every child is gone.
            if children.isStopping {
                StandardOutput.write(summary)
                while true { pause() }
            }
            // A summary that cannot be written (standard output full or closed) is exit 3.
            try OutputPlan(outputs: [OutputPlan.standardOutput], inputs: []).write([OutputPlan.Content(path: OutputPlan.standardOutput, text: summary)])
            let failures = results.filter { $0.status != 0 }
            if !failures.isEmpty {
                Diagnostics.error("\(failures.count) of \(results.count) task(s) failed")
                throw ExitCode(failures.map(\.status).max()!)
            }
        }
    }
}

/// Runs tasks as child processes of this executable, a fixed number at once.
struct BatchRunner {
    struct Result: Sendable {
        var status: Int32
        var seconds: Double
        var stderr: String
        var rows: Int?
        var iterations: Int?
        var maxDeviation: Double?
        var effectiveN: Double?
    }

    let executable: String
    let verbose: Bool
    let quiet: Bool
    var children = BatchChildren()

    func run(_ tasks: [BatchCommand.Task], parallel: Int) -> [Result] {
        let box = BatchResults(count: tasks.count)
        let semaphore = DispatchSemaphore(value: parallel)
        let group = DispatchGroup()
        let progress = Diagnostics.stderrIsTerminal && !quiet
        let done = BatchResults.Counter()
        for (k, task) in tasks.enumerated() {
            semaphore.wait()
            group.enter()
            if verbose { Diagnostics.note("start [\(task.job)] \(task.arguments.joined(separator: " "))") }
            if children.isStopping { semaphore.signal(); group.leave(); break }
            DispatchQueue.global().async {
                let r = BatchRunner.execute(self.executable, task, children: self.children)
                box.set(k, r)
                let n = done.increment()
                if progress { Diagnostics.write("\r\(n)/\(tasks.count) task(s) done") }
                if r.status != 0 && !self.quiet && !self.children.isStopping { Diagnostics.write("\n[\(task.job)] \(task.input): \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))\n") }
                semaphore.signal()
                group.leave()
            }
        }
        group.wait()
        if progress { Diagnostics.write("\n") }
        return box.all()
    }

    static func execute(_ executable: String, _ task: BatchCommand.Task, children: BatchChildren) -> Result {
        let start = DispatchTime.now()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = task.arguments
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        var env = ProcessInfo.processInfo.environment
        env[ParentLifeline.environmentKey] = "1"
        p.environment = env
        var result = Result(status: 0, seconds: 0, stderr: "")
        do {
            // The task's standard input is the lifeline: its write end, held here until the task has exited,
            // closes if the batch dies (even by SIGKILL), and the task then stops itself.
            let lifeline = try ParentLifeline.make()
            p.standardInput = lifeline.task
            defer { try? lifeline.batch.close() }
            guard try children.launch(p, outputs: task.outputs) else {
                result.status = 130
                result.stderr = "not started: the batch was interrupted"
                return result
            }
            let data = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            children.finished(p.processIdentifier)
            result.status = p.terminationStatus
            result.stderr = String(decoding: data, as: UTF8.self)
        } catch {
            result.status = 3
            result.stderr = "cannot start \(executable): \(FileSystemProblem.message(for: error) ?? String(describing: error))"
        }
        result.seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        if result.status == 0, let json = task.reportJSON, let data = FileManager.default.contents(atPath: json),
           let report = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            result.rows = report["respondents"] as? Int
            result.iterations = report["iterations"] as? Int
            result.maxDeviation = report["maxDeviation"] as? Double
            result.effectiveN = (report["kishAfter"] as? [String: Any])?["effectiveSampleSize"] as? Double
        }
        return result
    }

    static func summary(_ tasks: [BatchCommand.Task], _ results: [Result]) -> String {
        var s = "| job | file | status | seconds | rows | iterations | max deviation | effective n |\n|---|---|---|---:|---:|---:|---:|---:|\n"
        for (t, r) in zip(tasks, results) {
            let status = r.status == 0 ? "ok" : "failed (\(r.status))"
            s += "| \(t.job) | \(t.input) | \(status) | \(String(format: "%.2f", r.seconds)) | \(r.rows.map(String.init) ?? "") | \(r.iterations.map(String.init) ?? "") | \(r.maxDeviation.map { String(format: "%.1e", $0) } ?? "") | \(r.effectiveN.map { String(format: "%.1f", $0) } ?? "") |\n"
        }
        let failed = results.filter { $0.status != 0 }.count
        s += "\n\(results.count - failed) ok, \(failed) failed\n"
        return s
    }
}

/// Thread-safe result slots.
final class BatchResults: @unchecked Sendable {
    private var slots: [BatchRunner.Result?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: BatchRunner.Result) { lock.lock(); slots[i] = r; lock.unlock() }
    /// Every result; a task that never started (the batch was interrupted) counts as interrupted.
    func all() -> [BatchRunner.Result] {
        lock.lock(); defer { lock.unlock() }
        return slots.map { $0 ?? BatchRunner.Result(status: 130, seconds: 0, stderr: "not started: the batch was interrupted") }
    }

    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    }
}

extension CommandLine {
    /// The running executable's absolute path.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arguments[0]
    }
}
