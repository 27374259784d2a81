import AssistantsWire
import Foundation
import TestSupport
import Testing
import Tools

/// The built binary with a config directory whose tools.json switches the weather tools to
/// Open-Meteo (the in-process fake) and serves one through a command script.
@Suite struct ToolProvidersPipedTests {
    let home = TemporaryDirectory("threadline-tools-home")
    let config = TemporaryDirectory("threadline-tools-config")

    private func writeConfig(tools: String, script: String? = nil, executable: Bool = true) throws {
        try DefaultConfiguration.assistantJSON.write(toFile: config.file("assistant.json"), atomically: true, encoding: .utf8)
        try tools.write(toFile: config.file("tools.json"), atomically: true, encoding: .utf8)
        if let script {
            try script.write(toFile: config.file("rain.sh"), atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: config.file("rain.sh"))
        }
    }

    /// Command tools ask before they run, so a piped run needs --yes (`yes: false` shows the decline).
    private func run(_ lines: [String], yes: Bool = true, arguments: [String] = []) async throws -> ProcessOutput {
        try await ProcessRunner.run(
            ["--config", config.path] + (yes ? ["--yes"] : []) + arguments, lines: lines,
            environment: ["THREADLINE_HOME": home.path, "THREADLINE_DEMO_DELAY_MS": "0", "THREADLINE_YES": ""])
    }

    /// Rain probability from a script that reads the arguments JSON and answers per city.
    private let rainScript = """
        #!/bin/sh
        read -r arguments
        case "$arguments" in
          *부산*) echo 0.42 ;;
          *) echo "unknown city in $arguments" >&2; exit 2 ;;
        esac
        """

    @Test func seedQuestionIsAnsweredFromOpenMeteoAndACommandTool() async throws {
        let busan = try #require(FakeOpenMeteo.place(named: "부산"))
        let (output, requests) = try await FakeOpenMeteo.with { fake in
            try writeConfig(
                tools: """
                    {
                      "open-meteo": { "geocoding_url": "\(fake.baseURL)", "forecast_url": "\(fake.baseURL)" },
                      "tools": {
                        "get_current_temperature": "open-meteo",
                        "get_n_day_weather_forecast": "open-meteo",
                        "get_rain_probability": { "command": ["./rain.sh"], "timeout": 10 }
                      }
                    }
                    """, script: rainScript)
            let output = try await run(["/tools", "오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?"])
            return (output, fake.requests)
        }
        #expect(output.status == 0)
        #expect(output.stdout.contains("부산의 현재 기온은 \(busan.currentC)°C"))
        #expect(output.stdout.contains("비가 올 확률은 42%"))
        #expect(output.stderr.contains("get_current_temperature     open-meteo  ready"))
        #expect(output.stderr.contains("get_rain_probability        command     ready"))
        #expect(output.stderr.contains("→ get_rain_probability(location: 부산/경상남도) = 0.42"))
        #expect(requests.contains { $0.hasPrefix("/v1/search?") } && requests.contains { $0.hasPrefix("/v1/forecast?") })
    }

