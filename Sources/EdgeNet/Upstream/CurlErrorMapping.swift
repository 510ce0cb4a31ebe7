import CCurl

/// Sorts libcurl's result codes into the few kinds callers act on (libcurl-errors(3)).
enum CurlErrorMapping {
    static func kind(of code: CURLcode) -> UpstreamError.Kind {
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            .connect
        case CURLE_OPERATION_TIMEDOUT:
            .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED:
            .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            .invalidURL
        case CURLE_ABORTED_BY_CALLBACK:
            .cancelled
        default:
            .network
        }
    }

    static func error(for code: CURLcode, detail: String, origin: String) -> UpstreamError {
        let kind = kind(of: code)
        let summary = String(cString: curl_easy_strerror(code))
        let what: String =
            switch kind {
            case .connect: "could not connect to \(origin)"
            case .timeout: "the request to \(origin) timed out"
            case .tls: "TLS with \(origin) failed"
            case .invalidURL: "libcurl refused the URL for \(origin)"
            case .cancelled: "the request to \(origin) was aborted"
            case .network, .invalidRequest: "the exchange with \(origin) failed"
            }
        let reason = detail.isEmpty || detail == summary ? summary : "\(summary): \(detail)"
        return UpstreamError(kind, "\(what) (\(reason))")
    }
}
