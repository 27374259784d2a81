import AssistantsWire
import Foundation
import Testing
import ThreadlineCore
import Tools

@testable import Backends

@Suite("DemoModel", .timeLimit(.minutes(1)))
struct DemoModelTests {
    let model = DemoModel(deltaDelay: .zero)
    let tools = DefaultConfiguration.assistant.functions
    let seedInstructions = DefaultConfiguration.assistant.instructions ?? ""

    private func request(_ turns: [ModelTurn], instructions: String? = nil) -> ModelRequest {
        ModelRequest(model: "gpt-4o", instructions: instructions ?? seedInstructions, tools: tools, turns: turns)
    }

    private func calls(in outputs: [ModelOutput]) -> [(name: String, arguments: [String: JSONValue])] {
        outputs.compactMap { output in
            guard case .toolCall(let name, let arguments, _) = output else { return nil }
            guard case .object(let object)? = try? JSONValue.parse(arguments) else {
                Issue.record("arguments are not a JSON object: \(arguments)")
                return nil
            }
            return (name, object)
        }
    }

    private func deltas(in outputs: [ModelOutput]) -> [String] {
        outputs.compactMap { if case .textDelta(let text) = $0 { text } else { nil } }
    }

    private func text(of outputs: [ModelOutput]) -> String { deltas(in: outputs).joined() }

    /// The answer after the calls of the first response were given `outputs` (by tool name).
    private func answer(
        _ question: String, outputs: [String: String], instructions: String? = nil
    ) async throws -> [ModelOutput] {
        let first = try await collect(model.respond(to: request([.user(question)], instructions: instructions)))
        let answered = calls(in: first).enumerated().map { index, call in
            ToolCall(
                id: "call_\(index)", name: call.name, arguments: JSONValue.object(call.arguments).jsonText,
                output: outputs[call.name])
        }
        #expect(!answered.isEmpty)
        return try await collect(
            model.respond(to: request([.user(question), .toolCalls(answered)], instructions: instructions)))
    }

    @Test func displayNameSaysItIsADemo() {
        #expect(model.displayName.contains("demo"))
    }

    @Test func seedQuestionAsksForBothToolsInOneResponse() async throws {
        let outputs = try await collect(model.respond(to: request([.user(seedQuestion)])))
        let made = calls(in: outputs)
        #expect(made.map(\.name) == ["get_current_temperature", "get_rain_probability"])
        for call in made {
            #expect(call.arguments == ["location": .string("부산/경상남도")])
        }
        #expect(deltas(in: outputs).isEmpty)
    }

    @Test func seedAnswerIsKoreanAndUsesBothValues() async throws {
        let outputs = try await answer(
            seedQuestion, outputs: ["get_current_temperature": "57", "get_rain_probability": "0.06"])
        let reply = text(of: outputs)
        #expect(calls(in: outputs).isEmpty)
        #expect(reply.contains("57°F"))
        #expect(reply.contains("6%"))
        #expect(reply.contains("부산"))
        #expect(containsHangul(reply))
        #expect(deltas(in: outputs).count > 3)
        #expect(outputs.contains { if case .usage = $0 { true } else { false } })
    }

    @Test func otherValuesChangeTheAnswer() async throws {
        let outputs = try await answer(
            seedQuestion, outputs: ["get_current_temperature": "12°C", "get_rain_probability": "0.8"])
        let reply = text(of: outputs)
        #expect(reply.contains("12°C"))
        #expect(reply.contains("80%"))
        #expect(!reply.contains("57"))
    }

    @Test func englishQuestionWithFahrenheitValueIsAnsweredInEnglish() async throws {
        let question = "What's the weather in Busan today? Will it rain?"
        let first = try await collect(model.respond(to: request([.user(question)])))
        #expect(calls(in: first).map(\.name) == ["get_current_temperature", "get_rain_probability"])
        let outputs = try await answer(
            question, outputs: ["get_current_temperature": "57", "get_rain_probability": "0.06"])
        let reply = text(of: outputs)
        #expect(reply.contains("57°F"))
        #expect(reply.contains("6%"))
        #expect(reply.contains("Busan"))
        #expect(!containsHangul(reply), "English answer contains Korean: \(reply)")
    }

    @Test func seedNotebooksSecondInstructionsAddressTheCustomer() async throws {
        let outputs = try await answer(
            seedQuestion, outputs: ["get_current_temperature": "57", "get_rain_probability": "0.06"],
            instructions: "사용자를 고객님이라고 부르세요. 사용자에게 프리미엄 계정이 있습니다.")
        let reply = text(of: outputs)
        #expect(reply.hasPrefix("고객님, "))
        #expect(reply.contains("57°F"))
    }

    @Test func englishForecastQuestionCallsForecastWithNumDays() async throws {
        let question = "What's the weather in Seoul for the next 3 days?"
        let outputs = try await collect(model.respond(to: request([.user(question)])))
        let made = calls(in: outputs)
        #expect(made.map(\.name) == ["get_n_day_weather_forecast"])
        let arguments = try #require(made.first?.arguments)
        #expect(arguments["num_days"]?.intValue == 3)
        #expect(arguments["location"]?.stringValue == "서울/서울특별시")
        #expect(deltas(in: outputs).isEmpty)
    }

