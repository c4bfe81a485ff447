#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Weighting

/// All the outputs of one command, checked before anything is written and committed together.
///
/// Creating a plan resolves every output path (``OutputDestination``), refuses two outputs that are the same
/// file and an output that is one of the inputs (after following links, `..` and hard links), checks that each
/// folder exists and is writable, and removes stale temporary files of earlier runs that were killed
/// (``FileIO/removeStaleTemporaries(of:)``). ``write(_:)`` then writes every file output to a temporary file
/// beside its target, writes devices, pipes and descriptors directly, and only when all of that succeeded renames
/// the temporaries, with interrupting signals deferred: a failure or a signal before that point leaves every
/// previous output as it was and no temporary file.
public struct OutputPlan: Sendable {
    /// The path that names standard output (written directly to descriptor 1).
    public static let standardOutput = "/dev/stdout"

    /// The outputs, in the order given.
    public let destinations: [OutputDestination]

    /// Resolves and checks the outputs of a command.
    ///
    /// - Parameters:
    ///   - outputs: output paths; ``standardOutput`` for standard output. Devices and descriptors may repeat.
    ///   - inputs: files the command reads; none of them may be overwritten.
    ///   - createFolders: outputs whose missing folders are created when writing (e.g. the files of an output
    ///     folder); for the others a missing folder is an error.
    /// - Throws: ``OutputPathError`` (two outputs are one file, or an output is an input), or
    ///   ``DataError/cannotWrite(file:reason:)`` (folder missing or not writable, output is a folder, ...).
    public init(outputs: [String], inputs: [String], createFolders: Set<String> = []) throws {
        let destinations = try outputs.map { try OutputDestination.resolve($0, createFolders: createFolders.contains($0)) }
        for (i, d) in destinations.enumerated() {
            guard let key = d.key else { continue }
            // Several outputs may go to one descriptor (written one after the other), never to one file.
            if let j = destinations[..<i].firstIndex(where: { $0.key == key && !($0.isDirect && d.isDirect) }) {
                throw OutputPathError.sameOutput(first: destinations[j].displayName, second: d.displayName)
            }
        }
        for input in inputs {
            guard let key = OutputDestination.inputKey(input) else { continue }
            if let d = destinations.first(where: { $0.key == key }) { throw OutputPathError.outputIsInput(output: d.displayName, input: input) }
        }
        self.destinations = destinations
        for d in destinations where !d.isDirect { FileIO.removeStaleTemporaries(of: d.path) }
    }

    /// The content of one output: the path as given to the plan and a function writing the bytes.
    public struct Content {
        /// The output path, as given to ``OutputPlan/init(outputs:inputs:createFolders:)``.
        public let path: String
        /// Writes the content.
        public let body: (inout ByteSink) throws -> Void

        /// Content written by a function (e.g. streamed from an input file).
        public init(path: String, body: @escaping (inout ByteSink) throws -> Void) {
            self.path = path
            self.body = body
        }

        /// Text content (UTF-8).
        public init(path: String, text: String) {
            self.init(path: path) { sink in sink.write(text.utf8) }
        }

        /// Byte content.
        public init(path: String, bytes: [UInt8]) {
            self.init(path: path) { sink in sink.write(bytes) }
        }
    }

    /// Writes the contents: temporary files first, then devices, pipes and descriptors, then every rename.
    ///
    /// - Precondition: each content's path is one of the plan's outputs.
    /// - Throws: ``DataError/cannotWrite(file:reason:)`` on any write error (disk full, `/dev/full`, closed
    ///   pipe), or whatever a content's body throws; nothing is renamed then and no temporary file is left.
    public func write(_ contents: [Content]) throws {
        var used = Set<Int>()
        let pairs: [(OutputDestination, Content)] = contents.map { c in
            guard let i = destinations.indices.first(where: { destinations[$0].name == c.path && !used.contains($0) }) else {
                preconditionFailure("\(c.path) is not an output of this plan")
            }
            used.insert(i)
            return (destinations[i], c)
        }
        var staged: [StagedFile] = []
        var createdFolders: [String] = []
        func abandon() {
            FileIO.withInterruptsDeferred {
                for s in staged { unlink(s.temporary); close(s.descriptor); TemporaryFiles.shared.unregister(s.temporary) }
            }
            for f in createdFolders.reversed() { rmdir(f) }
        }
        do {
            for (d, c) in pairs where !d.isDirect {
                for f in d.missingFolders where !createdFolders.contains(f) {
                    if mkdir(f, 0o777) != 0 && errno != EEXIST {
                        throw DataError.cannotWrite(file: d.name, reason: "cannot create folder \(f): \(FileIO.errnoText())")
                    }
                    createdFolders.append(f)
                }
                staged.append(try FileIO.stage(d, c.body))
            }
            for (d, c) in pairs where d.isDirect { try FileIO.writeDirectly(d, c.body) }
            // Fault injection for the interruption tests: hold the complete temporary files before the renames.
            if !staged.isEmpty, let delay = FileIO.testWriteDelay { usleep(UInt32(delay * 1_000_000)) }
        } catch {
            abandon()
            throw error
        }
        // The renames happen together: a signal arriving now is delivered once they are all done.
        try FileIO.withInterruptsDeferred {
            for (k, s) in staged.enumerated() where rename(s.temporary, s.destination.path) != 0 {
                let reason = FileIO.errnoText()
                for rest in staged[k...] { unlink(rest.temporary) }
                for s in staged { close(s.descriptor); TemporaryFiles.shared.unregister(s.temporary) }
                throw DataError.cannotWrite(file: s.destination.name, reason: reason)
            }
            for s in staged { close(s.descriptor); TemporaryFiles.shared.unregister(s.temporary) }
        }
        for folder in Set(staged.map { FileIO.directoryOf($0.destination.path) }) { FileIO.syncFolder(folder) }
    }

    /// A finished temporary file waiting for its rename.
    struct StagedFile {
        var destination: OutputDestination
        var temporary: String
        /// Kept open (and locked) until the rename, so that no other run takes it for a stale temporary.
        var descriptor: Int32
    }
}
