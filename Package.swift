// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Ferry",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ferry", targets: ["ferry"]),
        .library(name: "FerryClient", targets: ["FerryClient"]),
    ],
    targets: [
        // Pure protocol core: standard library only.
        .target(name: "FerryCore"),
        // Linux system calls that Glibc does not expose (splice, pipe sizes).
        .target(name: "CFerrySys"),
        // System OpenSSL 3 (headers from libssl-dev), loaded with dlopen on first use: FTPS and SHA-256.
        .target(name: "COpenSSL"),
        .target(name: "FerryClient", dependencies: ["FerryCore", "CFerrySys", "COpenSSL"]),
        // libedit (headers from libedit-dev), loaded with dlopen when a terminal session starts.
        .target(name: "CLibEdit"),
        .target(
            name: "FerryShell",
            dependencies: [
                "FerryClient", "FerryCore", "CLibEdit",
            ]
        ),
        .executableTarget(name: "ferry", dependencies: ["FerryShell"]),
        // Examples/: programs that use FerryClient alone, as a library user would (built by make test).
        .executableTarget(name: "mirror-folder", dependencies: ["FerryClient"], path: "Examples/MirrorFolder"),

        .target(name: "FerryTestSupport", dependencies: ["FerryClient"], path: "Tests/FerryTestSupport"),
        .testTarget(name: "FerryCoreTests", dependencies: ["FerryCore"]),
        .testTarget(name: "FerryClientTests", dependencies: ["FerryClient", "FerryTestSupport"]),
        .testTarget(name: "FerryShellTests", dependencies: ["FerryShell", "FerryTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ferry", "FerryTestSupport"]),
        // FerryClient's public API as a program uses it: no @testable import.
        .testTarget(name: "FerryClientAPITests", dependencies: ["FerryClient", "FerryTestSupport", "mirror-folder"]),
    ],
    swiftLanguageModes: [.v6]
)
