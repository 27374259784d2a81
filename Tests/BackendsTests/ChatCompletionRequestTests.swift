import AssistantsWire
import Testing

@testable import Backends

/// What a run's options become in the Chat Completions request body.
@Suite struct ChatCompletionRequestTests {
    private func body(parallel: Bool, tools: [FunctionDefinition]) -> String {
        let request = ModelRequest(
            model: "llama3.2", instructions: "be brief", tools: tools, turns: [.user("hi")], parallelToolCalls: parallel)
        return WireCoding.jsonText(ChatCompletionRequest(request))
    }

    @Test func oneCallPerStepIsAskedForOnlyWhenTheRunSaysSo() {
        let tools = [FunctionDefinition(name: "get_rain_probability")]
        #expect(body(parallel: false, tools: tools).contains(#""parallel_tool_calls":false"#))
        #expect(!body(parallel: true, tools: tools).contains("parallel_tool_calls"))
        #expect(!body(parallel: false, tools: []).contains("parallel_tool_calls"), "meaningless without tools")
    }
}
