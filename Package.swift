// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Weighting",
    products: [
        .library(name: "Weighting", targets: ["Weighting"]),
        .executable(name: "weight-cli", targets: ["weight-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLapack",
            pkgConfig: "lapack",
            providers: [.apt(["liblapack-dev", "libblas-dev"])]
        ),
        // No unsafe flags: the library ships with its checks (bounds, overflow, preconditions) in every
        // configuration, the fuzzers test the same program, and other packages can depend on it.
        .target(
            name: "Weighting",
            dependencies: ["CLapack"]
        ),
        .executableTarget(
            name: "weight-cli",
            dependencies: [
                "Weighting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .testTarget(
            name: "WeightingTests",
            dependencies: ["Weighting"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["weight-cli", "Weighting"],
            exclude: ["BadInputs"]  // read from the source tree by BadInputCorpusTests
        ),
    ]
)
