import ArgumentParser
import Foundation
import WeightingReports
import WeightingSimulation
import Weighting
import WeightingIO

/// The one place where an error becomes an exit code and a message (README, "Exit codes"): 0 success, 1 bad input
/// or options, 2 calibration did not converge or its targets are unreachable, 3 a file could not be read or
/// written.
///
/// Every library error type is listed with a `switch` over all its cases (no `default`), so a new case does not
/// compile until it is given its code here. The library's messages name variables, levels and values, never a
/// command-line flag: the hints that name `weight-cli` options are added here.
enum ExitStatus {
    /// The exit code and the message for an error a command let through.
    static func classify(_ error: Error) -> (Int32, String) {
        switch error {
        case let e as DataError: return (code(e), e.description)
        case let e as StreamedReadingError: return (code(e), e.description)
        case let e as CalibrationError: return (code(e), withFlags(e))
        case let e as MarginsError: return (code(e), withFlags(e))
        case let e as DesignError: return (code(e), withFlags(e))
        case let e as EstimationError: return (code(e), withFlags(e))
        case let e as ComparisonError: return (code(e), withFlags(e))
        case let e as LogisticError: return (code(e), e.description)
        case let e as PanelError: return (code(e), e.description)
        case let e as AttritionError: return (code(e), withFlags(e))
        case let e as LinearAlgebraError: return (code(e), e.description)
        case let e as OutputPathError: return (code(e), e.description)
        case let e as BoundAdvisorError: return (code(e), e.description)
        case let e as MissingValueError: return (code(e), withFlags(e))
        case let e as GroupedMarginsError: return (code(e), e.description)
        case let e as CalibrationMethodError: return (code(e), e.description)
        case let e as StatFileError: return (code(e), e.description)
        case let e as MarginCostsError: return (code(e), e.description)
        case let e as ReliabilityRulesError: return (code(e), withFlags(e))
        case let e as ReplicateCalibrationFailure:
            // The replicate's own error decides: a replicate that does not converge is a calibration that does
            // not converge (2).
            let (underlyingCode, _) = classify(e.underlying)
            return (underlyingCode, withFlags(e))
        case let e as AttritionReplicateFailure:
            return (2, e.description.replacingOccurrences(of: AttritionReplicateFailure.advice,
                                                          with: "try another --seed, fewer calibration levels or wider bounds"))
        case let e as BatchError: return (1, e.description)
        case let e as OptionProblem: return (1, e.description)
        case let e as TestCommand.RequestError: return (1, e.description)
        case let e as ChangeCommand.ChangeInputError: return (1, e.description)
        case let e as CustomStringConvertible where !(e is NSError): return (1, e.description)
        default:
            // Foundation's file-system errors (e.g. creating a folder where a file stands) are said in plain
            // words with exit code 3, never as NSCocoaErrorDomain text.
            if let plain = FileSystemProblem.message(for: error) { return (3, plain) }
            return (1, String(describing: error))
        }
    }

    static func code(_ e: DataError) -> Int32 {
        switch e {
        case .cannotRead, .cannotWrite: return 3
        case .emptyFile, .noDataRows, .invalidUTF8, .utf16, .unterminatedQuote, .strayQuote, .raggedRow,
             .duplicateColumn, .emptyColumnName, .unknownColumn, .notANumber, .nonFiniteNumber, .outputIsInput,
             .changedWhileReading, .columnLengthMismatch:
            return 1
        }
    }

    static func code(_ e: StreamedReadingError) -> Int32 {
        switch e {
        case .changedBetweenPasses: return 1  // as DataError.changedWhileReading
        }
    }

