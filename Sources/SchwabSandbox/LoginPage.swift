/// The sandbox's login page: Schwab's login and account-consent steps folded into one form.
///
/// The form comes pre-filled with the first demo user, so pressing "Log in" as it is completes
/// the login; a choice of the other demo users is one click away. Every value is HTML-escaped.
enum LoginPage {
    /// The page for an authorize request whose parameters have been checked.
    static func render(users: [DemoUser], hidden: [(String, String)], error: String? = nil) -> String {
        var options = ""
        for (index, user) in users.enumerated() {
            let accounts = user.accounts.map { "\($0.nickName) ...\($0.number.suffix(3))" }.joined(separator: ", ")
            options += """
                <label class="user"><input type="radio" name="login" value="\(escape(user.login))"\(index == 0 ? " checked" : "")>
                <b>\(escape(user.fullName))</b><br><small>\(escape(accounts))</small></label>

                """
        }
        let fields = hidden.map { "<input type=\"hidden\" name=\"\(escape($0.0))\" value=\"\(escape($0.1))\">" }
            .joined(separator: "\n")
        let problem = error.map { "<p class=\"error\">\(escape($0))</p>" } ?? ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Schwab sandbox login</title>
            <style>body{font-family:sans-serif;max-width:32em;margin:3em auto}.user{display:block;margin:.6em 0;
            padding:.6em;border:1px solid #ccc;border-radius:6px}.error{color:#b00}button{font-size:1.1em;padding:.4em 2em}</style>
            </head><body>
            <h1>Schwab sandbox</h1>
            <p>This is the fake Schwab login. Pick a demo user (the first one is selected) and log in:
            the app will receive access to that user's accounts.</p>
            \(problem)
            <form method="post" action="/v1/oauth/authorize">
            \(fields)
            <label>Password <input type="password" name="password" value="demo"></label>
            \(options)<button type="submit">Log in</button>
            </form></body></html>
            """
    }

    /// An error page for an authorize request that cannot be served (bad client or callback).
    static func error(_ message: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Schwab sandbox: error</title></head><body>
        <h1>We can't process your request</h1><p>\(escape(message))</p></body></html>
        """
    }

    /// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(char)
            }
        }
        return out
    }
}
