// swift-tools-version:6.1
// Annolab: an annotation lab where operators do paid labelling work in timed blocks.
import PackageDescription

let package = Package(
    name: "annolab",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "annolab", targets: ["annolab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", "2.28.0"..<"2.29.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", "2.5.0"..<"2.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", "7.10.0"..<"7.11.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", "1.8.0"..<"1.9.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        // SHA-256 of session and API tokens, so that the database never holds a usable token.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        // The coach's live view runs beside the HTTP server and stops with it.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        // Request counts and the lab's own figures at /metrics: Hummingbird's MetricsMiddleware records
        // through swift-metrics, and swift-prometheus keeps them and writes Prometheus text.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // ffmpeg and ffprobe run as child processes with an argument list, never through a shell.
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", "1.0.2"..<"1.1.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", "1.33.0"..<"1.34.0"),
    ],
    targets: [
        // Domain and algorithms, pure Swift: no database, no network.
        .target(name: "AnnolabCore"),
        // SQLite persistence through GRDB.
        .target(
            name: "AnnolabStore",
            dependencies: [
                "AnnolabCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // PostgreSQL, for an organisation whose labs share one store (postgres-nio; being built).
        .target(
            name: "AnnolabPostgres",
            dependencies: [
                "AnnolabCore", "AnnolabStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // libpng, found through pkg-config, behind a small C shim.
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        // zlib, for the deflated entries of uploaded ZIP archives.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "AnnolabMedia",
            dependencies: ["AnnolabCore", "CPNG", "CZlib", .product(name: "Subprocess", package: "swift-subprocess")]
        ),
        .target(
            name: "AnnolabServer",
            dependencies: [
                "AnnolabCore", "AnnolabStore", "AnnolabMedia",
                .product(name: "Hummingbird", package: "hummingbird"),
                // HTTPS served by the lab itself, for a lab without a proxy in front.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "annolab",
            dependencies: [
                "AnnolabServer", "AnnolabPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "AnnolabCoreTests", dependencies: ["AnnolabCore"]),
        .testTarget(name: "AnnolabStoreTests", dependencies: ["AnnolabStore"]),
        .testTarget(
            name: "AnnolabPostgresTests",
            dependencies: [
                "AnnolabPostgres", "AnnolabStore", "AnnolabServer", "AnnolabCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "AnnolabMediaTests", dependencies: ["AnnolabMedia", "AnnolabCore"]),
        .testTarget(
            name: "AnnolabCLITests",
            dependencies: [
                "annolab", "AnnolabServer", "AnnolabStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "AnnolabServerTests",
            dependencies: [
                "AnnolabServer", "AnnolabMedia", "AnnolabPostgres", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
