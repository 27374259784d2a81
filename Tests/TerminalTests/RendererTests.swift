import Testing
import ThreadlineCore

@testable import Terminal

@Suite struct RendererTests {
    @Test func toolLineShowsArgumentsAndOutputOnOneLine() {
        let result = ToolCallResult(
            call: ToolCallRequest(id: "call_1", name: "get_rain_probability", arguments: #"{"location":"부산/경상남도"}"#),
            output: "0.06", isError: false)
        #expect(Renderer.describe(result) == "get_rain_probability(location: 부산/경상남도) = 0.06")
    }

    @Test func invalidArgumentsAreShownAsWritten() {
        let result = ToolCallResult(
            call: ToolCallRequest(id: "c", name: "f", arguments: "{oops"), output: #"{"error":"x"}"#, isError: true)
        #expect(Renderer.describe(result) == #"f({oops) = {"error":"x"}"#)
    }

    @Test func longAndMultiLineOutputsAreCut() {
        let text = String(repeating: "가", count: 200) + "\nsecond line"
        let cut = Renderer.truncated(text, to: 60)
        #expect(cut.count == 60)
        #expect(cut.hasSuffix("…"))
        #expect(!cut.contains("\n"))
        #expect(Renderer.truncated("a\nb", to: 60) == "a b")
    }

    @Test func colourFollowsNoColorAndTheTerminal() {
        #expect(Renderer.wantsColor(environment: [:], stdoutIsTTY: true))
        #expect(!Renderer.wantsColor(environment: ["NO_COLOR": ""], stdoutIsTTY: true))
        #expect(!Renderer.wantsColor(environment: [:], stdoutIsTTY: false))
        #expect(Renderer(interactive: true, color: true).styled("x", .dim) == "\u{1B}[2mx\u{1B}[0m")
        #expect(Renderer(interactive: true, color: false).styled("x", .dim) == "x")
    }

    @Test func promptShowsAnActiveOverride() {
        let renderer = Renderer(interactive: true, color: false)
        #expect(renderer.prompt(overrideActive: false) == "> ")
        #expect(renderer.prompt(overrideActive: true).contains("[instructions]"))
    }
}