    static func code(_ e: CalibrationError) -> Int32 {
        switch e {
        case .didNotConverge(_, let deviation, _) where !deviation.isFinite: return 1  // overflow: the input's scale
        case .didNotConverge, .infeasible, .trimmingInfeasible: return 2
        case .invalidBaseWeight, .missingValues, .levelsNotInMargins, .emptyMarginLevels, .zeroTargetWithRespondents,
             .poststratificationNeedsOneMargin, .invalidBounds, .invalidOption, .inconsistentRedundantConstraints,
             .invalidCollapse, .nonFinite:
            return 1
        }
    }

    static func code(_ e: MarginsError) -> Int32 {
        switch e {
        case .missingHeaderColumn, .negativeTarget, .emptyVariable, .levelArity, .duplicateRow, .sharesDoNotSumToOne,
             .sharesNeedPopulation, .inconsistentTotals, .empty, .malformedMargin:
            return 1
        }
    }

    static func code(_ e: DesignError) -> Int32 {
        switch e {
        case .lonelyPSU, .invalidFPC, .missingDesignValue, .invalidReplicates, .replicatesOfAdjustedDesign,
             .adjustmentBaseWeightsDiffer, .lengthMismatch, .adjustmentNotReplicable:
            return 1
        }
    }

    static func code(_ e: EstimationError) -> Int32 {
        switch e {
        case .allMissing, .notNumeric, .zeroDenominator, .invalidLevel, .invalidQuantile: return 1
        }
    }

    static func code(_ e: ComparisonError) -> Int32 {
        switch e {
        case .levelNeeded, .unknownLevel, .unknownName, .malformedContrast, .wrongLevelCount, .singularCovariance,
             .emptyDomain:
            return 1
        }
    }

    static func code(_ e: LogisticError) -> Int32 {
        switch e {
        case .separation, .didNotConverge, .collinear, .constantResponse: return 1
        }
    }

    static func code(_ e: PanelError) -> Int32 {
        switch e {
        case .duplicateIdentifier, .missingIdentifier, .needsTwoWaves, .newcomersWithoutCalibrationVariable,
             .invalidLongitudinalWaves, .replicatesNeedWaveOne:
            return 1
        }
    }

    static func code(_ e: AttritionError) -> Int32 {
        switch e {
        case .nobodyLeft, .nobodyStayed, .missingCovariate: return 1
        }
    }

    static func code(_ e: LinearAlgebraError) -> Int32 {
        switch e {
        case .notPositiveDefinite, .svdDidNotConverge, .illegalArgument: return 1
        // A solve that met NaN or infinity: the weights diverged, as a calibration that did not converge.
        case .nonFinite: return 2
        }
    }

    static func code(_ e: OutputPathError) -> Int32 {
        switch e {
        case .sameOutput, .outputIsInput: return 1
        }
    }

    /// Bounds no linear program can make feasible are unreachable targets (2), as an infeasible calibration.
    static func code(_ e: BoundAdvisorError) -> Int32 {
        switch e {
        case .unreachableAtAnyBounds: return 2
        }
    }

    static func code(_ e: MissingValueError) -> Int32 {
        switch e {
        case .missingLevelWithoutMissingValues, .excludeNeedsSingleVariableMargin: return 1
        }
    }

    static func code(_ e: GroupedMarginsError) -> Int32 {
        switch e {
        case .emptyGroup, .missingGroup, .groupWithoutMargins, .groupAbsentFromData, .differentVariables,
             .inconsistentTotals:
            return 1
        }
    }

    static func code(_ e: CalibrationMethodError) -> Int32 {
        switch e {
        case .unknownName, .missingBounds, .unexpectedBounds: return 1
        }
    }

    /// A file ReadStat refuses (truncated, not of its format) is bad input, as a malformed CSV file.
    static func code(_ e: StatFileError) -> Int32 {
        switch e {
        case .refused, .tooManyRecords, .cannotConvert: return 1
        }
    }

    static func code(_ e: MarginCostsError) -> Int32 {
        switch e {
        case .invalidCost: return 1
        }
    }

