import AssistantsWire
import Foundation
import ThreadlineCore

/// Threadline's offline model: deterministic, labeled as a demo, and good at exactly one thing,
/// the seed's weather conversation. It asks for every tool a question needs in one step
/// (parallel calls), then answers from their outputs in the question's language.
public struct DemoModel: LanguageModel {
    public var displayName: String { "offline demo model (deterministic, weather questions only)" }
    public var answeringModel: String? { "demo" }
    /// Pause between streamed deltas, so a terminal shows the reply being written.
    public var deltaDelay: Duration

    public static let defaultDeltaDelay = Duration.milliseconds(12)

    public init(deltaDelay: Duration = defaultDeltaDelay) {
        self.deltaDelay = deltaDelay
    }

    public func respond(to request: ModelRequest) -> AsyncThrowingStream<ModelOutput, any Error> {
        let outputs = plan(request)
        let delay = deltaDelay
        return .producing { continuation in
            for output in outputs {
                if case .textDelta = output, delay > .zero {
                    try? await Task.sleep(for: delay)
                }
                if Task.isCancelled { break }
                continuation.yield(output)
            }
        }
    }

    /// Everything the model will say for `request`, decided up front: same input, same output.
    func plan(_ request: ModelRequest) -> [ModelOutput] {
        guard let lastUser = request.turns.lastIndex(where: { if case .user = $0 { true } else { false } }),
            case .user(let question) = request.turns[lastUser]
        else {
            return reply(DemoReplies.help(.english), request: request)
        }
        let answered = request.turns[(lastUser + 1)...].flatMap { turn -> [ToolCall] in
            if case .toolCalls(let calls) = turn { return calls }
            return []
        }
        let parsed = WeatherQuestion(question)
        let addressee = demoAddressee(in: request.instructions)
        if !answered.isEmpty && request.parallelToolCalls {
            return reply(DemoReplies.answer(parsed, results: answered, addressee: addressee), request: request)
        }
        guard parsed.isAboutWeather else {
            return reply(DemoReplies.help(parsed.language, addressee: addressee), request: request)
        }
        guard let city = parsed.city else {
            return reply(DemoReplies.askForCity(parsed.language, addressee: addressee), request: request)
        }
        let available = Set(request.tools.map(\.name))
        var calls: [ModelOutput] = []
        if parsed.wantsTemperature {
            calls.append(.toolCall(name: "get_current_temperature", arguments: Self.json(["location": .string(city.location)])))
        }
        if parsed.wantsRain {
            calls.append(.toolCall(name: "get_rain_probability", arguments: Self.json(["location": .string(city.location)])))
        }
        if let days = parsed.forecastDays {
            calls.append(
                .toolCall(
                    name: "get_n_day_weather_forecast",
                    arguments: Self.json(["location": .string(city.location), "num_days": .number(Double(days))])))
        }
        let missing = calls.compactMap { call -> String? in
            guard case .toolCall(let name, _, _) = call, !available.contains(name) else { return nil }
            return name
        }
        if !missing.isEmpty {
            return reply(DemoReplies.toolsMissing(parsed.language, missing), request: request)
        }
        // Without parallel calls, one call per step until every tool has answered.
        let answeredNames = Set(answered.map(\.function.name))
        let pending = calls.filter { call in
            guard case .toolCall(let name, _, _) = call else { return false }
            return !answeredNames.contains(name)
        }
        if pending.isEmpty {
            return reply(DemoReplies.answer(parsed, results: answered, addressee: addressee), request: request)
        }
        let step = request.parallelToolCalls ? pending : Array(pending.prefix(1))
        return step + [usage(request, completion: step.count * 12)]
    }

    private func reply(_ text: String, request: ModelRequest) -> [ModelOutput] {
        Self.deltas(of: text).map(ModelOutput.textDelta) + [usage(request, completion: text.utf8.count / 3 + 1)]
    }

    /// A rough, deterministic token count, since a demo has no tokenizer.
    private func usage(_ request: ModelRequest, completion: Int) -> ModelOutput {
        let promptBytes =
            request.instructions.utf8.count
            + request.turns.reduce(0) { total, turn in
                switch turn {
                case .user(let text), .assistant(let text): total + text.utf8.count
                case .toolCalls(let calls):
                    total + calls.reduce(0) { $0 + $1.function.arguments.utf8.count + ($1.function.output?.utf8.count ?? 0) }
                }
            }
        return .usage(Usage(promptTokens: promptBytes / 3 + 1, completionTokens: completion))
    }

    /// Splits text into small pieces (a word and the spaces after it) to stream.
    static func deltas(of text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            if !character.isWhitespace, let last = current.last, last.isWhitespace {
                pieces.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    private static func json(_ object: [String: JSONValue]) -> String {
        JSONValue.object(object).jsonText
    }
}
