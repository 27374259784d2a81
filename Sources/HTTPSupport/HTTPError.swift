import AssistantsWire

/// Every network failure a user can see, rendered to one line in one place:
/// `WHAT (WHY) — WHAT TO DO` for the model server (`description`), without the advice (`summary`)
/// where the server is not the user's to configure.
public enum HTTPError: Error, Equatable, CustomStringConvertible {
    /// The server answered with an error status; `body` when it sent the API's error object.
    case api(status: Int, body: APIErrorBody?)
    case connection(String)
    case timeout(String)
    /// The stream ended or broke before the run finished.
    case streamCut(String)
    /// The server sent something that is not the protocol (bad JSON, wrong content).
    case invalidResponse(String)
    case invalidURL(String)

    public var description: String {
        hint.map { "\(summary) — \($0)" } ?? summary
    }

    /// What went wrong, with the status named: `HTTP 401 Unauthorized: Bad key (invalid_request_error)`.
    public var summary: String {
        switch self {
        case .api(let status, let body?):
            let detail = [body.type, body.code].compactMap { $0 }.joined(separator: ", ")
            return "\(Self.statusText(status)): \(body.message)" + (detail.isEmpty ? "" : " (\(detail))")
        case .api(let status, nil): return "\(Self.statusText(status)) from the server"
        case .connection(let reason): return "cannot reach the server: \(reason)"
        case .timeout(let what): return "timed out: \(what)"
        case .streamCut(let reason): return "the stream broke off: \(reason)"
        case .invalidResponse(let reason): return "unexpected response: \(reason)"
        case .invalidURL(let url): return "invalid URL: \(url)"
        }
    }

    /// What to do about it, for the statuses that have one cause a user can fix.
    public var hint: String? {
        guard case .api(let status, _) = self else { return nil }
        switch status {
        case 401: return "set OPENAI_API_KEY to a key this server accepts"
        case 403: return "the key may not use this model or endpoint: check OPENAI_API_KEY and --model"
        case 404: return "check --base-url (OpenAI-compatible servers usually end it in /v1) and --model"
        case 429: return "too many requests or no quota left: wait and try again, or check the account's limits"
        default: return nil
        }
    }

    /// `HTTP 404 Not Found` for the statuses with a hint, `HTTP 503` otherwise.
    static func statusText(_ status: Int) -> String {
        let names = [401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"]
        return names[status].map { "HTTP \(status) \($0)" } ?? "HTTP \(status)"
    }
}