    @Test func failingCommandBecomesAnErrorOutputTheModelReports() async throws {
        try writeConfig(tools: #"{"tools": {"get_rain_probability": {"command": ["./rain.sh"]}}}"#, script: rainScript)
        let output = try await run(["What's the chance of rain in Seoul?"])
        #expect(output.status == 0)
        #expect(output.stderr.contains(#"→ get_rain_probability(location: 서울/서울특별시) = {"error":"rain.sh exited with status 2"#))
        #expect(output.stdout.contains("get_rain_probability (rain.sh exited with status 2: unknown city in"))
    }

    @Test func pipedRunDeclinesACommandToolWithoutYes() async throws {
        try writeConfig(tools: #"{"tools": {"get_rain_probability": {"command": ["./rain.sh"]}}}"#, script: rainScript)
        let output = try await run(["What's the chance of rain in Busan?"], yes: false)
        #expect(output.status == 0)
        #expect(output.stderr.contains("declined get_rain_probability: it needs approval"))
        #expect(output.stderr.contains(#"→ get_rain_probability(location: 부산/경상남도) = {"error":"the user declined this call"}"#))
    }

    @Test func approvalAutoRunsACommandToolWithoutYes() async throws {
        try writeConfig(
            tools: #"{"tools": {"get_rain_probability": {"command": ["./rain.sh"], "approval": "auto"}}}"#, script: rainScript)
        let output = try await run(["What's the chance of rain in Busan?"], yes: false)
        #expect(output.stderr.contains("→ get_rain_probability(location: 부산/경상남도) = 0.42"))
    }

    @Test func toolsShowsWhyACommandIsNotReady() async throws {
        try writeConfig(tools: #"{"tools": {"get_rain_probability": {"command": ["./rain.sh"]}}}"#, script: rainScript, executable: false)
        let output = try await run(["/tools"])
        #expect(output.status == 0)
        #expect(output.stderr.contains("get_rain_probability  command  not ready: \(config.file("rain.sh")) is not executable"))
    }

    @Test func declaredCommandFunctionIsOfferedAndListed() async throws {
        try writeConfig(
            tools: #"{"tools": {"lookup_order": {"command": ["cat"], "description": "Looks up an order.", "#
                + #""parameters": {"type": "object", "properties": {"id": {"type": "string"}}}}}}"#)
        let output = try await run(["/tools", "/show"])
        #expect(output.status == 0)
        #expect(output.stderr.contains("lookup_order  command  ready"))
        #expect(output.stderr.contains("tools:    lookup_order"))
    }

    /// `--plain`: a general assistant; the weather instructions and demo tools are gone, the
    /// config's command tools stay.
    @Test func plainDropsTheWeatherAssistantButKeepsCommandTools() async throws {
        try writeConfig(
            tools: #"{"tools": {"lookup_order": {"command": ["cat"], "description": "Looks up an order.", "#
                + #""parameters": {"type": "object", "properties": {"id": {"type": "string"}}}}}}"#)
        try FileManager.default.removeItem(atPath: config.file("assistant.json"))
        let output = try await run(["/tools", "/show"], arguments: ["--plain"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("tools:    lookup_order\n"), "\(output.stderr)")
        #expect(!output.stderr.contains("get_rain_probability"))
        #expect(output.stderr.contains("assistant's instructions (no override): You are a helpful assistant."))
        #expect(output.stderr.contains("model:    demo (runs name gpt-4o-mini)"), "the demo says it answers, not the named model")
    }

    @Test func assistantConfigReadsTheDefinitionFromAFile() async throws {
        try writeConfig(tools: #"{"tools": {}}"#)
        let file = config.file("terse.json")
        try #"{"name": "Terse", "instructions": "Answer in one line.", "model": "llama3.2", "tools": []}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let output = try await run(["/show"], arguments: ["--assistant-config", file])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("assistant's instructions (no override): Answer in one line."))
        #expect(output.stderr.contains("model:    demo (runs name llama3.2)"))
        let missing = try await run(["/show"], arguments: ["--assistant-config", config.file("nope.json")])
        #expect(missing.status != 0)
        #expect(missing.stderr.hasPrefix("error: \(config.file("nope.json")): no such file"), "\(missing.stderr)")
        let both = try await run([], arguments: ["--plain", "--assistant-config", file])
        #expect(both.stderr.hasPrefix("error: --plain and --assistant-config exclude each other"), "\(both.stderr)")
    }

    @Test func invalidToolsFileStopsStartUpNamingFileAndEntry() async throws {
        try writeConfig(tools: #"{"tools": {"get_rain_probability": {"command": ["./rain.sh"], "timeout": 0}}}"#)
        let output = try await run(["hello"])
        #expect(output.status != 0)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains(config.file("tools.json")))
        #expect(output.stderr.contains("tool 'get_rain_probability': \"timeout\" must be a positive number of seconds"))
    }

    @Test func toolWithoutSchemaStopsStartUp() async throws {
        try writeConfig(tools: #"{"tools": {"lookup_order": {"command": ["cat"]}}}"#)
        let output = try await run(["hello"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("\(config.file("tools.json")): tool 'lookup_order' has no schema"))
    }

    @Test func toolsFileThatIsADirectoryStopsStartUpNamingIt() async throws {
        try FileManager.default.createDirectory(atPath: config.file("tools.json"), withIntermediateDirectories: true)
        let output = try await run(["hello"])
        #expect(output.status != 0)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("\(config.file("tools.json")): is a directory, not a JSON file"))
        #expect(output.stderr.split(separator: "\n").count == 1)
    }
}
