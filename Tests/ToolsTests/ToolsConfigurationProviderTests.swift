import AssistantsWire
import Foundation
import TestSupport
import Testing
import ThreadlineCore

@testable import Tools

/// tools.json beyond the demo: open-meteo settings, command tools, functions declared there.
@Suite("ToolsConfiguration providers")
struct ToolsConfigurationProviderTests {
    private let file = "/srv/cfg/tools.json"
    private let schema = #"{"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}"#

    private func parse(_ text: String, directory: String? = nil) throws -> ToolsConfiguration {
        try ToolsConfiguration.parse(Data(text.utf8), file: file, directory: directory)
    }

    /// The one-line error for `text`; it must name the file and `entry`.
    private func error(_ text: String, naming entry: String) throws -> String {
        let error = try #require(#expect(throws: ConfigurationError.self) { try parse(text) })
        #expect(error.description.hasPrefix(file + ": "))
        #expect(error.description.contains(entry))
        #expect(!error.description.contains("\n"))
        return error.description
    }

    @Test func openMeteoProviderAndBaseURLs() throws {
        let configuration = try parse(
            #"{"open-meteo": {"geocoding_url": "http://127.0.0.1:9/v1", "forecast_url": "http://127.0.0.1:8/v1"},"#
                + #" "tools": {"get_current_temperature": "open-meteo", "get_rain_probability": "demo"}}"#)
        #expect(configuration.providers == ["get_current_temperature": .openMeteo, "get_rain_probability": .demo])
        #expect(configuration.openMeteo == OpenMeteoSettings(geocodingURL: "http://127.0.0.1:9/v1", forecastURL: "http://127.0.0.1:8/v1"))
        let partial = try parse(#"{"open-meteo": {"forecast_url": "https://meteo.example/v1"}, "tools": {}}"#)
        #expect(partial.openMeteo.geocodingURL == OpenMeteoSettings.standard.geocodingURL)
        #expect(partial.openMeteo.forecastURL == "https://meteo.example/v1")
    }

    @Test func commandToolWithTimeoutDescriptionAndSchema() throws {
        let configuration = try parse(
            #"{"tools": {"lookup_order": {"command": ["/usr/local/bin/lookup", "--json"], "timeout": 2.5, "#
                + #""description": "Looks up an order.", "parameters": \#(schema)}}}"#)
        let expected = CommandTool.Spec(
            command: ["/usr/local/bin/lookup", "--json"], timeout: .milliseconds(2500), description: "Looks up an order.",
            parameters: try JSONValue.parse(schema))
        #expect(configuration.providers == ["lookup_order": .command(expected)])
        #expect(
            configuration.declaredFunctions == [
                FunctionDefinition(name: "lookup_order", description: "Looks up an order.", parameters: try JSONValue.parse(schema))
            ])
    }

    @Test func relativeCommandPathIsTakenFromTheConfigDirectory() throws {
        let configuration = try parse(
            #"{"tools": {"a": {"command": ["./bin/a.sh"]}, "b": {"command": ["../b.sh"]}, "c": {"command": ["python3", "c.py"]}}}"#,
            directory: "/srv/cfg")
        func command(_ name: String) -> [String]? {
            guard case .command(let spec)? = configuration.providers[name] else { return nil }
            return spec.command
        }
        #expect(command("a") == ["/srv/cfg/bin/a.sh"])
        #expect(command("b") == ["/srv/b.sh"])
        #expect(command("c") == ["python3", "c.py"])
        guard case .command(let spec)? = configuration.providers["c"] else { return }
        #expect(spec.timeout == .seconds(30))
    }

    @Test(arguments: [
        (#"{"tools": {"t": {"command": []}}}"#, "command"), (#"{"tools": {"t": {"command": [""]}}}"#, "command"),
        (#"{"tools": {"t": {"command": "ls"}}}"#, "command"), (#"{"tools": {"t": {"command": ["ls", 1]}}}"#, "command"),
        (#"{"tools": {"t": {"timeout": 3}}}"#, "command"), (#"{"tools": {"t": {"command": ["ls"], "timeout": 0}}}"#, "timeout"),
        (#"{"tools": {"t": {"command": ["ls"], "timeout": -2}}}"#, "timeout"),
        (#"{"tools": {"t": {"command": ["ls"], "timeout": "5"}}}"#, "timeout"),
        (#"{"tools": {"t": {"command": ["ls"], "timeout": 1e300}}}"#, "at most 86400"),
        (#"{"tools": {"t": {"command": ["ls"], "timeout": 86401}}}"#, "at most 86400"),
        (#"{"tools": {"t": {"command": ["ls"], "description": 7}}}"#, "description"),
        (#"{"tools": {"t": {"command": ["ls"], "parameters": "none"}}}"#, "parameters"),
        (#"{"tools": {"t": {"command": ["ls"], "parameters": {"type": "string"}}}}"#, "parameters"),
        (#"{"tools": {"t": {"command": ["ls"], "args": []}}}"#, "args"), (#"{"tools": {"t": true}}"#, "provider"),
        (#"{"tools": {"t": "weather-api"}}"#, "weather-api"),
    ])
    func badToolEntryNamesTheToolAndTheProblem(text: String, problem: String) throws {
        let message = try error(text, naming: "tool 't'")
        #expect(message.contains(problem))
    }

    @Test(arguments: [
        (#"{"open-meteo": "https://api.open-meteo.com", "tools": {}}"#, "open-meteo"),
        (#"{"open-meteo": {"forecast_url": "ftp://x/v1"}, "tools": {}}"#, "forecast_url"),
        (#"{"open-meteo": {"geocoding_url": "not a url"}, "tools": {}}"#, "geocoding_url"),
        (#"{"open-meteo": {"geocoding": "http://x/v1"}, "tools": {}}"#, "geocoding"),
        (#"{"tools": {}, "providers": {}}"#, "providers"),
    ])
    func badSettingsNameTheEntry(text: String, entry: String) throws {
        _ = try error(text, naming: entry)
    }

    @Test func declaredFunctionsJoinTheAssistantsTools() throws {
        let configuration = try parse(
            #"{"tools": {"get_rain_probability": "open-meteo", "zeta": {"command": ["z"], "parameters": \#(schema)}, "#
                + #""alpha": {"command": ["a"], "parameters": \#(schema)}}}"#)
        let seed = DefaultConfiguration.assistant.tools ?? []
        let merged = try configuration.mergedTools(seed, file: file)
        #expect(merged.compactMap(\.function?.name) == seed.compactMap(\.function?.name) + ["alpha", "zeta"])
        let registry = try configuration.registry(for: merged.compactMap(\.function), file: file)
        #expect(registry.names == ["get_rain_probability", "alpha", "zeta"])
        #expect(registry.tools.map(\.provider) == ["open-meteo", "command", "command"])
        #expect(try JSONValue.parse(try #require(registry.tool(named: "alpha")).parametersSchema) == JSONValue.parse(schema))
    }

    @Test func weatherFunctionMayBeServedByACommandWithTheAssistantsSchema() throws {
        let configuration = try parse(#"{"tools": {"get_rain_probability": {"command": ["./rain.sh"]}}}"#, directory: "/srv/cfg")
        let functions = DefaultConfiguration.assistant.functions
        let merged = try configuration.mergedTools(DefaultConfiguration.assistant.tools ?? [], file: file)
        #expect(merged.count == functions.count)
        let tool = try #require(try configuration.registry(for: functions, file: file).tool(named: "get_rain_probability"))
        #expect(tool.provider == "command")
        #expect(try JSONValue.parse(tool.parametersSchema) == functions[1].parameters)
        #expect(tool.unavailableReason == "/srv/cfg/rain.sh does not exist")
    }

    @Test func functionDeclaredTwiceIsAnError() throws {
        let configuration = try parse(#"{"tools": {"get_rain_probability": {"command": ["x"], "parameters": \#(schema)}}}"#)
        let error = try #require(
            #expect(throws: ConfigurationError.self) {
                try configuration.mergedTools(DefaultConfiguration.assistant.tools ?? [], file: file)
            })
        #expect(error.description.contains(file))
        #expect(error.description.contains("get_rain_probability"))
    }

    @Test func commandToolWithoutAnySchemaIsAnError() throws {
        let configuration = try parse(#"{"tools": {"lookup_order": {"command": ["x"]}}}"#)
        let merged = try configuration.mergedTools(DefaultConfiguration.assistant.tools ?? [], file: file)
        let error = try #require(
            #expect(throws: ConfigurationError.self) {
                try configuration.registry(for: merged.compactMap(\.function), file: file)
            })
        #expect(error.description.contains(file))
        #expect(error.description.contains("'lookup_order' has no schema"))
    }

    @Test func openMeteoOnlyServesTheWeatherFunctions() throws {
        let configuration = try parse(#"{"tools": {"send_email": "open-meteo"}}"#)
        let error = try #require(
            #expect(throws: ConfigurationError.self) {
                try configuration.registry(for: [FunctionDefinition(name: "send_email")], file: file)
            })
        #expect(error.description.contains("send_email"))
        #expect(error.description.contains("open-meteo"))
    }
}
