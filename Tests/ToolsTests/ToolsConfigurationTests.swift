import AssistantsWire
import Foundation
import TestSupport
import Testing
import ThreadlineCore

@testable import Tools

@Suite("ToolsConfiguration")
struct ToolsConfigurationTests {
    private let file = "/etc/threadline/tools.json"

    private func parseError(_ text: String) -> ConfigurationError? {
        #expect(throws: ConfigurationError.self) {
            try ToolsConfiguration.parse(Data(text.utf8), file: file)
        }
    }

    @Test func parsesProvidersPerTool() throws {
        let configuration = try ToolsConfiguration.parse(
            Data(#"{"tools": {"get_current_temperature": "demo", "get_rain_probability": "demo"}}"#.utf8), file: file)
        #expect(configuration.providers == ["get_current_temperature": .demo, "get_rain_probability": .demo])
        #expect(configuration.openMeteo == .standard)
    }

    @Test(arguments: ["[1, 2]", "\"tools\"", "42", "not json at all", ""])
    func rejectsNonObject(text: String) throws {
        let error = try #require(parseError(text))
        #expect(error.description.contains(file))
    }

    @Test(arguments: [#"{}"#, #"{"tool": {"x": "demo"}}"#, #"{"tools": ["demo"]}"#, #"{"tools": "demo"}"#])
    func rejectsMissingToolsObject(text: String) throws {
        let error = try #require(parseError(text))
        #expect(error.description.contains(file))
        #expect(error.description.contains("\"tools\""))
    }

    @Test(arguments: [#"{"tools": {"get_rain_probability": 1}}"#, #"{"tools": {"get_rain_probability": null}}"#])
    func rejectsNonStringProvider(text: String) throws {
        let error = try #require(parseError(text))
        #expect(error.description.contains(file))
        #expect(error.description.contains("get_rain_probability"))
    }

    @Test func rejectsUnknownProvider() throws {
        let error = try #require(parseError(#"{"tools": {"get_current_temperature": "demo", "get_rain_probability": "crystal-ball"}}"#))
        #expect(error.description.contains(file))
        #expect(error.description.contains("get_rain_probability"))
        #expect(error.description.contains("crystal-ball"))
        #expect(!error.description.contains("get_current_temperature"))
    }

    @Test func demoConfigurationServesEverySeedFunction() {
        #expect(ToolsConfiguration.demo.providers == [
            "get_current_temperature": .demo, "get_rain_probability": .demo, "get_n_day_weather_forecast": .demo,
        ])
    }

    @Test func registryHasTheAssistantsToolsInDeclarationOrder() throws {
        let functions = DefaultConfiguration.assistant.functions
        let registry = try ToolsConfiguration.demo.registry(for: functions, file: file)
        #expect(registry.names == functions.map(\.name))
        #expect(registry.tools.allSatisfy { $0.provider == "demo" })
        let forecast = try #require(registry.tool(named: "get_n_day_weather_forecast"))
        let schema = try JSONValue.parse(forecast.parametersSchema)
        #expect(schema == functions[2].parameters)
    }

    @Test func registryLeavesOutToolsWithoutProvider() throws {
        let functions = DefaultConfiguration.assistant.functions
        let configuration = ToolsConfiguration(providers: ["get_rain_probability": .demo])
        let registry = try configuration.registry(for: functions, file: file)
        #expect(registry.names == ["get_rain_probability"])
        #expect(registry.tool(named: "get_current_temperature") == nil)
    }

    @Test func registryRejectsToolTheAssistantDoesNotDefine() throws {
        let functions = DefaultConfiguration.assistant.functions.filter { $0.name != "get_n_day_weather_forecast" }
        let error = try #require(
            #expect(throws: ConfigurationError.self) {
                try ToolsConfiguration.demo.registry(for: functions, file: file)
            })
        #expect(error.description.contains(file))
        #expect(error.description.contains("get_n_day_weather_forecast"))
    }

    @Test func demoProviderOnlyServesWeatherFunctions() throws {
        let functions = [FunctionDefinition(name: "send_email")]
        let error = try #require(
            #expect(throws: ConfigurationError.self) {
                try ToolsConfiguration(providers: ["send_email": .demo]).registry(for: functions, file: file)
            })
        #expect(error.description.contains(file))
        #expect(error.description.contains("send_email"))
    }
}

@Suite("DefaultConfiguration")
struct DefaultConfigurationTests {
    private func repositoryFile(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/config/" + name))
    }

    @Test func assistantJSONEqualsRepositoryFile() throws {
        let decoder = WireCoding.decoder()
        let builtIn = try decoder.decode(AssistantParameters.self, from: Data(DefaultConfiguration.assistantJSON.utf8))
        let file = try decoder.decode(AssistantParameters.self, from: repositoryFile("assistant.json"))
        #expect(builtIn == file)
        #expect(DefaultConfiguration.assistant == file)
    }

    @Test func toolsJSONEqualsRepositoryFile() throws {
        let builtIn = try ToolsConfiguration.parse(Data(DefaultConfiguration.toolsJSON.utf8), file: "built-in")
        let file = try ToolsConfiguration.parse(repositoryFile("tools.json"), file: "config/tools.json")
        #expect(builtIn == file)
        #expect(builtIn == ToolsConfiguration.demo)
    }

    @Test func assistantMatchesTheSeedNotebook() throws {
        let assistant = DefaultConfiguration.assistant
        #expect(assistant.model == "gpt-4o")
        #expect(assistant.instructions == "당신은 날씨 봇입니다. 제공된 function을 사용하여 질문에 답하세요.")
        #expect((assistant.tools ?? []).allSatisfy { $0.type == "function" })
        let functions = assistant.functions
        #expect(functions.map(\.name) == ["get_current_temperature", "get_rain_probability", "get_n_day_weather_forecast"])
        let required = functions.map { function -> [String] in
            guard case .array(let names)? = function.parameters?["required"] else { return [] }
            return names.compactMap(\.stringValue)
        }
        #expect(required == [["location"], ["location"], ["location", "num_days"]])
        for function in functions {
            #expect(function.parameters?["type"]?.stringValue == "object")
            #expect(function.parameters?["properties"]?["location"]?["type"]?.stringValue == "string")
        }
        #expect(functions[2].parameters?["properties"]?["num_days"]?["type"]?.stringValue == "integer")
    }
}
