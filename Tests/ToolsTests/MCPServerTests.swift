import Foundation
import TestSupport
import Testing
import ThreadlineCore

@testable import Tools

/// `MCPServer` against real stdio servers from the test venv.
@Suite(.enabled(if: MCPFixtures.installed, "needs the test venv with mcp-server-time and mcp (make venv)"))
struct MCPServerTests {
    let logs = TemporaryDirectory("threadline-mcp-logs")

    private func server(
        _ name: String, _ command: String, _ args: [String], startupTimeout: Duration = .seconds(120), toolTimeout: Duration? = nil
    ) -> MCPServer {
        MCPServer(
            configuration: MCPConfiguration.Server(
                name: name, transport: .stdio(command: command, args: args, env: [:], cwd: nil), startupTimeout: startupTimeout,
                toolTimeout: toolTimeout),
            logDirectory: logs.path, environment: ProcessInfo.processInfo.environment)
    }

    private static func isAlive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 }

    @Test func handshakeListsToolsCallsOneAndStopsWithoutOrphans() async throws {
        let time = server("time", MCPFixtures.timeServer, ["--local-timezone", "UTC"])
        await time.start()
        #expect(time.status.state == .ready, "\(time.status)")
        #expect(Set(time.status.tools.map(\.name)) == ["get_current_time", "convert_time"])
        let output = try await time.call("get_current_time", arguments: ["timezone": "Asia/Seoul"])
        #expect(output.contains("Asia/Seoul") && output.contains("datetime"))
        let pid = try #require(await time.processID)
        await time.stop()
        #expect(time.status.state == .stopped)
        #expect(!Self.isAlive(pid))
    }

    @Test func aServerThatDiesIsRestartedOnceThenStaysFailed() async throws {
        let fixture = server("fixture", MCPFixtures.python, [MCPFixtures.fixtureServer])
        await fixture.start()
        #expect(fixture.status.state == .ready)
        for round in 0..<2 {
            let pid = try #require(await fixture.processID)
            kill(pid, SIGKILL)
            // The process watcher notices; wait for a new ready process or the failure (no timing).
            while true {
                // The process first: a new process is set before its state turns ready, so a ready
            // state read after it belongs to that process, never to the one that crashed.
            let current = await fixture.processID
            let state = fixture.status.state
                if case .failed = state { break }
                if state == .ready, let current, current != pid { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let status = fixture.status
            #expect(status.lastError?.contains("the server was killed by signal 9") == true, "\(status)")
            if round == 0 {
                #expect(status.state == .ready && status.lastError?.hasSuffix("; restarted") == true, "\(status)")
            } else {
                guard case .failed = status.state else {
                    Issue.record("expected failed, got \(status)")
                    return
                }
            }
        }
        await fixture.restart()
        #expect(fixture.status.state == .ready)
        await fixture.stop()
    }

    @Test func isErrorBecomesAThrownErrorAndImagesOneLine() async throws {
        let fixture = server("fixture", MCPFixtures.python, [MCPFixtures.fixtureServer])
        await fixture.start()
        await #expect(throws: ToolError.self) { try await fixture.call("fail", arguments: ["reason": "no"]) }
        let picture = try await fixture.call("picture", arguments: [:])
        #expect(picture.hasPrefix("[image image/png, ") && !picture.contains("\n"))
        await fixture.stop()
    }

    @Test func aCallPastTheServersToolTimeoutIsAnErrorOutputAndTheServerGoesOn() async throws {
        let fixture = server("fixture", MCPFixtures.python, [MCPFixtures.fixtureServer], toolTimeout: .seconds(5))
        await fixture.start()
        let tools = fixture.status.tools.map { MCPTool(server: fixture, tool: $0) }
        let runner = ToolRunner(registry: ToolRegistry(tools), timeout: .seconds(60))
        let results = await runner.run([
            ToolCallRequest(id: "slow", name: "fixture__sleep", arguments: #"{"seconds": 60}"#),
            ToolCallRequest(id: "quick", name: "fixture__environment", arguments: "{}"),
        ])
        #expect(results.map(\.isError) == [true, false])
        #expect(results.first?.output == #"{"error":"timed out after 5 s"}"#, "\(results)")
        #expect(fixture.status.state == .ready)
        await fixture.stop()
    }

    @Test func aServerThatCrashesMidCallGivesAnErrorNamingItAndIsRestarted() async throws {
        let fixture = server("fixture", MCPFixtures.python, [MCPFixtures.fixtureServer])
        await fixture.start()
        let pid = try #require(await fixture.processID)
        do {
            _ = try await fixture.call("crash", arguments: [:])
            Issue.record("the call returned")
        } catch let error as ToolError {
            #expect(error.message.hasPrefix("MCP server 'fixture': "), "\(error)")
            #expect(!error.message.contains("\n"))
        }
        while true {
            // The process first: a new process is set before its state turns ready, so a ready
            // state read after it belongs to that process, never to the one that crashed.
            let current = await fixture.processID
            let state = fixture.status.state
            if state == .ready, let current, current != pid { break }
            if case .failed = state { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(fixture.status.state == .ready)
        #expect(fixture.status.lastError?.contains("exited with status 3") == true, "\(fixture.status)")
        await fixture.stop()
    }
}
