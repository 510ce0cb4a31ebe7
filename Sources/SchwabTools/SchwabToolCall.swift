import EdgeCore
import MCP
import Schwab

/// One call of a Schwab tool as its body sees it: validated arguments, the user's environment,
/// and helpers that turn Schwab and account failures into `SchwabToolFailure`.
struct SchwabToolCall: Sendable {
    /// The validated arguments, defaults applied.
    let arguments: ToolArguments
    /// The user's client, accounts and settings.
    let env: SchwabToolEnvironment
    /// The MCP call's context (progress, logging).
    let context: ToolContext

    /// Sends `request` through the user's client.
    func send(_ request: SchwabRequest) async throws(SchwabToolFailure) -> SchwabResponse {
        do {
            return try await env.client.send(request)
        } catch {
            throw .schwab(error)
        }
    }

    /// The user's account map (cached by the directory).
    func accountMap() async throws(SchwabToolFailure) -> AccountDisplayMap {
        do {
            return try await env.accounts.map()
        } catch {
            throw .schwab(error)
        }
    }

    /// The account named by the string argument `field` (display name, nickname or last digits).
    func account(_ field: String = "accountNumber") async throws(SchwabToolFailure) -> AccountDisplayMap.Entry {
        let input = arguments.string(field) ?? ""
        do {
            return try await env.accounts.resolve(input)
        } catch {
            switch error {
            case .schwab(let failure): throw .schwab(failure)
            case .resolution(let failure): throw .account(failure)
            }
        }
    }

    /// Query pairs for the arguments named in `names` that were given: strings as they are,
    /// numbers and booleans as JSON text, arrays comma-joined (Schwab's list form).
    func query(_ names: [String]) -> [(String, String)] {
        names.compactMap { name in
            guard let value = arguments[name] else { return nil }
            return Self.queryText(value).map { (name, $0) }
        }
    }

    static func queryText(_ value: JSONValue) -> String? {
        switch value {
        case .null: return nil
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let n): return String(n)
        case .double(let d): return Int(exactly: d).map(String.init) ?? String(d)
        case .array(let items):
            let parts = items.compactMap(queryText)
            return parts.isEmpty ? nil : parts.joined(separator: ",")
        case .object: return value.jsonText
        }
    }
}
