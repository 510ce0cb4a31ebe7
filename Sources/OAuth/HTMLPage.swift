import SchwabAuth

/// The few HTML pages the authorization server shows: the approval page and error pages.
///
/// Plain, accessible markup (a `main` landmark, a heading, labelled buttons, no scripts); every
/// dynamic value is HTML-escaped. Pages forbid framing through the headers `OAuthEndpoints` adds.
public enum HTMLPage {
    /// What the approval page shows and posts back.
    public struct Approval: Sendable {
        /// The client's name, or its id when it gave none.
        public var clientName: String
        /// The client id.
        public var clientId: String
        /// The host (and port) the authorization code will be sent to.
        public var redirectHost: String
        /// The scopes asked for.
        public var scopes: [String]
        /// The signed pending request (hidden field `request`).
        public var signedRequest: String
        /// The CSRF field value (hidden field `csrf_token`).
        public var csrfToken: String

        /// An approval page's content.
        public init(
            clientName: String, clientId: String, redirectHost: String, scopes: [String], signedRequest: String,
            csrfToken: String
        ) {
            self.clientName = clientName
            self.clientId = clientId
            self.redirectHost = redirectHost
            self.scopes = scopes
            self.signedRequest = signedRequest
            self.csrfToken = csrfToken
        }
    }

    /// The approval page: names the client and where it will receive the code, one form with an
    /// Approve and a Deny button.
    public static func approval(_ page: Approval) -> String {
        let scopes = page.scopes.map { "<li><code>\(escape($0))</code>: \(escape(scopeMeaning($0)))</li>" }.joined()
        return document(
            title: "Authorize \(page.clientName)",
            body: """
                <h1>Allow <span id="client-name">\(escape(page.clientName))</span> to use your Schwab account?</h1>
                <p>The application <strong>\(escape(page.clientName))</strong> (client id <code id="client-id">\(escape(page.clientId))</code>)
                asks to use this MCP server on your behalf. After you approve and sign in at Schwab, it will be
                sent back to <strong id="redirect-host">\(escape(page.redirectHost))</strong>.</p>
                <p>Only approve if you started this from an application you trust.</p>
                <h2>Requested access</h2>
                <ul>\(scopes)</ul>
                <form method="post" action="/authorize" id="approval-form">
                  <input type="hidden" name="request" value="\(escape(page.signedRequest))">
                  <input type="hidden" name="csrf_token" value="\(escape(page.csrfToken))">
                  <button type="submit" name="action" value="approve" id="approve">Approve and sign in with Schwab</button>
                  <button type="submit" name="action" value="deny" id="deny">Deny</button>
                </form>
                """)
    }

    /// What a scope lets the client do, in words for the person approving.
    static func scopeMeaning(_ scope: String) -> String {
        switch scope {
        case "read": "see your accounts, positions, orders, transactions and market data"
        case "trade":
            "place, change and cancel orders, when the server's operator has enabled trading; "
                + "each order is shown to you for confirmation first"
        default: "access named by the application"
        }
    }

    /// An error page: what happened, what to do, and the request id to quote.
    public static func error(_ error: AuthError) -> String {
        document(
            title: "Sign-in problem",
            body: """
                <h1>Sign-in problem</h1>
                <p role="alert">\(escape(error.message))</p>
                <p>Error code: <code>\(escape(error.code))</code>. Request id: <code id="request-id">\(escape(error.requestId))</code>.</p>
                """)
    }

    /// A short page after a successful sign-in when no redirect applies.
    public static func message(title: String, text: String) -> String {
        document(title: title, body: "<h1>\(escape(title))</h1><p>\(escape(text))</p>")
    }

    static func document(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
        button{font-size:1rem;padding:.6rem 1rem;margin:.5rem .5rem 0 0;border-radius:.4rem;border:1px solid #555;cursor:pointer}
        #approve{background:#0b5cad;color:#fff;border-color:#0b5cad}
        button:focus{outline:3px solid #f5a623;outline-offset:2px}
        code{background:#f1f1f1;padding:0 .2rem}
        </style></head>
        <body><main>
        \(body)
        </main></body></html>
        """
    }

    /// Escapes `& < > " '` for text and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
