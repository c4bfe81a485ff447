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
        // GLPK (no pkg-config file in Debian): the linear programs of the bound advisor.
        .systemLibrary(
            name: "CGLPK",
            providers: [.apt(["libglpk-dev"])]
        ),
        // SPSS, Stata and SAS files (no pkg-config file on Debian: linked by name in the module map).
        .systemLibrary(name: "CReadStat", providers: [.apt(["libreadstat-dev"])]),
        // Excel workbooks.
        .systemLibrary(name: "CXLSXWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        // Header only: two GNU C library functions Swift's Glibc module does not expose (sync_file_range, mallopt).
        .systemLibrary(name: "CLibcExtras"),
        // No unsafe flags: the library ships with its checks (bounds, overflow, preconditions) in every
        // configuration, the fuzzers test the same program, and other packages can depend on it.
        // Statistics only: calibration, designs, estimation, variance, intervals, panels, the bound advisor's linear
        // programs (GLPK). No file, signal or HTML.
        .target(
            name: "Weighting",
            dependencies: ["CLapack", "CGLPK"]
        ),
        // Files: CSV reading and writing (whole and chunked), SPSS/Stata/SAS files through ReadStat, margins files,
        // atomic outputs, interrupt cleanup.
        .target(
            name: "WeightingIO",
            dependencies: ["Weighting", "CReadStat", "CLibcExtras"]
        ),
        // Presentation: Markdown, HTML, SVG, JSON and Excel (libxlsxwriter) renderings of reports and estimates.
        .target(
            name: "WeightingReports",
            dependencies: ["Weighting", "WeightingIO", "CXLSXWriter"]
        ),
        // The barometer simulator and the demo built on it.
        .target(
            name: "WeightingSimulation",
            dependencies: ["Weighting", "WeightingIO", "WeightingReports"],
            resources: [.copy("Resources/data")]  // copies of data/ files (frame and margins): the demo runs anywhere
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
