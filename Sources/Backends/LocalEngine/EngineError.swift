import AssistantsWire
import Foundation

/// An error of the engine's Assistants-style API; `serve` maps these to HTTP statuses.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// No object of `kind` ("thread", "run", ...) has this id.
    case notFound(kind: String, id: String)
    case invalidRequest(String)
    /// The thread has the active run `runID` (one a live process holds): no new message
    /// (`addingMessage`) or run until it ends.
    case threadBusy(threadID: String, runID: String, addingMessage: Bool)

    public var description: String {
        switch self {
        case .notFound(let kind, let id): "No \(kind) found with id '\(id)'."
        case .invalidRequest(let message): message
        case .threadBusy(let threadID, let runID, true): "Can't add messages to \(threadID) while a run \(runID) is active."
        case .threadBusy(let threadID, let runID, false): "Thread \(threadID) already has an active run \(runID)."
        }
    }
}
