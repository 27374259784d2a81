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
    ScriptedCall(callID: "call_temp", name: "get_current_temperature", arguments: #"{"location":"부산/경상남도"}"#),
    ScriptedCall(callID: "call_rain", name: "get_rain_probability", arguments: #"{"location":"부산/경상남도"}"#),
]

/// The temperature the demo provider reports for Busan, as its tool output says it.
var busanTemperature: String { "\(DemoWeather.temperature(location: "부산/경상남도"))°C" }

/// Collects the text deltas the driver reports.
final class DeltaLog: Sendable {
    private let deltas = MutexBox<[String]>([])

    /// Called once per text delta, after it is logged.
    let onDelta: @Sendable () -> Void

    init(onDelta: @escaping @Sendable () -> Void = {}) { self.onDelta = onDelta }

    func record(_ event: DriverEvent) {
        guard case .textDelta(let text) = event else { return }
        deltas.mutate { $0.append(text) }
        onDelta()
    }

    var text: String { deltas.value.joined() }
}

/// A value behind a lock, for test callbacks.
final class MutexBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value { lock.withLock { stored } }

    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
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
