import Dispatch

/// A bootstrap replicate of a panel's weighting chain that cannot be computed: the replicate's number, the
/// step that failed and why. The command line reports it with the exit code of a calibration that does not
/// converge (2).
public struct AttritionReplicateFailure: Error, Sendable, CustomStringConvertible {
    /// The replicate (1-based) that failed.
    public var replicate: Int
    /// Number of replicates asked for.
    public var count: Int
    /// The failing step, e.g. `wave-1 calibration` or `attrition adjustment of wave 3`.
    public var step: String
    /// What went wrong, in the words of the underlying error.
    public var reason: String

    /// Creates the failure.
    public init(replicate: Int, count: Int, step: String, reason: String) {
        self.replicate = replicate
        self.count = count
        self.step = step
        self.reason = reason
    }

    /// What to do, in the library's terms (a front end may name its options).
    public static let advice = "try another seed, fewer calibration levels or wider bounds"

    /// The message shown to the user: the replicate, the step, the reason and what to do.
    public var description: String {
        "bootstrap replicate \(replicate) of \(count): the \(step) failed: \(reason); the replicate weights cannot be computed (\(Self.advice))"
    }
}

/// Bootstrap replicate weights carrying the whole panel weighting chain: the wave-1 calibration, then for each
/// adjustment the response model, the adjustment factors and the second-phase calibration.
///
/// Each replicate starts from Rao–Wu rescaled bootstrap multipliers of the wave-1 records
/// (``ReplicateWeights/bootstrap(_:replicates:seed:)``): about 37 % of the records get weight 0 in a replicate.
/// In a panel, later waves keep only a fraction of wave 1, so a calibration level with one or two stayers (a
/// small region) loses all of them in many replicates, or keeps only stayers that also carry another level, and
/// calibrating that replicate to the population margins is impossible (the estimator is undefined there). Such
/// draws are redrawn: a candidate replicate is kept only if every categorical calibration level with a positive
/// target keeps a respondent of positive weight, in wave 1 and among the stayers of every adjustment (checked
/// before calibrating), and if its whole chain then succeeds. The variance is the bootstrap variance conditional
/// on the calibrated estimator being defined, i.e. on every calibration level being represented, the conditional
/// inference recommended for post-stratified and calibrated estimators (Holt & Smith 1979; Valliant 1993).
/// Candidates are drawn in order from one seeded stream and kept in that order, so the result depends only on
/// the seed. When fewer than one candidate in ten can be kept (at most `10 R + 20` draws), the replicates are
/// refused with the first failure: conditioning on a rare event would no longer estimate the variance.
public struct AttritionBootstrap: Sendable {
    /// Number of replicates wanted.
    public var replicates: Int
    /// Seed of the bootstrap stream.
    public var seed: UInt64

    /// Creates the bootstrap.
    public init(replicates: Int, seed: UInt64) {
        self.replicates = replicates
        self.seed = seed
    }

    /// Largest number of candidates drawn: `10 R + 20`.
    public var maxDraws: Int { 10 * replicates + 20 }

    /// The replicate weights of wave 1 and of each adjustment, and how many candidates were redrawn.
    public struct Result: Sendable {
        /// Wave-1 replicates, re-calibrated to the margins.
        public var wave1: ReplicateWeights
        /// For each adjustment (same order), the replicate weights of its retained respondents.
        public var adjusted: [ReplicateWeights]
        /// Candidates drawn and left out (an emptied level, or a chain that failed).
        public var redrawn: Int
        /// Why candidates were left out (an emptied level's label, or the failing step), with how many
        /// candidates each, most frequent first.
        public var reasons: [(label: String, count: Int)]
    }

    /// One candidate's chain: the wave-1 weights re-calibrated, then each adjustment's weights.
    typealias Chain = Swift.Result<[[Double]], AttritionReplicateFailure>

