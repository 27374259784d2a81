import Foundation
import TestSupport
import Testing
import ThreadlineCore

@testable import Tools

/// Command tools with real child processes (/bin/sh scripts).
@Suite("CommandTool")
struct CommandToolTests {
    let directory = TemporaryDirectory("threadline-command")

    private func tool(_ script: String, timeout: Duration = .seconds(20), name: String = "run_script") -> CommandTool {
        CommandTool(name: name, spec: CommandTool.Spec(command: ["/bin/sh", "-c", script], timeout: timeout), parametersSchema: "{}")
    }

    private func message(_ body: () async throws -> String) async -> String? {
        let error = await #expect(throws: ToolError.self) { _ = try await body() }
        return error?.message
    }

    @Test func argumentsArriveAsJSONOnStdinAndStdoutIsTheOutput() async throws {
        let output = try await tool(#"read -r line; printf 'got %s\n' "$line""#).call(arguments: ["location": "부산/경상남도", "num_days": 3])
        let json = try #require(output.split(separator: " ", maxSplits: 1).last)
        #expect(output.hasPrefix("got "))
        // One line, sorted keys, slashes and Hangul as they are.
        #expect(json == #"{"location":"부산/경상남도","num_days":3}"#)
        #expect(!output.hasSuffix("\n"))
    }

    @Test func nonZeroExitIsAnErrorWithStatusAndFirstStderrLine() async {
        let text = await message { try await tool("echo; echo 'no such order' >&2; echo 'second line' >&2; exit 3").call(arguments: [:]) }
        #expect(text == "sh exited with status 3: no such order")
    }

    @Test func deathBySignalIsAnError() async {
        let text = await message { try await tool("kill -9 $$").call(arguments: [:]) }
        #expect(text == "sh was killed by signal 9")
    }

    @Test func timeoutKillsTheProcessAndIsAnError() async throws {
        let pidFile = directory.file("pid")
        let text = await message { try await tool("echo $$ > '\(pidFile)'; sleep 30", timeout: .milliseconds(300)).call(arguments: [:]) }
        #expect(text == "sh timed out after 0.3 s")
        let pid = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // Reaped before the call returned: the pid no longer names a process of ours.
        #expect(kill(pid, 0) == -1)
    }

    @Test func childIgnoringSIGTERMIsKilledAfterTheGrace() async throws {
        let text = await message {
            try await tool("trap '' TERM; while :; do sleep 0.05; done", timeout: .milliseconds(200)).call(arguments: [:])
        }
        #expect(text == "sh timed out after 0.2 s")
    }

    @Test func hugeOutputIsTruncatedWithANotice() async throws {
        let output = try await tool("head -c 1000000 /dev/zero | tr '\\0' a").call(arguments: [:])
        let limit = CommandTool.outputLimit
        #expect(output == String(repeating: "a", count: limit) + "\n…[output truncated: showing \(limit) of 1000000 bytes]")
    }

    @Test func truncationNeverSplitsACharacter() async throws {
        // 100000 three-byte characters; the cut at 64 KiB falls inside one.
        let output = try await tool("yes 한 | tr -d '\\n' | head -c 300000").call(arguments: [:])
        let kept = String(repeating: "한", count: CommandTool.outputLimit / 3)
        #expect(output == kept + "\n…[output truncated: showing \(CommandTool.outputLimit) of 300000 bytes]")
    }

    @Test func largeInputIsFedWhole() async throws {
        let blob = String(repeating: "x", count: 300_000)
        let output = try await tool("wc -c").call(arguments: ["blob": .string(blob)])
        let expected = #"{"blob":""}"#.utf8.count + blob.utf8.count + 1
        #expect(output.trimmingCharacters(in: .whitespaces) == String(expected))
    }

    @Test func programThatIgnoresLargeInputStillSucceeds() async throws {
        // Our writes hit a closed pipe (EPIPE); that must not kill the test process.
        let output = try await tool("echo ok").call(arguments: ["blob": .string(String(repeating: "x", count: 300_000))])
        #expect(output == "ok")
    }

    @Test func parallelCallsEachGetTheirOwnOutput() async throws {
        let names = (1...8).map { "echo_\($0)" }
        let registry = ToolRegistry(names.map { tool("cat", name: $0) })
        let calls = names.enumerated().map { index, name in
            ToolCallRequest(id: "call_\(index)", name: name, arguments: #"{"n":\#(index)}"#)
        }
        let results = await ToolRunner(registry: registry, timeout: .seconds(30)).run(calls)
        #expect(results.map(\.output) == calls.indices.map { #"{"n":\#($0)}"# })
        #expect(results.allSatisfy { !$0.isError })
    }

    @Test func runnerTimeoutCancelsTheChild() async throws {
        let pidFile = directory.file("cancelled-pid")
        let registry = ToolRegistry([tool("echo $$ > '\(pidFile)'; sleep 30")])
        let results = await ToolRunner(registry: registry, timeout: .milliseconds(300)).run([
            ToolCallRequest(id: "call_1", name: "run_script", arguments: "{}")
        ])
        #expect(results.first?.isError == true)
        #expect(results.first?.output.contains("timed out") == true)
        let pid = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // The runner answers at the deadline; the cancelled call then ends its process group
        // (SIGTERM, SIGKILL a second later), so the child is gone within a few seconds.
        var gone = false
        for _ in 0..<100 where !gone {
            gone = kill(pid, 0) == -1
            if !gone { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(gone)
    }

    @Test func missingProgramIsAnErrorAndNotReady() async {
        let missing = CommandTool(
            name: "x", spec: CommandTool.Spec(command: [directory.file("missing.sh")], timeout: .seconds(5)), parametersSchema: "{}")
        #expect(missing.unavailableReason == "\(directory.file("missing.sh")) does not exist")
        let text = await message { try await missing.call(arguments: [:]) }
        #expect(text?.hasPrefix("cannot start") == true)
    }

    @Test func readinessChecksTheProgram() throws {
        let script = directory.file("tool.sh")
        try "#!/bin/sh\necho hi\n".write(toFile: script, atomically: true, encoding: .utf8)
        func readiness(_ program: String) -> String? {
            CommandTool(name: "x", spec: CommandTool.Spec(command: [program], timeout: .seconds(5)), parametersSchema: "{}")
                .unavailableReason
        }
        #expect(readiness(script) == "\(script) is not executable")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        #expect(readiness(script) == nil)
        #expect(readiness(directory.path) == "\(directory.path) is not executable")
        #expect(readiness("sh") == nil)
        #expect(readiness("no-such-program-threadline") == "'no-such-program-threadline' is not on PATH")
    }
}
