import Foundation
import TestSupport
import Testing
import ThreadlineCore

@testable import Tools

private let sampleLocations = [
    "부산/경상남도", "서울/서울특별시", "인천/경기도", "제주/제주특별자치도", "San Francisco, CA", "Tokyo, Japan",
    "London, UK", "x", "", "a very long location name that nobody would type", "Reykjavík",
]

@Suite("DemoWeather")
struct DemoWeatherTests {
    @Test(arguments: sampleLocations)
    func temperatureIsDeterministicAndPlausible(location: String) {
        let first = DemoWeather.temperature(location: location)
        #expect(DemoWeather.temperature(location: location) == first)
        #expect((-3...30).contains(first))
    }

    @Test(arguments: sampleLocations)
    func rainProbabilityIsDeterministicAndPlausible(location: String) {
        let first = DemoWeather.rainProbability(location: location)
        #expect(DemoWeather.rainProbability(location: location) == first)
        #expect(first >= 0 && first <= 0.95)
    }

    @Test func valuesSpreadAcrossLocations() {
        // A constant would pass the range checks; the demo is meant to vary by place.
        let many = (0..<60).map { "city-\($0)" }
        #expect(Set(many.map(DemoWeather.temperature(location:))).count > 5)
        #expect(Set(many.map(DemoWeather.rainProbability(location:))).count > 5)
    }

    @Test func locationIsNormalisedForCaseAndSurroundingSpaces() {
        #expect(DemoWeather.temperature(location: "  Busan ") == DemoWeather.temperature(location: "busan"))
        #expect(DemoWeather.rainProbability(location: "BUSAN") == DemoWeather.rainProbability(location: "busan"))
    }

    @Test(arguments: [1, 2, 3, 7, 16])
    func forecastHasOneEntryPerDay(days: Int) {
        for location in sampleLocations {
            let forecast = DemoWeather.forecast(location: location, days: days)
            #expect(forecast.count == days)
            #expect(forecast.map(\.day) == Array(1...days))
            #expect(DemoWeather.forecast(location: location, days: days) == forecast)
            for day in forecast {
                #expect(DemoWeather.conditions.contains(day.condition))
                #expect(day.lowC < day.highC)
                #expect((-3 - 3 - 10)...(30 + 5) ~= day.lowC)
                #expect((-3 - 3)...(30 + 5) ~= day.highC)
                #expect(day.rainProbability >= 0 && day.rainProbability <= 0.95)
            }
        }
    }

    @Test func longerForecastExtendsShorterOne() {
        let short = DemoWeather.forecast(location: "서울/서울특별시", days: 3)
        let long = DemoWeather.forecast(location: "서울/서울특별시", days: 7)
        #expect(Array(long.prefix(3)) == short)
    }

    @Test func dayEncodesWithSnakeCaseKeys() throws {
        let day = DemoWeather.Day(day: 1, condition: "rain", highC: 12, lowC: 5, rainProbability: 0.7)
        let object = try #require(try JSONValue.parse(JSONEncoder().encode(day)).objectValue)
        #expect(Set(object.keys) == ["day", "condition", "high_c", "low_c", "rain_probability"])
    }
}

@Suite("DemoWeatherTool")
struct DemoWeatherToolTests {
    private func tool(_ function: DemoWeatherTool.Function) -> DemoWeatherTool {
        DemoWeatherTool(function, parametersSchema: "{}")
    }

    @Test func namesAndProvider() {
        #expect(DemoWeatherTool.Function.allCases.map { tool($0).name } == [
            "get_current_temperature", "get_rain_probability", "get_n_day_weather_forecast",
        ])
        #expect(tool(.forecast).provider == "demo")
    }

    @Test func temperatureOutputIsCelsiusOfTheLocation() async throws {
        for location in ["부산/경상남도", "San Francisco, CA"] {
            let output = try await tool(.currentTemperature).call(arguments: ["location": .string(location)])
            #expect(output.hasSuffix("°C"))
            #expect(Int(output.dropLast(2)) == DemoWeather.temperature(location: location))
        }
    }

    @Test func rainOutputIsFractionWithTwoDecimals() async throws {
        let location = "부산/경상남도"
        let output = try await tool(.rainProbability).call(arguments: ["location": .string(location)])
        #expect(output.range(of: #"^0\.\d\d$"#, options: .regularExpression) != nil)
        let value = try #require(Double(output))
        #expect(abs(value - DemoWeather.rainProbability(location: location)) < 0.001)
    }

    @Test func locationIsTrimmed() async throws {
        let padded = try await tool(.rainProbability).call(arguments: ["location": "  Seoul  "])
        let plain = try await tool(.rainProbability).call(arguments: ["location": "Seoul"])
        #expect(padded == plain)
    }

    @Test func forecastOutputIsJSONArrayOfNumDays() async throws {
        let location = "서울/서울특별시"
        let output = try await tool(.forecast).call(arguments: ["location": .string(location), "num_days": 3])
        let days = try JSONDecoder().decode([DemoWeather.Day].self, from: Data(output.utf8))
        #expect(days == DemoWeather.forecast(location: location, days: 3))
    }

    @Test func forecastAcceptsArgumentsParsedFromJSON() async throws {
        let arguments = try ArgumentValidator.validate(
            arguments: #"{"location":"Tokyo, Japan","num_days":5}"#, schema: tool(.forecast).parametersSchema)
        let output = try await tool(.forecast).call(arguments: arguments)
        let days = try JSONDecoder().decode([DemoWeather.Day].self, from: Data(output.utf8))
        #expect(days.count == 5)
    }

    @Test(arguments: [0, -1, 17, 100])
    func forecastRejectsNumDaysOutOfRange(days: Int) async {
        await #expect(throws: ToolError.self) {
            _ = try await tool(.forecast).call(arguments: ["location": "Seoul", "num_days": .number(Double(days))])
        }
    }

    @Test func forecastRejectsMissingNumDays() async {
        await #expect(throws: ToolError.self) {
            _ = try await tool(.forecast).call(arguments: ["location": "Seoul"])
        }
    }

    @Test(arguments: DemoWeatherTool.Function.allCases)
    func rejectsMissingOrBlankLocation(function: DemoWeatherTool.Function) async {
        for arguments: [String: JSONValue] in [[:], ["location": "   "], ["location": 42], ["location": .null], ["num_days": 3]] {
            let error = await #expect(throws: ToolError.self) {
                _ = try await tool(function).call(arguments: arguments)
            }
            #expect(error?.message.contains("location") == true)
        }
    }
}
