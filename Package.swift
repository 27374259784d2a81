// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Threadline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "threadline", targets: ["threadline"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        // The SDK's stdio transport takes its FileDescriptor type (already a dependency of the SDK).
        .package(url: "https://github.com/apple/swift-system", from: "1.1.1"),
        // The PostgreSQL thread store (`--database postgres://…`): several `serve` instances on one database.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(name: "ThreadlineCore"),
        // The git revision `threadline --version` prints, written at build time by the Makefile.
        .target(name: "CBuildInfo"),
        .target(name: "AssistantsWire", dependencies: ["ThreadlineCore"]),
        .target(name: "ThreadlineSettings"),
        .target(
            name: "HTTPSupport",
            dependencies: [
                "AssistantsWire", "ThreadlineCore", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Backends",
            dependencies: [
                "ThreadlineCore", "AssistantsWire", "HTTPSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Tools",
            dependencies: [
                "ThreadlineCore", "AssistantsWire", "HTTPSupport", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "SystemPackage", package: "swift-system"),
                // The Streamable HTTP transport of MCP servers.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Server",
            dependencies: [
                "Backends", "AssistantsWire", "ThreadlineCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(name: "Terminal", dependencies: ["ThreadlineCore", "CLibEdit"]),
        .executableTarget(
            name: "threadline",
            dependencies: [
                "ThreadlineCore", "AssistantsWire", "HTTPSupport", "Backends", "Tools", "Terminal", "Server",
                "ThreadlineSettings", "CBuildInfo", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks: their own executable, never linked into the `threadline` users run.
        .executableTarget(
            name: "threadline-bench",
            dependencies: [
                "AssistantsWire", "ThreadlineCore", "Backends", "Tools",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The serve benchmark: its client, and the Hummingbird "hello" route that is its ceiling.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/threadline-bench"
        ),
        // The floor of the start-up benchmark: Foundation and nothing else, built like threadline.
        .executableTarget(name: "threadline-hello", path: "Benchmarks/threadline-hello"),
        .target(
            name: "TestSupport",
            dependencies: [
                "ThreadlineCore", "AssistantsWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "AssistantsWireTests", dependencies: ["AssistantsWire", "ThreadlineCore", "TestSupport"]),
        .testTarget(name: "ThreadlineCoreTests", dependencies: ["ThreadlineCore", "TestSupport"]),
        .testTarget(name: "ThreadlineSettingsTests", dependencies: ["ThreadlineSettings", "TestSupport"]),
        .testTarget(name: "HTTPSupportTests", dependencies: ["HTTPSupport", "AssistantsWire"]),
        .testTarget(name: "BackendsTests", dependencies: ["Backends", "Tools", "HTTPSupport", "TestSupport"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Backends", "HTTPSupport", "ThreadlineCore", "Tools", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "ToolsTests", dependencies: ["Tools", "TestSupport"]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal", "TestSupport"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["TestSupport", "Tools"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets (Fuzz/, `make fuzz`), declared only for the fuzz build: it sets THREADLINE_FUZZ
// and builds with `-sanitize=fuzzer,address` (the libFuzzer runtime, started by FuzzDriver).
// Each has few dependencies so that build stays cheap: the stream targets test the backends' wire
// and state files compiled on their own (Fuzz/Linked holds links to them), not all of Backends and
// its HTTP stack.
if Context.environment["THREADLINE_FUZZ"] != nil {
    package.targets += [
        .target(name: "CFuzzerDriver", path: "Fuzz/Driver/CFuzzerDriver"),
        .target(name: "FuzzDriver", dependencies: ["AssistantsWire", "CFuzzerDriver"], path: "Fuzz/Driver/FuzzDriver"),
        .target(name: "ChatCompletionsStream", dependencies: ["AssistantsWire"], path: "Fuzz/Linked/ChatCompletionsStream"),
        .target(name: "ResponsesStream", dependencies: ["AssistantsWire", "ThreadlineCore"], path: "Fuzz/Linked/ResponsesStream"),
    ]
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzSSE", ["AssistantsWire"]),
        ("FuzzMessageDelta", ["AssistantsWire"]),
        ("FuzzChatStream", ["AssistantsWire", "ChatCompletionsStream"]),
        ("FuzzResponsesStream", ["AssistantsWire", "ThreadlineCore", "ResponsesStream"]),
        ("FuzzConfig", ["AssistantsWire", "Tools"]),
    ]
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(name: target.name, dependencies: target.dependencies + ["FuzzDriver"], path: "Fuzz/\(target.name)"))
    }
}
