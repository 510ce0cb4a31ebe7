// swift-tools-version:6.0
// The Schwab MCP server and the edge-style worker runtime it runs on.
//
// No package dependencies: only the toolchain and three system C libraries (sqlite3, OpenSSL,
// libcurl), reached through the system library targets below. The layers read bottom-up:
// C shims, pure modules (EdgeCore, EdgeHTTP, codecs), the I/O core (EdgeIO) and the I/O modules
// above it (EdgeNet, EdgeKV), the protocol modules (MCP, SchwabAuth, OAuth, Schwab), one module
// per process, and one executable that only parses arguments. Each target lists exactly the
// modules it imports.
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

        // Pure: TOML, configuration, JSON values, structured logging with redaction, errors; no
        // Schwab names.
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
            name: "EdgeRuntime", dependencies: ["EdgeHTTP", "EdgeNet", "EdgeKV", "CShims"],
            swiftSettings: strict),
        // The session host process: serves the router's multiplexed connection, runs objects.
        .target(
            name: "SessionHost",
            dependencies: [
                "EdgeCore", "EdgeHTTP", "EdgeNet", "EdgeKV", "EdgeRuntime", "MCP", "OAuth", "SchwabAuth", "Schwab",
                "SchwabTools",
            ],
            swiftSettings: strict),
        // The router process: HTTP(S) front door, placement, forwarding to hosts, health checks.
        .target(
            name: "Router",
            dependencies: ["EdgeCore", "EdgeHTTP", "EdgeNet", "EdgeKV", "EdgeRuntime", "OAuth", "SchwabAuth"],
            swiftSettings: strict),
        // The supervisor (`up`): starts kv, hosts, router and sandbox, restarts them, drains them.
        .target(name: "Supervisor", dependencies: ["EdgeCore", "EdgeIO", "CShims"], swiftSettings: strict),
        // MCP: JSON-RPC, the session lifecycle, tool declarations and schemas, both HTTP transports.
        .target(name: "MCP", dependencies: ["EdgeCore", "EdgeHTTP", "EdgeCrypto"], swiftSettings: strict),
        // SchwabAuth: us as Schwab's OAuth client: the sign-in exchange, Schwab's tokens sealed in KV,
        // the token manager and its refresh policy, upstream error mapping; the one `AuthError`.
        .target(
            name: "SchwabAuth", dependencies: ["EdgeCore", "EdgeCrypto", "EdgeHTTP", "EdgeNet", "EdgeKV"],
            swiftSettings: strict),
        // OAuth: our authorization server for MCP clients: endpoints, clients, grants, PKCE, keys,
        // the bearer check, approval pages, rate limiting, metadata.
        .target(
            name: "OAuth", dependencies: ["EdgeCore", "EdgeHTTP", "EdgeCrypto", "EdgeNet", "EdgeKV", "SchwabAuth"],
            swiftSettings: strict),
        // Schwab's API as the user's object calls it: requests, error mapping, retries, caching,
        // the account display map and the scrubbing of account numbers.
        .target(
            name: "Schwab", dependencies: ["EdgeCore", "EdgeHTTP", "EdgeNet", "SchwabAuth"],
            swiftSettings: strict),
        // The tools: the seed's read tools, previewOrder and the guarded order tools.
        .target(
            name: "SchwabTools", dependencies: ["EdgeCore", "EdgeHTTP", "EdgeKV", "MCP", "Schwab"],
            swiftSettings: strict),
        // The sandbox process, a fake Schwab: OAuth, Trader and Market Data APIs, order simulation,
        // fault injection, and the server that runs them.
        .target(
            name: "SchwabSandbox",
            dependencies: ["EdgeCore", "EdgeIO", "EdgeHTTP", "EdgeNet", "EdgeCrypto"],
            swiftSettings: strict),

        // The binary: argument parsing and a call into the module that owns each subcommand.
        .executableTarget(
            name: "schwab-mcp",
            dependencies: [
                "EdgeCore", "EdgeCrypto", "EdgeHTTP", "EdgeIO", "EdgeNet", "EdgeKV", "EdgeRuntime", "MCP", "OAuth",
                "SchwabAuth", "SessionHost", "Schwab", "SchwabTools", "SchwabSandbox", "Router", "Supervisor",
            ],
            swiftSettings: strict),
        // Benchmark drivers for scripts/bench: our services side by side with their peers.
        .executableTarget(
            name: "edge-bench",
            dependencies: ["EdgeKV", "CShims"],
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
            name: "EdgeNetTests", dependencies: ["EdgeCore", "EdgeNet", "EdgeHTTP", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "MCPTests", dependencies: ["MCP", "EdgeCore", "EdgeHTTP", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "OAuthTests",
            dependencies: [
                "OAuth", "SchwabAuth", "EdgeCore", "EdgeKV", "EdgeNet", "EdgeHTTP", "EdgeCrypto", "TestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SessionHostTests",
            dependencies: ["SessionHost", "MCP", "EdgeCore", "EdgeRuntime", "EdgeHTTP", "EdgeNet", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "RouterTests",
            dependencies: [
                "Router", "OAuth", "SchwabAuth", "EdgeCore", "EdgeRuntime", "EdgeKV", "EdgeHTTP", "EdgeNet",
                "TestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SupervisorTests", dependencies: ["Supervisor", "EdgeCore", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "EdgeKVTests", dependencies: ["EdgeKV", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "EdgeRuntimeTests", dependencies: ["EdgeRuntime", "EdgeKV", "EdgeHTTP", "EdgeNet", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "SchwabTests",
            dependencies: ["Schwab", "SchwabAuth", "EdgeCore", "EdgeNet", "EdgeHTTP", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "SchwabToolsTests",
            dependencies: [
                "SchwabTools", "Schwab", "SchwabAuth", "MCP", "EdgeCore", "EdgeKV", "EdgeNet", "EdgeHTTP",
                "TestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "LocalUseTests", dependencies: ["EdgeCore", "EdgeCrypto", "EdgeKV", "SchwabAuth", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "SchwabSandboxTests",
            dependencies: ["SchwabSandbox", "EdgeCore", "EdgeHTTP", "EdgeCrypto", "TestSupport"],
            swiftSettings: strict),
    ]
)
