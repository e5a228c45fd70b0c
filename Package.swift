// swift-tools-version:6.0
import PackageDescription

/// Release builds of the per-row modules skip Swift's run-time exclusivity checks.
///
/// The per-row code (COPY encoding, hashing) mutates buffers held by classes, and Swift checks each
/// such access at run time. Debug builds, which the tests run, keep the checks. Measured in
/// docs/benchmarks.md.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "mlflow-pg-migrate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mlflow-import", targets: ["mlflow-import"]),
        .executable(name: "mlflow-verify", targets: ["mlflow-verify"]),
        .executable(name: "mlflow-export", targets: ["mlflow-export"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "SQLite", dependencies: ["CSQLite3"]),
        .target(name: "CPOSIX"),
        .target(name: "PostgresTarget", dependencies: ["CLibPQ"], swiftSettings: hotPath),
        .target(name: "MLflowSchema"),
        .target(name: "Migration", dependencies: ["SQLite", "PostgresTarget", "MLflowSchema", "CPOSIX"], swiftSettings: hotPath),
        .target(
            name: "MigrationCLI",
            dependencies: [
                "Migration",
                "PostgresTarget",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "mlflow-import", dependencies: ["MigrationCLI"]),
        .executableTarget(name: "mlflow-verify", dependencies: ["MigrationCLI"]),
        .executableTarget(name: "mlflow-export", dependencies: ["MigrationCLI"]),
        .target(name: "TestSupport", dependencies: ["Migration", "PostgresTarget", "SQLite"], path: "Tests/TestSupport"),
        .testTarget(name: "MLflowSchemaTests", dependencies: ["MLflowSchema"]),
        .testTarget(name: "PostgresTargetTests", dependencies: ["PostgresTarget"]),
        .testTarget(name: "MigrationTests", dependencies: ["Migration", "MLflowSchema", "SQLite", "PostgresTarget", "TestSupport"]),
        .testTarget(name: "MigrationCLITests", dependencies: ["MigrationCLI", "Migration", "PostgresTarget", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Migration", "PostgresTarget", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
