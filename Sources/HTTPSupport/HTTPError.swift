import AssistantsWire

/// Every network failure a user can see, rendered to one line in one place.
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
        switch self {
        case .api(let status, let body?):
            let detail = [body.type, body.code].compactMap { $0 }.joined(separator: ", ")
            return "HTTP \(status): \(body.message)" + (detail.isEmpty ? "" : " (\(detail))")
        case .api(let status, nil): return "HTTP \(status) from the server"
        case .connection(let reason): return "cannot reach the server: \(reason)"
        case .timeout(let what): return "timed out: \(what)"
        case .streamCut(let reason): return "the stream broke off: \(reason)"
        case .invalidResponse(let reason): return "unexpected response: \(reason)"
        case .invalidURL(let url): return "invalid URL: \(url)"
        }
    }
}
