import EdgeCore
import Testing

@testable import MCP

@Suite("Tool catalog: names and pagination")
struct ToolCatalogTests {
    static func tools(_ count: Int) -> [ToolDeclaration] {
        (0..<count).map { n in ToolDeclaration(name: "t\(n)", description: "tool \(n)") { _, _ in .text("\(n)") } }
    }

    @Test(
        "pages walk every tool once, in order, with opaque cursors",
        arguments: [(1, 1), (5, 2), (7, 3), (3, 10), (0, 4)])
    func pagination(count: Int, pageSize: Int) throws {
        let catalog = try ToolCatalog(Self.tools(count), pageSize: pageSize)
        var names: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try catalog.list(cursor: cursor, version: .latest)
            names += page["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            cursor = page["nextCursor"]?.stringValue
            #expect(cursor.map { !$0.contains("t") || $0.count > 3 } ?? true)
            pages += 1
        } while cursor != nil
        #expect(names == (0..<count).map { "t\($0)" })
        #expect(pages == max(1, (count + pageSize - 1) / pageSize))
    }

    @Test("an unknown cursor is -32602", arguments: ["", "nope", "dG9vbHM6OTk", "dG9vbHM6LTE"])
    func badCursor(cursor: String) throws {
        let catalog = try ToolCatalog(Self.tools(3), pageSize: 1)
        #expect(throws: JSONRPCError.self) { try catalog.list(cursor: cursor, version: .latest) }
        do {
            _ = try catalog.list(cursor: cursor, version: .latest)
        } catch {
            #expect(error.code == -32602)
        }
    }

    @Test(
        "names outside the guidance and duplicates are refused",
        arguments: ["", "has space", "ü", String(repeating: "a", count: 129)])
    func badNames(name: String) {
        #expect(throws: ToolCatalogError.self) {
            try ToolCatalog([ToolDeclaration(name: name, description: "") { _, _ in .text("") }])
        }
    }

    @Test("the same name twice is refused")
    func duplicate() {
        #expect(throws: ToolCatalogError.self) { try ToolCatalog(Self.tools(2) + Self.tools(1)) }
    }

    @Test("listings follow the revision: no annotations in 2024-11-05, no title or outputSchema before 2025-06-18")
    func listingPerRevision() {
        let status = BuiltinTools.status(server: MCPServerInfo(name: "s", version: "1"))
        let old = status.listing(for: .v2024_11_05)
        #expect(old["annotations"] == nil && old["title"] == nil && old["outputSchema"] == nil)
        let mid = status.listing(for: .v2025_03_26)
        #expect(mid["annotations"]?["readOnlyHint"] == true && mid["outputSchema"] == nil)
        let new = status.listing(for: .v2025_11_25)
        #expect(new["title"] == "Server status" && new["outputSchema"]?["type"] == "object")
        #expect(new["annotations"]?["destructiveHint"] == false && new["annotations"]?["openWorldHint"] == false)
    }
}
