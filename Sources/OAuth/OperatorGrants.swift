import EdgeCore
import Foundation

/// `schwab-mcp grants list|revoke`: what the operator command prints, built here so the binary
/// only parses arguments, opens the KV client and calls in.
///
/// `list` prints one JSON line per grant (no token material: ids, client, user, scopes, audience,
/// times); `revoke <grantId>` revokes at once (the refresh token dies now, access tokens on their
/// next use) and says whether the grant existed; `revoke-user <schwabUserId>` revokes every grant
/// of one Schwab user (what the host does when that user's Schwab sign-in died).
public enum OperatorGrants {
    /// What a command run produced: the exit status and the text for standard output.
    public struct Outcome: Sendable, Equatable {
        /// 0 on success, 1 when the grant was not found, 2 for a usage error, 3 when KV failed.
        public let status: Int32
        /// The lines to print.
        public let output: String
    }

    /// The usage line printed for a mistake.
    public static let usage =
        "usage: schwab-mcp grants list | grants revoke <grant id> | grants revoke-user <schwab user id>\n"

    /// Runs `arguments` (`["list"]`, `["revoke", id]` or `["revoke-user", schwabUserId]`) against `grants`.
    public static func run(_ arguments: [String], grants: GrantStore) async -> Outcome {
        switch arguments.first {
        case "list" where arguments.count == 1:
            do {
                let lines = try await grants.listGrants().sorted { $0.createdAt < $1.createdAt }.map(line)
                return Outcome(status: 0, output: lines.map { $0 + "\n" }.joined())
            } catch {
                return Outcome(status: 3, output: "cannot list grants: \(error.message)\n")
            }
        case "revoke" where arguments.count == 2:
            do {
                let existed = try await grants.revokeGrant(id: arguments[1])
                return existed
                    ? Outcome(status: 0, output: "revoked grant \(arguments[1])\n")
                    : Outcome(status: 1, output: "no grant \(arguments[1]) (already revoked or expired)\n")
            } catch {
                return Outcome(status: 3, output: "cannot revoke: \(error.message)\n")
            }
        case "revoke-user" where arguments.count == 2:
            do {
                let count = try await grants.revokeGrants(schwabUserId: arguments[1])
                return count > 0
                    ? Outcome(
                        status: 0, output: "revoked \(count) grant\(count == 1 ? "" : "s") of user \(arguments[1])\n")
                    : Outcome(status: 1, output: "no grant of user \(arguments[1])\n")
            } catch {
                return Outcome(status: 3, output: "cannot revoke: \(error.message)\n")
            }
        default:
            return Outcome(status: 2, output: usage)
        }
    }

    static func line(_ grant: GrantSummary) -> String {
        JSONValue.object([
            ("grant_id", .string(grant.grantId)), ("client_id", .string(grant.clientId)),
            ("schwab_user_id", grant.schwabUserId.map { .string($0) } ?? .null),
            ("scopes", .array(grant.scopes.map { .string($0) })), ("resource", .string(grant.resource)),
            ("created_at", .int(Int(grant.createdAt))), ("refreshed_at", .int(Int(grant.refreshedAt))),
        ]).jsonText
    }
}
