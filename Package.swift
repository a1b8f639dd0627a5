// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Ferry",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ferry", targets: ["ferry"]),
        .library(name: "FerryClient", targets: ["FerryClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Pure protocol core: standard library only.
        .target(name: "FerryCore"),
        // Linux system calls that Glibc does not expose (splice, pipe sizes).
        .target(name: "CFerrySys"),
        // System OpenSSL 3 (libssl-dev): SHA-256 with the CPU's SHA instructions now, TLS for FTPS later.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "FerryClient", dependencies: ["FerryCore", "CFerrySys", "COpenSSL"]),
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(
            name: "FerryShell",
            dependencies: [
                "FerryClient", "FerryCore", "CLibEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "ferry", dependencies: ["FerryShell"]),

        .target(name: "FerryTestSupport", dependencies: ["FerryClient"], path: "Tests/FerryTestSupport"),
        .testTarget(name: "FerryCoreTests", dependencies: ["FerryCore"]),
        .testTarget(name: "FerryClientTests", dependencies: ["FerryClient", "FerryTestSupport"]),
        .testTarget(name: "FerryShellTests", dependencies: ["FerryShell", "FerryTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ferry", "FerryTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
