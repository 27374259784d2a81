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

    /// One-row items are cut to the window by display width (Hangul counts two columns), with `…`.
    @Test func oneRowItemsAreCutToTheWindow() {
        let line = "→ get_rain_probability(location: 부산/경상남도) = 0.06"
        #expect(Renderer.cut(line, to: 100) == line)
        let cut = Renderer.cut(line, to: 40)
        #expect(DisplayWidth.of(cut) <= 40)
        #expect(cut.hasSuffix("…"))
        #expect(cut == "→ get_rain_probability(location: 부산/…")
        #expect(Renderer.cut("one\ntwo", to: 10) == "one two")
        let piped = Renderer(interactive: false, color: false)
        #expect(piped.oneRow(line + line) == line + line, "whole when there is no window")
        let narrow = Renderer(interactive: true, color: false, columns: { 30 })
        #expect(DisplayWidth.of(narrow.oneRow(line)) <= 30)
    }

    @Test func invalidArgumentsAreShownAsWritten() {
        let result = ToolCallResult(
            call: ToolCallRequest(id: "c", name: "f", arguments: "{oops"), output: #"{"error":"x"}"#, isError: true)
        #expect(Renderer.describe(result) == #"f({oops) = {"error":"x"}"#)
    }

    @Test func longAndMultiLineOutputsAreCut() {
        let text = String(repeating: "가", count: 200) + "\nsecond line"
        // Cut by columns: 29 Hangul syllables (58 columns) and the ellipsis.
        let cut = Renderer.cut(text, to: 60)
        #expect(DisplayWidth.of(cut) == 59)
        #expect(cut == String(repeating: "가", count: 29) + "…")
        #expect(!cut.contains("\n"))
        #expect(Renderer.cut("a\nb", to: 60) == "a b")
    }

    @Test func colourFollowsNoColorAndTheTerminal() {
        #expect(Renderer.wantsColor(environment: [:], stdoutIsTTY: true))
        #expect(!Renderer.wantsColor(environment: ["NO_COLOR": ""], stdoutIsTTY: true))
        #expect(!Renderer.wantsColor(environment: [:], stdoutIsTTY: false))
        #expect(Renderer(interactive: true, color: true).styled("x", .dim) == "\u{1B}[2mx\u{1B}[0m")
        #expect(Renderer(interactive: true, color: false).styled("x", .dim) == "x")
    }

    @Test func markdownNeedsAColourTerminalAndRenderSwitchesIt() {
        let terminal = Renderer(interactive: true, color: true, columns: { 80 }, markdown: true)
        #expect(terminal.rendersMarkdown)
        #expect(terminal.setRendersMarkdown(false))
        #expect(!terminal.rendersMarkdown)
        #expect(terminal.setRendersMarkdown(true))
        let noColor = Renderer(interactive: true, color: false, columns: { 80 }, markdown: true)
        #expect(!noColor.rendersMarkdown, "NO_COLOR writes replies as sent")
        #expect(!noColor.setRendersMarkdown(true))
        let piped = Renderer(interactive: false, color: false, columns: nil, markdown: true)
        #expect(!piped.rendersMarkdown)
        #expect(!piped.copyToClipboard("x"), "OSC 52 only on a terminal")
    }

    @Test func promptShowsAnActiveOverride() {
        let renderer = Renderer(interactive: true, color: false)
        #expect(renderer.prompt(overrideActive: false) == "> ")
        #expect(renderer.prompt(overrideActive: true).contains("[instructions]"))
    }

    @Test func statusLineHasElapsedTimeToolCallsAndTokens() {
        let call = ToolCallResult(call: ToolCallRequest(id: "c", name: "f", arguments: "{}"), output: "1", isError: false)
        let summary = TurnSummary(
            text: "", outcome: .completed, toolResults: [call, call], usage: TokenUsage(inputTokens: 123, outputTokens: 45),
            toolRounds: 1)
        #expect(Renderer.statusLine(summary, elapsed: .milliseconds(1234)) == "1.2s · 2 tool calls · 123 in / 45 out tokens")
        let bare = TurnSummary(text: "", outcome: .completed, toolResults: [], usage: nil, toolRounds: 0)
        #expect(Renderer.statusLine(bare, elapsed: .seconds(3)) == "3.0s")
        #expect(Renderer.statusLine(bare, elapsed: nil) == "")
        let failed = TurnSummary(text: "", outcome: .failed("server_error: boom"), toolResults: [], usage: nil, toolRounds: 0)
        #expect(Renderer.statusLine(failed, elapsed: .milliseconds(20)) == "")
        var failedAfterTools = failed
        failedAfterTools.toolResults = [call]
        #expect(Renderer.statusLine(failedAfterTools, elapsed: .milliseconds(1234)) == "1.2s · 1 tool call")
    }

    @Test func continuationPromptShowsTheInputIsOpen() {
        #expect(Renderer(interactive: true, color: false).prompt(overrideActive: true, continuing: true) == "... ")
    }
}