    @Test func englishForecastIsAnsweredInEnglish() async throws {
        let question = "What's the weather in Seoul for the next 3 days?"
        let forecast = try await DemoWeatherTool(.forecast, parametersSchema: "{}")
            .call(arguments: ["location": "서울/서울특별시", "num_days": 3])
        let outputs = try await answer(question, outputs: ["get_n_day_weather_forecast": forecast])
        let reply = text(of: outputs)
        #expect(reply.contains("Seoul"))
        #expect(!containsHangul(reply))
        let days = DemoWeather.forecast(location: "서울/서울특별시", days: 3)
        for day in days {
            #expect(reply.contains("Day \(day.day): \(day.condition)"))
            #expect(reply.contains("high \(day.highC)°C"))
        }
        #expect(!reply.contains("Day 4"))
    }

    @Test func koreanInstructionNamesTheUser() async throws {
        let outputs = try await answer(
            seedQuestion, outputs: ["get_current_temperature": "57", "get_rain_probability": "0.06"],
            instructions: "사용자를 고객님이라고 부르세요.")
        #expect(text(of: outputs).hasPrefix("고객님"))
        let plain = try await answer(
            seedQuestion, outputs: ["get_current_temperature": "57", "get_rain_probability": "0.06"])
        #expect(!text(of: plain).contains("고객님"))
    }

    @Test func englishInstructionNamesTheUser() async throws {
        let question = "What's the temperature in Busan?"
        let outputs = try await answer(
            question, outputs: ["get_current_temperature": "20°C"], instructions: "Call the user Captain.")
        let reply = text(of: outputs)
        #expect(reply.hasPrefix("Captain"))
        #expect(reply.contains("20°C"))
        let plain = try await answer(question, outputs: ["get_current_temperature": "20°C"])
        #expect(!text(of: plain).contains("Captain"))
    }

    @Test func sameInputGivesSameOutput() async throws {
        for turns: [ModelTurn] in [
            [.user(seedQuestion)],
            [.user("Will it rain in Tokyo?")],
            [.user("hello"), .assistant("hi"), .user("What's the weather in London for the next 5 days?")],
        ] {
            let first = try await collect(model.respond(to: request(turns)))
            let second = try await collect(model.respond(to: request(turns)))
            #expect(first == second)
            #expect(!first.isEmpty)
        }
        let answerOne = try await answer(seedQuestion, outputs: ["get_current_temperature": "57", "get_rain_probability": "0.06"])
        let answerTwo = try await answer(seedQuestion, outputs: ["get_current_temperature": "57", "get_rain_probability": "0.06"])
        #expect(answerOne == answerTwo)
    }

    @Test(arguments: ["Tell me a joke.", "What is the capital of France?"])
    func nonWeatherQuestionGetsHonestDemoReply(question: String) async throws {
        let outputs = try await collect(model.respond(to: request([.user(question)])))
        #expect(calls(in: outputs).isEmpty)
        let reply = text(of: outputs)
        #expect(reply.contains("offline demo model"))
        #expect(deltas(in: outputs).count > 3)
    }

    @Test func koreanNonWeatherQuestionGetsKoreanDemoReply() async throws {
        let outputs = try await collect(model.respond(to: request([.user("안녕하세요, 자기소개 해주세요.")])))
        #expect(calls(in: outputs).isEmpty)
        #expect(text(of: outputs).contains("오프라인 데모 모델"))
    }

    @Test func answerArrivesInSeveralDeltasThatJoinToTheText() async throws {
        let outputs = try await answer(
            seedQuestion, outputs: ["get_current_temperature": "57", "get_rain_probability": "0.06"])
        let pieces = deltas(in: outputs)
        #expect(pieces.count > 3)
        #expect(pieces.allSatisfy { !$0.isEmpty })
        #expect(DemoModel.deltas(of: pieces.joined()) == pieces)
    }

    @Test func toolErrorIsReportedInsteadOfAValue() async throws {
        let outputs = try await answer(
            seedQuestion, outputs: ["get_current_temperature": #"{"error":"timed out"}"#, "get_rain_probability": "0.06"])
        let reply = text(of: outputs)
        #expect(reply.contains("timed out"))
        #expect(reply.contains("get_current_temperature"))
        #expect(!reply.contains("°C"))
        #expect(!reply.contains("°F"))
        #expect(reply.contains("6%"))
    }

    @Test func missingToolIsExplainedInsteadOfCalled() async throws {
        let onlyRain = tools.filter { $0.name == "get_rain_probability" }
        let outputs = try await collect(
            model.respond(to: ModelRequest(model: "gpt-4o", instructions: "", tools: onlyRain, turns: [.user(seedQuestion)])))
        #expect(calls(in: outputs).isEmpty)
        #expect(text(of: outputs).contains("get_current_temperature"))
    }

    @Test func deltasSplitAfterWhitespace() {
        #expect(DemoModel.deltas(of: "a bc  d\ne") == ["a ", "bc  ", "d\n", "e"])
        #expect(DemoModel.deltas(of: "") == [])
    }
}
