// swift-tools-version:6.0
import PackageDescription

/// The per-row code (COPY encoding, hashing) mutates buffers held by classes; Swift checks each such
/// access at run time. Release builds of those two modules skip the check (debug builds, which the
/// tests run, keep it). Measured in docs/benchmarks.md.
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
        .testTarget(name: "MLflowSchemaTests", dependencies: ["MLflowSchema"]),
        .testTarget(name: "PostgresTargetTests", dependencies: ["PostgresTarget"]),
        .testTarget(name: "MigrationTests", dependencies: ["Migration", "MLflowSchema", "SQLite", "PostgresTarget"]),
        .testTarget(name: "MigrationCLITests", dependencies: ["MigrationCLI", "Migration", "PostgresTarget"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Migration", "PostgresTarget"]),
    ],
    swiftLanguageModes: [.v6]
)
