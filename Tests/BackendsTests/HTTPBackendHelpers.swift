import AssistantsWire
import Foundation
import HTTPSupport
import TestSupport
import Testing
import ThreadlineCore
import Tools

@testable import Backends

/// Settings for a client of `server`, with retries that wait milliseconds instead of seconds.
func fakeSettings(_ server: FakeHTTPServer, apiKey: String? = nil) -> HTTPSettings {
    HTTPSettings(baseURL: server.baseURL + "/v1", apiKey: apiKey, retry: RetryPolicy(maxRetries: 2, initialDelay: 0.01, maxDelay: 0.05))
}

/// The seed's three functions, served by the demo provider.
let weatherTools = ToolRunner(
    registry: ToolRegistry(DemoWeatherTool.Function.allCases.map { DemoWeatherTool($0, parametersSchema: "{}") }), timeout: .seconds(30))

/// The two parallel calls the seed question needs.
let seedCalls = [
    ToolCallRequest(id: "call_temp", name: "get_current_temperature", arguments: #"{"location":"부산/경상남도"}"#),
    ToolCallRequest(id: "call_rain", name: "get_rain_probability", arguments: #"{"location":"부산/경상남도"}"#),
]

/// The temperature the demo provider reports for Busan, as its tool output says it.
var busanTemperature: String { "\(DemoWeather.temperature(location: "부산/경상남도"))°C" }

/// Runs a turn until `text` has streamed, then cancels it as Ctrl-C does; returns its summary.
func turnCancelled(after text: String, backend: any ChatBackend, threadID: String) async throws -> TurnSummary {
    let (deltas, signal) = AsyncStream<String>.makeStream()
    let turn = Task {
        try await RunDriver(backend: backend, toolRunner: weatherTools).runTurn(threadID: threadID, options: RunOptions()) {
            if case .textDelta(let delta) = $0 { signal.yield(delta) }
        }
    }
    var streamed = ""
    for await delta in deltas {
        streamed += delta
        if streamed == text { break }
    }
    turn.cancel()
    return try await turn.value
}

extension RecordedRequest {
    /// The `input` items of a Responses request.
    var inputItems: [JSONValue] {
        if case .array(let items)? = json?["input"] { return items }
        return []
    }

    /// The `messages` of a Chat Completions request.
    var messages: [JSONValue] {
        if case .array(let items)? = json?["messages"] { return items }
        return []
    }
}

extension JSONValue {
    /// The elements of an array, or none.
    var elements: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }
}
