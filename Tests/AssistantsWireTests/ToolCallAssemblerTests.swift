import AssistantsWire
import Testing

@Suite struct ToolCallAssemblerTests {
    @Test func mergesFragmentsByIndexInIndexOrder() {
        var assembler = ToolCallAssembler()
        let arguments = #"{"location":"부산/경상남도"}"#
        // Every split point, including inside the UTF-8 of a Hangul syllable's String form.
        for split in 0...arguments.count {
            assembler.reset()
            let head = String(arguments.prefix(split))
            let tail = String(arguments.dropFirst(split))
            assembler.apply(ToolCallDelta(index: 1, id: "call_2", function: .init(name: "get_rain_probability", arguments: "{}")))
            assembler.apply(ToolCallDelta(index: 0, id: "call_1", function: .init(name: "get_current_temperature", arguments: head)))
            assembler.apply(ToolCallDelta(index: 0, function: .init(arguments: tail)))
            #expect(assembler.toolCalls.map(\.id) == ["call_1", "call_2"])
            #expect(assembler.toolCalls.first?.function.arguments == arguments)
            #expect(assembler.toolCalls.first?.function.name == "get_current_temperature")
        }
    }

    @Test func laterFragmentsKeepTheIdAndNameAndMayBringTheOutput() {
        var assembler = ToolCallAssembler()
        assembler.apply(
            RunStepDelta(
                stepID: "step_1",
                toolCalls: [ToolCallDelta(index: 0, id: "call_1", function: .init(name: "f", arguments: "{"))]))
        assembler.apply(ToolCallDelta(index: 0, id: "", function: .init(name: "", arguments: "}", output: "57")))
        #expect(assembler.toolCalls == [ToolCall(id: "call_1", name: "f", arguments: "{}", output: "57")])
    }

    @Test func startsEmpty() {
        #expect(ToolCallAssembler().toolCalls.isEmpty)
    }
}
