import AssistantsWire
import Foundation
import Testing
import ThreadlineCore

@Suite("Run coding")
struct RunCodingTests {
    static let openAIRunJSON = """
        {
          "id": "run_abc123",
          "object": "thread.run",
          "created_at": 1699075072,
          "assistant_id": "asst_abc123",
          "thread_id": "thread_abc123",
          "status": "requires_action",
          "started_at": 1699075072,
          "expires_at": 1699075672,
          "cancelled_at": null,
          "failed_at": null,
          "completed_at": null,
          "required_action": {
            "type": "submit_tool_outputs",
            "submit_tool_outputs": {
              "tool_calls": [
                {
                  "id": "call_001",
                  "type": "function",
                  "function": {"name": "get_current_weather", "arguments": "{\\"location\\":\\"Seoul\\"}"}
                },
                {
                  "id": "call_002",
                  "type": "function",
                  "function": {"name": "get_rain_probability", "arguments": "{\\"location\\":\\"Busan\\",\\"days\\":2}"}
                }
              ]
            }
          },
          "last_error": null,
          "model": "gpt-4o",
          "instructions": "You are a weather bot.",
          "tools": [
            {
              "type": "function",
              "function": {
                "name": "get_current_weather",
                "description": "Get the current weather in a location",
                "parameters": {
                  "type": "object",
                  "properties": {"location": {"type": "string", "description": "City"}},
                  "required": ["location"]
                },
                "strict": false
              }
            },
            {"type": "code_interpreter"}
          ],
          "tool_resources": {},
          "metadata": {"session": "s1"},
          "temperature": 0.7,
          "top_p": 1.0,
          "max_prompt_tokens": 1000,
          "max_completion_tokens": 500,
          "truncation_strategy": {"type": "auto", "last_messages": null},
          "incomplete_details": null,
          "usage": null,
          "response_format": "auto",
          "tool_choice": "auto",
          "parallel_tool_calls": true,
          "reasoning_effort": null
        }
        """

    @Test func decodesOpenAIShapedRun() throws {
        let run = try WireCoding.decoder().decode(Run.self, from: Data(Self.openAIRunJSON.utf8))
        #expect(run.id == "run_abc123")
        #expect(run.object == "thread.run")
        #expect(run.status == .requiresAction)
        #expect(!run.status.isTerminal)
        #expect(run.createdAt == 1_699_075_072)
        #expect(run.expiresAt == 1_699_075_672)
        #expect(run.completedAt == nil)
        #expect(run.lastError == nil)
        #expect(run.usage == nil)
        #expect(run.model == "gpt-4o")
        #expect(run.instructions == "You are a weather bot.")
        #expect(run.metadata == ["session": "s1"])
        #expect(run.temperature == 0.7)
        #expect(run.maxCompletionTokens == 500)
        #expect(run.parallelToolCalls == true)
        #expect(run.toolChoice == .string("auto"))
        #expect(run.truncationStrategy == .object(["type": .string("auto"), "last_messages": .null]))

        let action = try #require(run.requiredAction)
        #expect(action.type == "submit_tool_outputs")
        #expect(action.submitToolOutputs.toolCalls == [
            ToolCall(id: "call_001", name: "get_current_weather", arguments: #"{"location":"Seoul"}"#),
            ToolCall(id: "call_002", name: "get_rain_probability", arguments: #"{"location":"Busan","days":2}"#),
        ])

        #expect(run.tools.count == 2)
        #expect(run.tools[0].function?.name == "get_current_weather")
        #expect(run.tools[0].function?.parameters?["required"] == .array([.string("location")]))
        #expect(run.tools[1].type == "code_interpreter")
        #expect(run.tools[1].function == nil)
    }

    @Test func decodesCompletedRunWithUsageAndError() throws {
        let json = """
            {"id":"run_2","object":"thread.run","created_at":1,"assistant_id":"asst","thread_id":"thread",
             "status":"failed","failed_at":9,"last_error":{"code":"server_error","message":"boom"},
             "model":"m","instructions":"i","tools":[],
             "usage":{"prompt_tokens":100,"completion_tokens":23,"total_tokens":123}}
            """
        let run = try WireCoding.decoder().decode(Run.self, from: Data(json.utf8))
        #expect(run.status == .failed)
        #expect(run.status.isTerminal)
        #expect(run.lastError == RunError(code: "server_error", message: "boom"))
        #expect(run.usage == Usage(promptTokens: 100, completionTokens: 23))
        #expect(run.usage?.totalTokens == 123)
    }

    @Test func unknownStatusDecodes() throws {
        let json = """
            {"id":"run_3","object":"thread.run","created_at":1,"assistant_id":"a","thread_id":"t",
             "status":"hibernating","model":"m","tools":[]}
            """
        let run = try WireCoding.decoder().decode(Run.self, from: Data(json.utf8))
        #expect(run.status == RunStatus("hibernating"))
        #expect(!run.status.isTerminal)
    }

    @Test func encodesNullsForUnsetOptionalFields() throws {
        let run = Run(
            id: "run_1", createdAt: 5, threadID: "thread_1", assistantID: "asst_1", status: .queued,
            model: "demo", instructions: nil, tools: [], expiresAt: nil)
        let text = WireCoding.jsonText(run)
        #expect(text.contains(#""required_action":null"#))
        let json = try JSONValue.parse(text)
        for key in [
            "required_action", "last_error", "expires_at", "started_at", "cancelled_at", "failed_at",
            "completed_at", "incomplete_details", "instructions", "usage", "temperature", "top_p",
            "max_prompt_tokens", "max_completion_tokens",
        ] {
            #expect(json[key] == .null, "\(key) should be written as null")
        }
        #expect(json["id"] == .string("run_1"))
        #expect(json["object"] == .string("thread.run"))
        #expect(json["status"] == .string("queued"))
        #expect(json["metadata"] == .object([:]))
        #expect(json["tools"] == .array([]))
        #expect(json["created_at"] == .number(5))
    }

    @Test func encodesRequiredActionInWireShape() throws {
        var run = Run(
            id: "run_1", createdAt: 5, threadID: "thread_1", assistantID: "asst_1", status: .requiresAction,
            model: "demo", instructions: "x", tools: [], expiresAt: 10)
        run.requiredAction = RequiredAction(toolCalls: [ToolCall(id: "call_9", name: "f", arguments: "{}")])
        let json = try JSONValue.parse(WireCoding.jsonText(run))
        let call = json["required_action"]?["submit_tool_outputs"]?["tool_calls"]
        #expect(json["required_action"]?["type"] == .string("submit_tool_outputs"))
        #expect(call == .array([
            .object(["id": .string("call_9"), "type": .string("function"),
                     "function": .object(["name": .string("f"), "arguments": .string("{}")])])
        ]))
    }

    @Test func encodeDecodeRoundTrip() throws {
        let run = Samples.run
        let data = try WireCoding.encoder().encode(run)
        #expect(try WireCoding.decoder().decode(Run.self, from: data) == run)
    }

    @Test func toolOutputUsesSnakeCase() throws {
        let json = try JSONValue.parse(WireCoding.jsonText(ToolOutput(toolCallID: "call_1", output: "ok")))
        #expect(json == .object(["tool_call_id": .string("call_1"), "output": .string("ok")]))
    }
}
