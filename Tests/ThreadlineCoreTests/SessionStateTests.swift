import Testing
import ThreadlineCore

@Suite("SessionState")
struct SessionStateTests {
    @Test func noOverridesByDefault() {
        var state = SessionState(threadID: "thread_1")
        #expect(!state.hasInstructionOverride)
        #expect(state.takeRunOptions() == RunOptions())
    }

    @Test func stickyInstructionsApplyToEveryRun() {
        var state = SessionState(threadID: "thread_1", stickyInstructions: "Answer in Korean.")
        #expect(state.hasInstructionOverride)
        for _ in 0..<3 {
            #expect(state.takeRunOptions().instructions == "Answer in Korean.")
        }
    }

    @Test func onceInstructionsAddToStickyForExactlyOneRun() {
        var state = SessionState(threadID: "thread_1", stickyInstructions: "sticky")
        state.setOnceInstructions("once")
        #expect(state.nextRunOptions == RunOptions(instructions: "sticky", additionalInstructions: "once"))
        #expect(state.takeRunOptions() == RunOptions(instructions: "sticky", additionalInstructions: "once"))
        #expect(state.onceInstructions == nil)
        #expect(state.takeRunOptions() == RunOptions(instructions: "sticky"))
        #expect(state.takeRunOptions() == RunOptions(instructions: "sticky"))
    }

    @Test func onceReplacingWinsOverStickyForExactlyOneRun() {
        var state = SessionState(threadID: "thread_1", stickyInstructions: "sticky")
        state.setOnceInstructions("once", replacing: true)
        #expect(state.takeRunOptions().instructions == "once")
        #expect(!state.onceReplaces)
        #expect(state.takeRunOptions().instructions == "sticky")
    }

    @Test func onceInstructionsWithoutSticky() {
        var state = SessionState(threadID: "thread_1")
        state.setOnceInstructions("only now")
        #expect(state.hasInstructionOverride)
        #expect(state.takeRunOptions() == RunOptions(additionalInstructions: "only now"))
        #expect(state.takeRunOptions() == RunOptions())
        #expect(!state.hasInstructionOverride)
    }

    @Test func additionalInstructionsAndModelPassThroughEveryRun() {
        var state = SessionState(threadID: "thread_1")
        state.additionalInstructions = "Call the user Captain."
        state.model = "gpt-4o-mini"
        state.setOnceInstructions("once")
        #expect(
            state.takeRunOptions()
                == RunOptions(
                    instructions: nil, additionalInstructions: "Call the user Captain.\n\nonce", model: "gpt-4o-mini"))
        #expect(
            state.takeRunOptions()
                == RunOptions(
                    instructions: nil, additionalInstructions: "Call the user Captain.", model: "gpt-4o-mini"))
        state.setOnceInstructions("instead", replacing: true)
        #expect(
            state.takeRunOptions()
                == RunOptions(
                    instructions: "instead", additionalInstructions: "Call the user Captain.", model: "gpt-4o-mini"))
    }

    @Test(arguments: ["sticky", "once", "additional"])
    func anyOverrideIsReported(kind: String) {
        var state = SessionState(threadID: "thread_1")
        switch kind {
        case "sticky": state.stickyInstructions = "x"
        case "once": state.setOnceInstructions("x")
        default: state.additionalInstructions = "x"
        }
        #expect(state.hasInstructionOverride)
        state.clearInstructions()
        #expect(!state.hasInstructionOverride)
    }

    @Test func clearDropsEveryInstructionOverrideButKeepsThreadAndModel() {
        var state = SessionState(threadID: "thread_1", stickyInstructions: "sticky")
        state.setOnceInstructions("once", replacing: true)
        state.additionalInstructions = "more"
        state.model = "m"
        state.clearInstructions()
        #expect(state.stickyInstructions == nil)
        #expect(state.onceInstructions == nil)
        #expect(!state.onceReplaces)
        #expect(state.additionalInstructions == nil)
        #expect(!state.hasInstructionOverride)
        #expect(state.threadID == "thread_1")
        #expect(state.takeRunOptions() == RunOptions(model: "m"))
    }
}
