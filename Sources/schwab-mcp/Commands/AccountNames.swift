import EdgeCore
import EdgeHTTP
import EdgeNet
import OAuth

/// The user's accounts as display names (`<nickName> ...123`), from `GET /userPreference`
/// (reference/schwab-api.md §7): never a full account number.
enum AccountNames {
    static func read(
        traderBase: String, accessToken: String, upstream: UpstreamClient
    ) async throws(AuthError)
        -> [String]
    {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer " + accessToken)
        headers.add("Accept", "application/json")
        let response: UpstreamResponse
        do {
            response = try await upstream.send(
                UpstreamRequest(method: .get, url: traderBase + "/userPreference", headers: headers))
        } catch {
            throw AuthError(.serverError, "Schwab could not be reached for the user preferences: \(error.message)")
        }
        guard response.isSuccess, let json = try? JSONValue.parse(response.body) else {
            throw AuthError(
                .serverError,
                "Schwab answered \(response.status) to the user preferences request; the sign-in was not saved.")
        }
        let accounts = json["accounts"]?.arrayValue ?? []
        return accounts.map { account in
            let nick = account["nickName"]?.stringValue ?? "Account"
            let digits = account["accountNumber"]?.stringValue.map { String($0.suffix(3)) } ?? ""
            return "\(nick) ...\(digits)"
        }
    }
}
