import EdgeKV
import Foundation
import OAuth
import SchwabAuth

/// `schwab-mcp grants list | revoke <grant id> | revoke-user <schwab user id>`: the operator's view of the grants our
/// authorization server issued, in the KV service of the running stack (its `OAUTH_KV`
/// namespace). `list` prints one JSON line per grant, with ids, client, Schwab user, scopes and
/// times and never any token; `revoke` ends a grant at once (its refresh token now, its access
/// tokens on their next use); `revoke-user` ends every grant of one Schwab user. Exit status 0 on success, 1 for an unknown grant, 2 for a usage
/// mistake, 3 when the KV service cannot be reached.
enum GrantsCommand {
    static let subcommand = Subcommand(
        name: "grants", summary: "list the OAuth grants of the running stack, or revoke one",
        usage: "[--config PATH] [--socket PATH] (list | revoke <grant id> | revoke-user <schwab user id>)",
        run: { arguments in
            // The KV service's socket, by default the one in wrangler.toml (<socket_dir>/kv.sock).
            let socketFlag = try arguments.option("socket")
            guard let (config, _) = try ConfigCommand.load(&arguments) else { return 1 }
            var words: [String] = []
            while let word = arguments.positional() { words.append(word) }
            try arguments.finish()
            guard let binding = config.kvNamespace(binding: OAuthSetup.namespaceBinding) else {
                printError(
                    "grants: no [[kv_namespaces]] entry with binding = \"\(OAuthSetup.namespaceBinding)\" "
                        + "in the configuration; grants live there")
                return 1
            }
            // Listing and revoking touch only the grant records: no Schwab credentials are needed.
            let settings = OAuthSettings(
                issuer: config.runtime.publicURL, namespace: binding.binding,
                schwab: SchwabOAuthSettings(
                    apiBase: OAuthSetup.defaultAPIBase, clientId: "", clientSecret: "", redirectURI: ""))
            let kv = KVClient(socketPath: socketFlag ?? config.runtime.socketPath("kv"))
            let grants = GrantStore(kv: kv, settings: settings, clock: { Int64(Date().timeIntervalSince1970) })
            let outcome = await OperatorGrants.run(words, grants: grants)
            if outcome.status == 0 {
                print(outcome.output, terminator: "")
            } else {
                printError("grants: " + outcome.output.trimmingCharacters(in: .newlines))
            }
            return outcome.status
        })
}
