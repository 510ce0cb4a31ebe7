// swift-tools-version:6.0
// The Schwab MCP server and the edge-style worker runtime it runs on.
//
// No package dependencies: only the toolchain and three system C libraries (sqlite3, OpenSSL,
// libcurl), reached through the system library targets below. The layers read bottom-up:
// C shims, pure modules (EdgeCore, EdgeHTTP, codecs), I/O modules (EdgeNet, EdgeKV), processes,
// and one executable that only parses arguments.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "schwab-mcp",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "schwab-mcp", targets: ["schwab-mcp"]),
        .executable(name: "edge-bench", targets: ["edge-bench"]),
    ],
    targets: [
        // C at the bottom: modulemaps over the system libraries, and static-inline shims for what
        // Glibc does not import (epoll, accept4, CMSG_*, curl's variadic setters).
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CShims"),

        // Pure: TOML, configuration, JSON values, structured logging with redaction, errors.
        .target(name: "EdgeCore", swiftSettings: strict),
        // OpenSSL EVP wrappers: SHA-256, HMAC, HKDF, AES-256-GCM, random, base64url.
        .target(name: "EdgeCrypto", dependencies: ["COpenSSL"], swiftSettings: strict),
        // Pure HTTP/1.1: parser state machine, serializer, routes, cookies, forms, SSE encoding.
        .target(name: "EdgeHTTP", dependencies: ["EdgeCore"], swiftSettings: strict),
        // The I/O core: the process lifecycle and signals (the epoll loop, sockets and buffers
        // join it).
        .target(name: "EdgeIO", dependencies: ["EdgeCore", "CShims"], swiftSettings: strict),
        // I/O: epoll loops, TCP and Unix sockets, TLS, timers, the HTTP server, the upstream client.
        .target(
            name: "EdgeNet",
            dependencies: ["EdgeCore", "EdgeIO", "EdgeHTTP", "CShims", "COpenSSL", "CCurl"],
            swiftSettings: strict),
        // The KV service: wire codec (pure), SQLite store, the service and its client.
        .target(
            name: "EdgeKV", dependencies: ["EdgeCore", "CSQLite", "CShims"],
            swiftSettings: strict),
        // The runtime: router<->host framing (pure), placement, object hosting, leases, supervisor.
        .target(
            name: "EdgeRuntime", dependencies: ["EdgeCore", "EdgeHTTP", "EdgeNet", "EdgeKV", "CShims"],
            swiftSettings: strict),
        // The session host process: serves the router's multiplexed connection, runs objects.
        .target(
            name: "SessionHost",
            dependencies: [
                "EdgeCore", "EdgeHTTP", "EdgeNet", "EdgeKV", "EdgeRuntime", "MCP", "OAuth", "Schwab", "SchwabTools",
                "CShims",
            ],
            swiftSettings: strict),
        // The router process: HTTP(S) front door, placement, forwarding to hosts, health checks.
        .target(
            name: "Router",
            dependencies: ["EdgeCore", "EdgeHTTP", "EdgeNet", "EdgeKV", "EdgeRuntime", "OAuth", "CShims"],
            swiftSettings: strict),
        // The supervisor (`up`): starts kv, hosts, router and sandbox, restarts them, drains them.
        .target(name: "Supervisor", dependencies: ["EdgeCore", "CShims"], swiftSettings: strict),
        // MCP: JSON-RPC, the session lifecycle, tool declarations and schemas, both HTTP transports.
        .target(name: "MCP", dependencies: ["EdgeCore", "EdgeHTTP", "EdgeCrypto"], swiftSettings: strict),
        // OAuth: our authorization server for MCP clients, and the Schwab sign-in and tokens behind it.
        .target(
            name: "OAuth", dependencies: ["EdgeCore", "EdgeHTTP", "EdgeCrypto", "EdgeNet", "EdgeKV"],
            swiftSettings: strict),
        // Schwab's API as the user's object calls it: requests, error mapping, retries, caching,
        // the account display map and the scrubbing of account numbers.
        .target(
            name: "Schwab", dependencies: ["EdgeCore", "EdgeHTTP", "EdgeNet", "EdgeKV", "OAuth"],
            swiftSettings: strict),
        // The tools: the seed's read tools, previewOrder and the guarded order tools.
        .target(
            name: "SchwabTools", dependencies: ["EdgeCore", "EdgeKV", "MCP", "OAuth", "Schwab"],
            swiftSettings: strict),
        // The fake Schwab: OAuth, Trader and Market Data APIs, order simulation, fault injection.
        .target(
            name: "SchwabSandbox",
            dependencies: ["EdgeCore", "EdgeHTTP", "EdgeNet", "EdgeCrypto"],
            swiftSettings: strict),

        // The binary: argument parsing and a call into the module that owns each subcommand.
        .executableTarget(
            name: "schwab-mcp",
            dependencies: [
                "EdgeCore", "EdgeCrypto", "EdgeHTTP", "EdgeIO", "EdgeNet", "EdgeKV", "EdgeRuntime", "MCP", "OAuth",
                "SessionHost",
                "Schwab", "SchwabTools", "SchwabSandbox", "Router", "Supervisor",
            ],
            swiftSettings: strict),
        // Benchmark drivers for scripts/bench: our services side by side with their peers.
        .executableTarget(
            name: "edge-bench",
            dependencies: ["EdgeCore", "EdgeKV", "EdgeNet", "CShims"],
            swiftSettings: strict),
        // libFuzzer entry point for the HTTP parser (scripts/fuzz http); a replay driver otherwise.
        .executableTarget(name: "FuzzHTTP", dependencies: ["EdgeHTTP"], swiftSettings: strict),

        // Shared test plumbing: temporary folders, free ports, child processes, the built binary.
        .target(
            name: "TestSupport", dependencies: ["EdgeCore", "EdgeKV"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "EdgeCoreTests", dependencies: ["EdgeCore", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "EdgeCryptoTests", dependencies: ["EdgeCrypto"], swiftSettings: strict),
        .testTarget(name: "EdgeHTTPTests", dependencies: ["EdgeHTTP"], swiftSettings: strict),
        .testTarget(
            name: "EdgeNetTests", dependencies: ["EdgeNet", "EdgeHTTP", "EdgeCrypto", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "MCPTests", dependencies: ["MCP", "EdgeNet", "EdgeHTTP", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "OAuthTests", dependencies: ["OAuth", "EdgeKV", "EdgeNet", "EdgeHTTP", "EdgeCrypto", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "SessionHostTests",
            dependencies: ["SessionHost", "MCP", "EdgeRuntime", "EdgeKV", "EdgeHTTP", "EdgeNet", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "RouterTests",
            dependencies: [
                "Router", "OAuth", "SessionHost", "EdgeRuntime", "EdgeKV", "EdgeHTTP", "EdgeNet", "TestSupport",
            ],
            swiftSettings: strict),
        .testTarget(name: "SupervisorTests", dependencies: ["Supervisor", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "EdgeKVTests", dependencies: ["EdgeKV", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "EdgeRuntimeTests", dependencies: ["EdgeRuntime", "EdgeKV", "EdgeHTTP", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "SchwabTests",
            dependencies: ["Schwab", "OAuth", "SchwabSandbox", "EdgeKV", "EdgeNet", "EdgeHTTP", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "SchwabToolsTests",
            dependencies: [
                "SchwabTools", "Schwab", "MCP", "OAuth", "SchwabSandbox", "EdgeKV", "EdgeNet", "EdgeHTTP",
                "TestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "LocalUseTests", dependencies: ["EdgeCore", "EdgeCrypto", "EdgeKV", "OAuth", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "SchwabSandboxTests",
            dependencies: ["SchwabSandbox", "EdgeNet", "EdgeHTTP", "EdgeCrypto", "TestSupport"],
            swiftSettings: strict),
    ]
)
