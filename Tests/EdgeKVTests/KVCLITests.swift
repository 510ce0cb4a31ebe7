import Foundation
import TestSupport
import Testing

/// `schwab-mcp kv-cli` against a real service: output, exit codes, and clear errors.
@Suite(.realWorld) struct KVCLITests {
    func cli(_ service: KVServiceProcess, _ words: [String]) async throws -> CommandResult {
        try await TestSupport.run(TestSupport.binary.path, ["kv-cli", "--socket", service.socketPath] + words)
    }

    @Test func putGetListDeleteWorkLikeWranglerKVKey() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let put = try await cli(
            service, ["put", "TOKENS", "token:1", "hello world", "--ttl", "600", "--metadata", #"{"a":1}"#])
        #expect(put.status == 0)
        #expect(put.output == "{\"version\":1}\n")
        let get = try await cli(service, ["get", "TOKENS", "token:1"])
        #expect(get.status == 0 && get.output == "hello world")
        let withMetadata = try await cli(service, ["get", "TOKENS", "token:1", "--metadata"])
        #expect(withMetadata.output.contains(#""metadata":{"a":1}"#))
        #expect(withMetadata.output.contains(#""version":1"#) && withMetadata.output.contains(#""expiration":"#))
        let swapped = try await cli(service, ["put", "TOKENS", "token:1", "again", "--if-version", "1"])
        #expect(swapped.output == "{\"version\":2}\n")
        #expect(try await cli(service, ["put", "TOKENS", "token:2", "two"]).status == 0)
        let list = try await cli(service, ["list", "TOKENS", "--prefix", "token:"])
        #expect(list.status == 0)
        #expect(list.output.contains(#""list_complete":true"#))
        #expect(
            list.output.range(of: #""name":"token:1""#)!.lowerBound
                < list.output.range(of: #""name":"token:2""#)!.lowerBound)
        let page = try await cli(service, ["list", "TOKENS", "--limit", "1"])
        #expect(page.output.contains(#""list_complete":false"#) && page.output.contains(#""cursor":"#))
        let deleted = try await cli(service, ["delete", "TOKENS", "token:1"])
        #expect(deleted.status == 0 && deleted.output == "{\"deleted\":true}\n")
        let missing = try await cli(service, ["get", "TOKENS", "token:1"])
        #expect(missing.status == 1 && missing.error.contains("not found"))
    }

    /// Bad command lines and refused requests: the exit status and a phrase the message must hold.
    static let mistakes: [([String], Int32, String)] = [
        (["get", "TOKENS"], 2, "a NAMESPACE and a KEY are required"),
        (["fetch", "TOKENS", "k"], 2, "unknown command 'fetch'"),
        ([], 2, "a command is required"),
        (["put", "TOKENS", "k", "v", "--if-version", "soon"], 2, "--if-version expects a version number"),
        (["put", "TOKENS", "k", "v", "--metadata", "{not json"], 2, "--metadata must be JSON"),
        (["put", "TOKENS", "k", "v", "--ttl", "5", "--expiration", "99999999999"], 2, "not both"),
        (["put", "TOKENS", "k", "v", "--ttl", "0"], 1, "expirationTtl must be at least 1 second"),
        (["put", "NOPE", "k", "v"], 1, "unknown_namespace"),
        (["put", "TOKENS", String(repeating: "k", count: 513), "v"], 1, "key_too_long"),
        (["put", "TOKENS", "seed", "v", "--if-version", "0"], 1, "conflict"),
        (["list", "TOKENS", "--limit", "1001"], 1, "limit must be between 1 and 1000"),
        (["list", "TOKENS", "--cursor", "%%%"], 1, "is not one this service returned"),
    ]

    @Test(arguments: mistakes)
    func badInputIsRefusedWithAClearMessageAndNothingChanges(
        words: [String], status: Int32, phrase: String
    ) async throws {
        let service = try KVServiceProcess()
        try await service.start()
        #expect(try await cli(service, ["put", "TOKENS", "seed", "kept"]).status == 0)
        let result = try await cli(service, words)
        #expect(result.status == status)
        #expect(result.error.contains(phrase), "stderr was: \(result.error)")
        #expect(try await cli(service, ["get", "TOKENS", "seed"]).output == "kept")
        #expect(try await cli(service, ["list", "TOKENS"]).output.components(separatedBy: "\"name\"").count == 2)
    }

    @Test func aStoppedServiceIsReportedAsUnreachable() async throws {
        let service = try KVServiceProcess()
        let result = try await cli(service, ["get", "TOKENS", "k"])
        #expect(result.status == 1)
        #expect(result.error.contains("KV service is not reachable at \(service.socketPath)"))
    }
}
