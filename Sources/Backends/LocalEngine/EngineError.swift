import AssistantsWire
import Foundation

/// An error of the engine's Assistants-style API; `serve` maps these to HTTP statuses.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// No object of `kind` ("thread", "run", ...) has this id.
    case notFound(kind: String, id: String)
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .notFound(let kind, let id): "No \(kind) found with id '\(id)'."
        case .invalidRequest(let message): message
        }
    }
}
