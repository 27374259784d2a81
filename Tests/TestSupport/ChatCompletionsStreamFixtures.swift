import AssistantsWire
import ThreadlineCore

/// Streams shaped like `POST /chat/completions` with `stream: true` and
/// `stream_options.include_usage`: `data:`-only events of `chat.completion.chunk` objects,
/// a last chunk with empty `choices` and the usage, then `data: [DONE]`.
public enum ChatCompletionsStreamFixture {
    private static func chunk(_ choices: String, usage: String = "null") -> String {
        #"data: {"id":"chatcmpl-fixture","object":"chat.completion.chunk","created":1764086400,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[\#(choices)],"usage":\#(usage)}"#
            + "\n\n"
    }

    private static func choice(_ delta: String, finish: String? = nil) -> String {
        #"{"index":0,"delta":{\#(delta)},"logprobs":null,"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}"#
    }

    private static func ending(_ finish: String, usage: (Int, Int)) -> [String] {
        [
            chunk(choice("", finish: finish)),
            chunk(
                "",
                usage:
                    #"{"prompt_tokens":\#(usage.0),"completion_tokens":\#(usage.1),"total_tokens":\#(usage.0.saturatingAdding(usage.1))}"#),
            "data: [DONE]\n\n",
        ]
    }

    /// A reply written in `deltas`, ending with `finish` ("stop", or "length" for a cut reply).
    public static func text(_ deltas: [String], finish: String = "stop", usage: (Int, Int) = (31, 9)) -> [String] {
        [chunk(choice(#""role":"assistant","content":"""#))]
            + deltas.map { chunk(choice(#""content":\#(WireCoding.jsonText($0))"#)) }
            + ending(finish, usage: usage)
    }

    /// Parallel calls as OpenAI streams them: each call opens with its id and name at its
    /// `index`, then the argument pieces of the calls arrive interleaved.
    public static func calls(_ calls: [ToolCallRequest], usage: (Int, Int) = (120, 40)) -> [String] {
        var events = [chunk(choice(#""role":"assistant","content":null"#))]
        for (index, call) in calls.enumerated() {
            events.append(
                chunk(
                    choice(
                        #""tool_calls":[{"index":\#(index),"id":"\#(call.id)","type":"function","function":{"name":"\#(call.name)","arguments":""}}]"#
                    )))
        }
        let halves = calls.map { call -> [String] in
            let cut = call.arguments.index(call.arguments.startIndex, offsetBy: call.arguments.count / 2)
            return [String(call.arguments[..<cut]), String(call.arguments[cut...])]
        }
        for half in 0..<2 {
            for (index, pieces) in halves.enumerated() {
                events.append(
                    chunk(choice(#""tool_calls":[{"index":\#(index),"function":{"arguments":\#(WireCoding.jsonText(pieces[half]))}}]"#)))
            }
        }
        return events + ending("tool_calls", usage: usage)
    }

    /// The first chunks of a reply, then nothing: no finish reason, no `[DONE]`.
    public static func truncated(_ deltas: [String]) -> [String] {
        Array(text(deltas).prefix(1 + deltas.count))
    }
}
