import Foundation
import Testing
import ThreadlineCore

@testable import Terminal

@Suite struct SignalRoutingTests {
    let turn = Task<TurnSummary, any Error> { throw CancellationError() }

    @Test func ctrlCCancelsOnlyAStreamingTurn() {
        var routing = SignalRouting()
        #expect(routing.receive(.interrupt) == .none, "at the prompt Ctrl-C is libedit's key")
        routing.begin(.turn(turn))
        #expect(routing.receive(.interrupt) == .cancel(turn))
        #expect(routing.end() == .none, "Ctrl-C does not end the session")
        routing.begin(.editor)
        #expect(routing.receive(.interrupt) == .none, "the editor takes its own Ctrl-C")
        #expect(routing.end() == .none)
    }

    @Test func terminationAtThePromptExitsAtOnce() {
        var routing = SignalRouting()
        #expect(routing.receive(.terminate(SIGTERM)) == .exit(signal: SIGTERM))
        #expect(routing.receive(.resize) == .none)
    }

    @Test func terminationDuringATurnCancelsItAndExitsWhenItEnds() {
        var routing = SignalRouting()
        routing.begin(.turn(turn))
        #expect(routing.receive(.terminate(SIGHUP)) == .cancel(turn))
        #expect(routing.receive(.terminate(SIGTERM)) == .cancel(turn))
        #expect(routing.end() == .exit(signal: SIGHUP), "the first signal decides the status")
    }

    @Test func terminationInTheEditorWaitsForItToExit() {
        var routing = SignalRouting()
        routing.begin(.editor)
        #expect(routing.receive(.terminate(SIGQUIT)) == .none)
        #expect(routing.end() == .exit(signal: SIGQUIT))
    }

    @Test func aSecondCtrlCStopsTheWaitForTheRunsCancel() {
        var routing = SignalRouting()
        let wait = CancelWait()
        routing.begin(.turn(turn, wait))
        #expect(routing.receive(.interrupt) == .cancel(turn))
        #expect(routing.receive(.interrupt) == .stopWaiting(wait))
        #expect(routing.end() == .none)
        routing.begin(.turn(turn, wait))
        #expect(routing.receive(.interrupt) == .cancel(turn), "a new turn's first Ctrl-C cancels it")
    }
}
