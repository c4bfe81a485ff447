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

    /// The message shown to the user: the replicate, the step, the reason and what to do.
    public var description: String {
        "bootstrap replicate \(replicate) of \(count): the \(step) failed: \(reason); the replicate weights cannot be computed (try another --seed, fewer calibration levels or wider bounds)"
    }
}

/// Bootstrap replicate weights carrying the whole panel weighting chain: the wave-1 calibration, then for each
/// adjustment the response model, the adjustment factors and the second-phase calibration.
///
/// Each replicate starts from Rao–Wu rescaled bootstrap multipliers of the wave-1 records
/// (``ReplicateWeights/bootstrap(_:replicates:seed:)``): about 37 % of the records get weight 0 in a replicate.
/// In a panel, later waves keep only a fraction of wave 1, so a calibration level with one or two stayers (a
/// small region) loses all of them in many replicates, and calibrating that replicate to the level's population
/// count is impossible (the estimator is undefined there). Such draws are redrawn: a candidate replicate is
/// kept only if every categorical calibration level with a positive target keeps a respondent of positive
/// weight, in wave 1 and among the stayers of every adjustment. The variance is then the bootstrap variance
/// conditional on every calibration level being represented, the conditional inference recommended for
/// post-stratified and calibrated estimators (Holt & Smith 1979; Valliant 1993). Candidates are drawn in
/// order from one seeded stream, so the result depends only on the seed.
public struct AttritionBootstrap: Sendable {
    /// Number of replicates wanted.
    public var replicates: Int
    /// Seed of the bootstrap stream.
    public var seed: UInt64
    /// Largest number of candidates drawn per replicate wanted before giving up.
    public var maxDrawsPerReplicate: Int = 50

    /// Creates the bootstrap.
    public init(replicates: Int, seed: UInt64) {
        self.replicates = replicates
        self.seed = seed
    }

    /// The replicate weights of wave 1 and of each adjustment, and how many candidates were redrawn.
    public struct Result: Sendable {
        /// Wave-1 replicates, re-calibrated to the margins.
        public var wave1: ReplicateWeights
        /// For each adjustment (same order), the replicate weights of its retained respondents.
        public var adjusted: [ReplicateWeights]
        /// Candidates drawn and left out because they emptied a calibration level.
        public var redrawn: Int
        /// The calibration levels that were emptied, with how many candidates emptied each, most frequent first.
        public var emptiedLevels: [(label: String, count: Int)]
    }

    /// Draws the replicates and runs the chain in each.
    ///
    /// - Parameters:
    ///   - calibrator: the wave-1 calibration (its margins are those of every adjustment too).
    ///   - wave1: the wave-1 calibration's result on `adjustments[k].wave1`.
    ///   - adjustments: the attrition adjustments to replicate, all on the same wave-1 table.
    /// - Throws: ``AttritionReplicateFailure`` naming the replicate when a kept replicate cannot be calibrated
    ///   or adjusted, or when too few candidates keep every level represented.
    public func run(calibrator: Calibrator, wave1: CalibrationResult, adjustments: [AttritionAdjustment]) throws -> Result {
        precondition(!adjustments.isEmpty && replicates >= 2)
        let table = adjustments[0].wave1
        let checks = try LevelPresence(table: table, margins: calibrator.margins, adjustments: adjustments)
        let design = try SurveyDesign(weights: wave1.baseWeights)
        // Candidates come from one stream: the first m of a draw of M ≥ m are those of a draw of m.
        var kept: [[Double]] = []
        var drawn = 0
        var emptied: [String: Int] = [:]
        var batch = replicates
        while kept.count < replicates {
            let limit = replicates * maxDrawsPerReplicate
            guard drawn < limit else {
                let worst = emptied.sorted { $0.value > $1.value }.prefix(3).map { "\($0.key) (\($0.value) times)" }
                throw AttritionReplicateFailure(
                    replicate: kept.count + 1, count: replicates, step: "draw",
                    reason: "only \(kept.count) of \(drawn) drawn replicates keep a respondent in every calibration level; most often emptied: \(worst.joined(separator: ", ")); collapse these levels")
            }
            let candidates = try ReplicateWeights.bootstrap(design, replicates: min(limit, drawn + batch), seed: seed)
            for r in drawn..<candidates.weights.count where kept.count < replicates {
                if let empty = checks.firstEmptyLevel(candidates.weights[r]) { emptied[empty, default: 0] += 1 } else { kept.append(candidates.weights[r]) }
            }
            drawn = candidates.weights.count
            batch *= 2
        }
        var boot = try ReplicateWeights.bootstrap(design, replicates: replicates, seed: seed)
        let draws = kept
        boot.weights = draws
        // Wave 1: re-calibrated to the margins.
        let count = replicates
        let box = ResultBox(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { r in
            do { box.set(r, .success(try calibrator.recalibrate(wave1, baseWeights: draws[r]))) } catch { box.set(r, .failure(error)) }
        }
        for r in 0..<count {
            switch box.get(r) {
            case .success(let w): boot.weights[r] = w
            case .failure(let e): throw AttritionReplicateFailure(replicate: r + 1, count: count, step: "wave-1 calibration", reason: "\(e)")
            }
        }
        var adjusted: [ReplicateWeights] = []
        for adjustment in adjustments {
            let wave1Weights = boot.weights
            let out = ResultBox(count: count)
            DispatchQueue.concurrentPerform(iterations: count) { r in
                do { out.set(r, .success(try adjustment.run(wave1Weights: wave1Weights[r]).weights)) } catch { out.set(r, .failure(error)) }
            }
            var reps = boot
            for r in 0..<count {
                switch out.get(r) {
                case .success(let w): reps.weights[r] = w
                case .failure(let e):
                    throw AttritionReplicateFailure(replicate: r + 1, count: count, step: "attrition adjustment of wave \(adjustment.wave)", reason: "\(e)")
                }
            }
            adjusted.append(reps)
        }
        return Result(wave1: boot, adjusted: adjusted, redrawn: emptied.values.reduce(0, +),
                      emptiedLevels: emptied.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map { ($0.key, $0.value) })
    }
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
    /// Levels of each adjustment, restricted to its stayers. A level of a wave-1 answer
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
            let restricted = populationLevels.map { Level(label: "\($0.label) among the stayers of wave \(adjustment.wave)", members: $0.members.filter { stays[$0] }) }
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
