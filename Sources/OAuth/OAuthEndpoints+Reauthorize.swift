import EdgeCore
import EdgeHTTP
import SchwabAuth

extension OAuthEndpoints {
    /// The answer to an MCP request whose Schwab sign-in is dead (the seed's TokenRefresh: Schwab's
    /// 7-day refresh token expired or was refused).
    ///
    /// Revokes the grant first, so the MCP client's own refresh token fails too and it runs the
    /// whole authorization again, Schwab login included, instead of looping on refreshes; then
    /// answers 401 with `WWW-Authenticate` (RFC 6750 §3.1) and the plain-words message.
    public func reauthorizationResponse(
        for error: AuthError, props: GrantProps, path: String, requestId: String
    ) async -> HTTPResponse {
        let stamped = error.with(requestId: requestId)
        do {
            _ = try await grants.revokeGrant(id: props.grantId)
        } catch {
            logger.warn(
                "could not revoke the grant of a dead sign-in",
                [("request_id", .string(requestId)), ("kind", .string(error.kind.name))])
        }
        logger.info(
            "schwab sign-in expired; grant revoked",
            [
                ("request_id", .string(requestId)), ("client_id", .string(props.clientId)),
                ("grant_id", .string(props.grantId)),
            ])
        let unauthorized =
            stamped.kind.status == 401
            ? stamped : AuthError(.tokenRefresh, stamped.message, requestId: requestId)
        return bearer.response(for: unauthorized, path: path)
    }
}
