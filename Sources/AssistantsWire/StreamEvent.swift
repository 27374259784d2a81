import Foundation

/// One Assistants v2 stream event, typed by its `event:` name.
///
/// The large, rare payloads are `indirect` so that an event stays small (about the size of a
/// `MessageDelta`, the payload a streamed reply consists of) and cheap to copy and destroy.
public enum StreamEvent: Sendable, Equatable {
    indirect case threadCreated(AssistantThread)
    /// `thread.run.<phase>`: created, queued, in_progress, requires_action, completed, ...
    indirect case run(phase: String, Run)
    /// `thread.run.step.<phase>` except delta.
    indirect case runStep(phase: String, RunStep)
    indirect case runStepDelta(RunStepDelta)
    /// `thread.message.<phase>` except delta.
    indirect case message(phase: String, Message)
    case messageDelta(MessageDelta)
    indirect case error(APIErrorBody)
    case done
    /// An event this client does not know; skipped by consumers.
    case unknown(name: String)

    public static let runPhases: Set<String> = [
        "created", "queued", "in_progress", "requires_action", "completed", "incomplete", "failed",
        "cancelling", "cancelled", "expired",
    ]
    public static let stepPhases: Set<String> = [
        "created", "in_progress", "completed", "failed", "cancelled", "expired",
    ]
    public static let messagePhases: Set<String> = ["created", "in_progress", "completed", "incomplete"]

    /// The `event:` name on the wire.
    public var name: String {
        switch self {
        case .threadCreated: "thread.created"
        case .run(let phase, _): "thread.run.\(phase)"
        case .runStep(let phase, _): "thread.run.step.\(phase)"
        case .runStepDelta: "thread.run.step.delta"
        case .message(let phase, _): "thread.message.\(phase)"
        case .messageDelta: "thread.message.delta"
        case .error: "error"
        case .done: "done"
        case .unknown(let name): name
        }
    }

    /// Decodes an event from its name and `data:` text. Unknown names give `.unknown`;
    /// a known name with data that does not decode throws.
    public static func decode(name: String, data: String) throws -> StreamEvent {
        // The bulk of every streamed reply: read directly when the payload has the usual shape.
        if name == "thread.message.delta", let delta = MessageDeltaFastPath.decode(data) {
            return .messageDelta(delta)
        }
        let bytes = Data(data.utf8)
        let decoder = WireCoding.decoder()
        func phase(after prefix: String, in phases: Set<String>) -> String? {
            guard name.hasPrefix(prefix) else { return nil }
            let rest = String(name.dropFirst(prefix.count))
            return phases.contains(rest) ? rest : nil
        }
        switch name {
        case "done": return .done
        case "thread.created": return .threadCreated(try decoder.decode(AssistantThread.self, from: bytes))
        case "thread.run.step.delta": return .runStepDelta(try decoder.decode(RunStepDelta.self, from: bytes))
        case "thread.message.delta": return .messageDelta(try decoder.decode(MessageDelta.self, from: bytes))
        case "error":
            guard let body = APIErrorBody.decode(from: bytes) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "bad error event"))
            }
            return .error(body)
        default: break
        }
        if let phase = phase(after: "thread.run.step.", in: stepPhases) {
            return .runStep(phase: phase, try decoder.decode(RunStep.self, from: bytes))
        }
        if let phase = phase(after: "thread.run.", in: runPhases) {
            return .run(phase: phase, try decoder.decode(Run.self, from: bytes))
        }
        if let phase = phase(after: "thread.message.", in: messagePhases) {
            return .message(phase: phase, try decoder.decode(Message.self, from: bytes))
        }
        return .unknown(name: name)
    }

    /// The `data:` text of this event.
    public var dataText: String {
        switch self {
        case .threadCreated(let thread): WireCoding.jsonText(thread)
        case .run(_, let run): WireCoding.jsonText(run)
        case .runStep(_, let step): WireCoding.jsonText(step)
        case .runStepDelta(let delta): WireCoding.jsonText(delta)
        case .message(_, let message): WireCoding.jsonText(message)
        case .messageDelta(let delta): MessageDeltaFastPath.encode(delta) ?? WireCoding.jsonText(delta)
        case .error(let body): WireCoding.jsonText(["error": body])
        case .done, .unknown: "[DONE]"
        }
    }

    /// The event as server-sent-events text, ending with the blank line.
    public var sseText: String {
        "event: \(name)\ndata: \(dataText)\n\n"
    }
}
