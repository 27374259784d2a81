import AssistantsWire
import Backends
import Foundation
import Hummingbird

/// An error answer of the API: its HTTP status and the `{"error": {...}}` object the SDKs parse.
struct APIFailure: Error, Equatable {
    var status: Int
    var body: APIErrorBody

    init(
        status: Int, message: String, type: String = "invalid_request_error", param: String? = nil,
        code: String? = nil
    ) {
        self.status = status
        self.body = APIErrorBody(message: message, type: type, param: param, code: code)
    }

    static func invalid(_ message: String, param: String? = nil) -> APIFailure {
        APIFailure(status: 400, message: message, param: param)
    }

    /// A request body over `limit` bytes.
    static func bodyTooLarge(limit: Int) -> APIFailure {
        APIFailure(status: 413, message: "The request body is larger than \(limit) bytes.")
    }

    /// The failure a request handler's error stands for; anything unexpected is a 500 that
    /// names no internals.
    static func from(_ error: any Error) -> APIFailure {
        switch error {
        case let failure as APIFailure:
            return failure
        case EngineError.notFound(let kind, let id):
            return APIFailure(status: 404, message: "No \(kind) found with id '\(id)'.")
        case let error as EngineError:
            return .invalid(error.description)
        case StoreError.unknownCursor(let parameter, _):
            return .invalid((error as? StoreError)?.description ?? "", param: parameter)
        case StoreError.runChanged:
            return APIFailure(status: 409, message: (error as? StoreError)?.description ?? "", type: "conflict")
        case let decoding as DecodingError:
            return .invalid("Invalid request body: \(describe(decoding))")
        case let http as HTTPError where http.status == .notFound:
            return APIFailure(
                status: 404, message: "Unknown request URL. Please check the URL and method.")
        case let http as HTTPError where http.status == .contentTooLarge:
            return APIFailure(status: 413, message: "The request body is too large.")
        case let http as HTTPError where http.status == .methodNotAllowed:
            return APIFailure(status: 405, message: "Method not allowed for this URL.")
        default:
            return APIFailure(
                status: 500, message: "The server had an error while processing your request.",
                type: "server_error")
        }
    }

    /// DecodingError's own descriptions are long and Swift-flavoured; clients want the field.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty
                ? "body" : "'" + keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing required parameter '\(key.stringValue)'"
                + (context.codingPath.isEmpty ? "" : " in \(parent)")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)) is invalid"
        @unknown default:
            return "not valid"
        }
    }

    var response: Response {
        struct Envelope: Encodable { var error: APIErrorBody }
        return WireResponse.json(Envelope(error: body), status: status)
    }
}
