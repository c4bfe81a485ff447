// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Weighting",
    products: [
        .library(name: "Weighting", targets: ["Weighting"]),
        .library(name: "WeightingIO", targets: ["WeightingIO"]),
        .library(name: "WeightingReports", targets: ["WeightingReports"]),
        .library(name: "WeightingSimulation", targets: ["WeightingSimulation"]),
        .executable(name: "weight-cli", targets: ["weight-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLapack",
            pkgConfig: "lapack",
            providers: [.apt(["liblapack-dev", "libblas-dev"])]
        ),
        // No unsafe flags: the library ships with its checks (bounds, overflow, preconditions) in every
        // configuration, the fuzzers test the same program, and other packages can depend on it.
        // Statistics only: calibration, designs, estimation, variance, intervals, panels. No file, signal or HTML.
        .target(
            name: "Weighting",
            dependencies: ["CLapack"]
        ),
        // Files: CSV reading and writing (whole and chunked), margins files, atomic outputs, interrupt cleanup.
        .target(
            name: "WeightingIO",
            dependencies: ["Weighting"]
        ),
        // Presentation: Markdown, HTML, SVG and JSON renderings of reports and estimates.
        .target(
            name: "WeightingReports",
            dependencies: ["Weighting", "WeightingIO"]
        ),
        // The barometer simulator and the demo built on it.
        .target(
            name: "WeightingSimulation",
            dependencies: ["Weighting", "WeightingIO", "WeightingReports"],
            resources: [.copy("Resources/margins")]  // copies of two data/margins files: the demo runs anywhere
        ),
        .executableTarget(
            name: "weight-cli",
            dependencies: [
                "Weighting",
                "WeightingIO",
                "WeightingReports",
                "WeightingSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // Helpers shared by the test targets: temporary files, tolerances, the CLI runner.
        .target(
            name: "WeightingTestSupport",
            path: "Tests/WeightingTestSupport"
        ),
        .testTarget(
            name: "WeightingTests",
            dependencies: ["Weighting", "WeightingIO", "WeightingReports", "WeightingSimulation", "WeightingTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        // The public API only (`import Weighting`, no @testable): the getting-started article's code, run.
        .testTarget(
            name: "PublicAPITests",
            dependencies: ["Weighting"],
            exclude: ["make_golden.R", "golden.txt"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["weight-cli", "Weighting", "WeightingIO", "WeightingReports", "WeightingSimulation",
                           "WeightingTestSupport"],
            exclude: ["BadInputs"]  // read from the source tree by BadInputCorpusTests
        ),
    ]
)