    static func code(_ e: ReliabilityRulesError) -> Int32 {
        switch e {
        case .badHeader, .fieldCount, .unknownRule, .badThreshold, .unknownAction, .empty: return 1
        }
    }

    // MARK: - Flag hints

    /// The calibration message with the advice said as `weight-cli` options.
    static func withFlags(_ e: CalibrationError) -> String {
        switch e {
        case .emptyMarginLevels:
            return e.description.replacingOccurrences(
                of: CalibrationError.Advice.collapse,
                with: "collapse them with --collapse 'CELL->NEIGHBOUR' or --collapse-ordered VARIABLE")
        case .poststratificationNeedsOneMargin:
            return e.description.replacingOccurrences(of: CalibrationError.Advice.raking,
                                                      with: "use --method raking for several margins")
        case .didNotConverge:
            return e.description.replacingOccurrences(
                of: CalibrationError.Advice.iterations,
                with: "raise --max-iterations, widen the bounds or simplify the margins")
        case .missingValues:
            return e.description.replacingOccurrences(
                of: CalibrationError.Advice.missingPolicy,
                with: "impute or drop them first, or choose a missing-value policy (--missing level with an NA target in the margins, or --missing exclude)")
        case .invalidOption:
            return e.description
                .replacingOccurrences(of: CalibrationError.Advice.scalePopulation, with: "--scale population")
                .replacingOccurrences(of: CalibrationError.Advice.maxIterations, with: "--max-iterations")
        default:
            return e.description
        }
    }

    /// The margins message with the option that gives a population size.
    static func withFlags(_ e: MarginsError) -> String {
        if case .sharesNeedPopulation = e { return e.description + " (--population N)" }
        return e.description
    }

    /// The estimation message naming `--statistic mean`.
    static func withFlags(_ e: EstimationError) -> String {
        if case .notNumeric = e {
            return e.description.replacingOccurrences(of: "; use the mean for the proportions",
                                                      with: "; use --statistic mean for the proportions")
        }
        return e.description
    }

    /// The comparison message naming `weight-cli test --category`.
    static func withFlags(_ e: ComparisonError) -> String {
        if case .levelNeeded = e {
            return e.description.replacingOccurrences(of: "give the level whose proportion to compare, one of",
                                                      with: "give the level whose proportion to compare (weight-cli test --category), one of")
        }
        return e.description
    }

    /// The replicate message with the calibration's own hints.
    static func withFlags(_ e: ReplicateCalibrationFailure) -> String {
        let (_, inner) = classify(e.underlying)
        return "replicate weights: replicate \(e.replicate) of \(e.count) cannot be calibrated: \(inner)"
    }
}

extension ExitStatus {
    /// The JK1 message naming `--variance jkn`, the lonely-PSU message naming `--lonely-psu`.
    static func withFlags(_ e: DesignError) -> String {
        e.description.replacingOccurrences(of: "; use JKn with strata", with: "; use JKn (--variance jkn) with strata")
            .replacingOccurrences(of: "choose a treatment of lonely PSUs: remove, certainty, adjust or average",
                                  with: "choose --lonely-psu remove|certainty|adjust|average")
    }

    /// The missing-value policy messages naming `--missing`.
    static func withFlags(_ e: MissingValueError) -> String {
        e.description.replacingOccurrences(of: MissingValueError.excludePolicy, with: "--missing exclude")
            .replacingOccurrences(of: MissingValueError.levelPolicy, with: "use --missing level")
    }

    /// The response-model covariate message naming `--covariates`.
    static func withFlags(_ e: AttritionError) -> String {
        e.description.replacingOccurrences(of: "leave the covariate out of the response model",
                                           with: "leave the covariate out of --covariates")
    }

    /// The empty flags file message naming `--flags none`.
    static func withFlags(_ e: ReliabilityRulesError) -> String {
        e.description.replacingOccurrences(of: "(ask for no flags instead of an empty rule set)",
                                           with: "(use --flags none for no flags)")
    }
}