    /// Draws the replicates and runs the chain in each.
    ///
    /// - Parameters:
    ///   - calibrator: the wave-1 calibration (each adjustment calibrates to its own ``AttritionAdjustment/margins``).
    ///   - wave1: the wave-1 calibration's result on `adjustments[k].wave1`.
    ///   - adjustments: the attrition adjustments to replicate, all on the same wave-1 table.
    /// - Throws: ``AttritionReplicateFailure`` naming the first replicate that could not be obtained, with the
    ///   first failure's step and reason, when fewer than `replicates` of ``maxDraws`` candidates can be kept.
    public func run(calibrator: Calibrator, wave1: CalibrationResult, adjustments: [AttritionAdjustment]) throws -> Result {
        precondition(!adjustments.isEmpty && replicates >= 2)
        let checks = try LevelPresence(table: adjustments[0].wave1, margins: calibrator.margins, adjustments: adjustments)
        let design = try SurveyDesign(weights: wave1.baseWeights)
        let replicates = self.replicates
        @Sendable func chain(_ d: [Double], number: Int) -> Chain {
            var out: [[Double]] = []
            do { out.append(try calibrator.recalibrate(wave1, baseWeights: d)) } catch {
                return .failure(AttritionReplicateFailure(replicate: number, count: replicates, step: "wave-1 calibration", reason: "\(error)"))
            }
            for a in adjustments {
                do { out.append(try a.run(wave1Weights: out[0]).weights) } catch {
                    return .failure(AttritionReplicateFailure(replicate: number, count: replicates, step: "attrition adjustment of wave \(a.wave)", reason: "\(error)"))
                }
            }
            return .success(out)
        }
        // Candidates come from one stream: the first m of a draw of M ≥ m are those of a draw of m.
        var kept: [[[Double]]] = []
        var drawn = 0
        var reasons: [String: Int] = [:]
        var firstFailure: AttritionReplicateFailure?
        while kept.count < replicates {
            guard drawn < maxDraws else {
                var failure = firstFailure ?? AttritionReplicateFailure(replicate: kept.count + 1, count: replicates, step: "draw", reason: "")
                failure.replicate = kept.count + 1
                let why = reasons.sorted { $0.value > $1.value }.prefix(3).map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
                failure.reason += "\(failure.reason.isEmpty ? "" : "; ")only \(kept.count) of \(drawn) drawn replicates could be calibrated; most frequent causes: \(why)"
                throw failure
            }
            let want = min(maxDraws, drawn + max(2 * (replicates - kept.count), 8))
            let candidates = try ReplicateWeights.bootstrap(design, replicates: want, seed: seed).weights
            var toRun: [Int] = []
            var emptyLevel: [Int: String] = [:]
            for r in drawn..<candidates.count {
                if let level = checks.firstEmptyLevel(candidates[r]) { emptyLevel[r] = level } else { toRun.append(r) }
            }
            let box = ChainBox(count: toRun.count)
            let number = kept.count + 1, runs = toRun
            DispatchQueue.concurrentPerform(iterations: runs.count) { j in box.set(j, chain(candidates[runs[j]], number: number)) }
            var next = 0
            for r in drawn..<candidates.count where kept.count < replicates {
                if let level = emptyLevel[r] { reasons["\(level) empty", default: 0] += 1; continue }
                switch box.get(next) {
                case .success(let weights): kept.append(weights)
                case .failure(var failure):
                    failure.replicate = kept.count + 1
                    if firstFailure == nil { firstFailure = failure }
                    reasons["\(failure.step) failed", default: 0] += 1
                }
                next += 1
            }
            drawn = candidates.count
        }
        var boot = try ReplicateWeights.bootstrap(design, replicates: replicates, seed: seed)
        boot.weights = kept.map { $0[0] }
        let adjusted = adjustments.indices.map { k in
            var reps = boot
            reps.weights = kept.map { $0[k + 1] }
            return reps
        }
        return Result(wave1: boot, adjusted: adjusted, redrawn: reasons.values.reduce(0, +),
                      reasons: reasons.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map { ($0.key, $0.value) })
    }
}

/// Thread-safe slots for the candidates' chains computed in parallel.
final class ChainBox: @unchecked Sendable {
    private var slots: [AttritionBootstrap.Chain?]
    private let lock = NSLockLike()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: AttritionBootstrap.Chain) { lock.locked { slots[i] = value } }
    func get(_ i: Int) -> AttritionBootstrap.Chain { lock.locked { slots[i]! } }
}

/// For each categorical calibration level, the wave-1 records in it, to tell whether a replicate keeps a
/// respondent of positive weight in the level, in wave 1 and among the stayers of each adjustment.
struct LevelPresence {
    /// A level that must stay represented: its label and its member records (wave-1 rows).
    struct Level {
        var label: String
        var members: [Int]
    }
    /// Levels of the wave-1 calibration (positive targets).
    var wave1Levels: [Level] = []
    /// Levels of each adjustment's population margins, restricted to its stayers. A level of a wave-1 answer
    /// (`calibrateToWave1`) must be represented only when the replicate gives it a positive wave-1 total.
    var adjustmentLevels: [(wave: Int, levels: [Level], answerLevels: [(all: [Int], stayers: Level)])] = []

    init(table: Table, margins: Margins, adjustments: [AttritionAdjustment]) throws {
        func levels(of margin: CategoricalMargin) throws -> [Level] {
            let recordLevel = try AuxiliaryDesign.recordLevels(table: table, margin: margin).levels
            var members = [[Int]](repeating: [], count: margin.levels.count)
            for (i, l) in recordLevel.enumerated() where l >= 0 { members[Int(l)].append(i) }
            return margin.levels.indices.filter { margin.targets[$0] > 0 }.map { Level(label: margin.label($0), members: members[$0]) }
        }
        var populationLevels: [Level] = []
        for m in margins.categorical { populationLevels += try levels(of: m) }
        wave1Levels = populationLevels
        for adjustment in adjustments {
            let stays = adjustment.retained
            // The adjustment's own margins (a later wave's second phase may have other margins than wave 1's).
            var phase2Levels = populationLevels
            if adjustment.margins != margins {
                phase2Levels = []
                for m in adjustment.margins.categorical { phase2Levels += try levels(of: m) }
            }
            let restricted = phase2Levels.map { Level(label: "\($0.label) among the stayers of wave \(adjustment.wave)", members: $0.members.filter { stays[$0] }) }
            var answers: [(all: [Int], stayers: Level)] = []
            for v in adjustment.calibrateToWave1 where (try? table.numeric(v)) == nil {
                let c = try table.categorical(v)
                var members = [[Int]](repeating: [], count: c.levels.count)
                for (i, code) in c.codes.enumerated() where code != CategoricalColumn.missing { members[Int(code)].append(i) }
                for (l, level) in c.levels.enumerated() {
                    answers.append((members[l], Level(label: "\(v)=\(level) among the stayers of wave \(adjustment.wave)", members: members[l].filter { stays[$0] })))
                }
            }
            adjustmentLevels.append((adjustment.wave, restricted, answers))
        }
    }

    /// The label of the first level a replicate (wave-1 bootstrap weights) leaves without a respondent of
    /// positive weight, or nil when every level is represented.
    func firstEmptyLevel(_ w: [Double]) -> String? {
        func represented(_ members: [Int]) -> Bool { members.contains { w[$0] > 0 } }
        for l in wave1Levels where !represented(l.members) { return l.label }
        for a in adjustmentLevels {
            for l in a.levels where !represented(l.members) { return l.label }
            for answer in a.answerLevels where represented(answer.all) && !represented(answer.stayers.members) { return answer.stayers.label }
        }
        return nil
    }
}
