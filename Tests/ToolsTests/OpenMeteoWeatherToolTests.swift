import Foundation
import TestSupport
import Testing
import ThreadlineCore

@testable import Tools

/// The open-meteo provider against the in-process fake Open-Meteo (never the internet).
@Suite("OpenMeteoWeatherTool")
struct OpenMeteoWeatherToolTests {
    private func tool(_ function: WeatherFunction, _ fake: FakeOpenMeteo) -> OpenMeteoWeatherTool {
        OpenMeteoWeatherTool(
            function, parametersSchema: "{}", settings: OpenMeteoSettings(geocodingURL: fake.baseURL, forecastURL: fake.baseURL),
            environment: [:])
    }

    private func expectedPlace(_ name: String, _ admin1: String? = nil) throws -> FakeOpenMeteo.Place {
        try #require(FakeOpenMeteo.place(named: name, admin1: admin1))
    }

    @Test(
        arguments: [
            ("부산/경상남도", "부산", nil), ("인천/경기도", "인천", nil), ("서울/서울특별시", "서울", nil), ("광주/경기도", "광주", "경기도"),
            ("광주/광주광역시", "광주", "광주광역시"), ("Seoul, South Korea", "Seoul", nil), ("San Francisco, CA", "San Francisco", "California"),
            ("San Francisco, Argentina", "San Francisco", "Cordoba"), ("서울특별시", "서울", nil),
        ] as [(String, String, String?)])
    func currentTemperatureIsThatOfTheRightPlace(location: String, name: String, admin1: String?) async throws {
        let expected = try expectedPlace(name, admin1)
        let output = try await FakeOpenMeteo.with { fake in
            try await tool(.currentTemperature, fake).call(arguments: ["location": .string(location)])
        }
        #expect(output == "\(expected.currentC)°C")
    }

    @Test func koreanLocationIsSearchedInKoreanByItsCityPart() async throws {
        let requests = try await FakeOpenMeteo.with { fake in
            _ = try await tool(.currentTemperature, fake).call(arguments: ["location": "부산/경상남도"])
            return fake.requests
        }
        #expect(requests.count == 2)
        let search = try #require(URLComponents(string: requests[0])?.queryItems)
        #expect(search.contains(URLQueryItem(name: "name", value: "부산")))
        #expect(search.contains(URLQueryItem(name: "language", value: "ko")))
        let forecast = try #require(URLComponents(string: requests[1])?.queryItems)
        let busan = try expectedPlace("부산")
        #expect(forecast.contains(URLQueryItem(name: "latitude", value: String(busan.latitude))))
        #expect(forecast.contains(URLQueryItem(name: "current", value: "temperature_2m")))
        #expect(!forecast.contains { $0.name == "temperature_unit" })
    }

    @Test func fahrenheitWhenTheArgumentsAskForIt() async throws {
        let seoul = try expectedPlace("서울")
        let (temperature, forecast) = try await FakeOpenMeteo.with { fake in
            (
                try await tool(.currentTemperature, fake).call(arguments: ["location": "서울/서울특별시", "unit": "fahrenheit"]),
                try await tool(.forecast, fake).call(arguments: ["location": "서울/서울특별시", "num_days": 2, "format": "fahrenheit"])
            )
        }
        let fahrenheit = ((seoul.currentC * 9 / 5 + 32) * 10).rounded() / 10
        #expect(temperature == "\(fahrenheit)°F")
        guard case .array(let days)? = try? JSONValue.parse(forecast), let first = days.first else {
            Issue.record("not a forecast: \(forecast)")
            return
        }
        #expect(first["high_f"]?.doubleValue == ((seoul.days[0].maxC * 9 / 5 + 32) * 10).rounded() / 10)
        #expect(first["high_c"] == nil)
    }

    @Test func unknownUnitIsAnError() async throws {
        try await FakeOpenMeteo.with { fake in
            await #expect(throws: ToolError.self) {
                try await tool(.currentTemperature, fake).call(arguments: ["location": "서울", "unit": "kelvin"])
            }
        }
    }

    @Test func rainProbabilityIsTodaysMaximumAsAFraction() async throws {
        let busan = try expectedPlace("부산")
        let output = try await FakeOpenMeteo.with { fake in
            try await tool(.rainProbability, fake).call(arguments: ["location": "부산/경상남도"])
        }
        let percent = try #require(busan.days[0].rainPercent)
        #expect(output == String(format: "%.2f", Double(percent) / 100))
    }

    @Test(arguments: [1, 3, 16])
    func forecastHasOneDayPerRequestedDayWithTheDemoKeys(days: Int) async throws {
        let incheon = try expectedPlace("인천")
        let output = try await FakeOpenMeteo.with { fake in
            try await tool(.forecast, fake).call(arguments: ["location": "인천/경기도", "num_days": .number(Double(days))])
        }
        guard case .array(let entries)? = try? JSONValue.parse(output) else {
            Issue.record("not an array: \(output)")
            return
        }
        #expect(entries.count == days)
        for (index, entry) in entries.enumerated() {
            let day = incheon.days[index]
            #expect(entry["day"]?.doubleValue == Double(index + 1))
            #expect(entry["date"]?.stringValue == FakeOpenMeteo.date(index))
            #expect(entry["high_c"]?.doubleValue == day.maxC)
            #expect(entry["low_c"]?.doubleValue == day.minC)
            #expect(entry["condition"]?.stringValue == WeatherCondition.name(code: day.weatherCode))
            if let percent = day.rainPercent {
                #expect(entry["rain_probability"]?.doubleValue == Double(percent) / 100)
            } else {
                #expect(entry["rain_probability"] == .null)
            }
        }
    }

    @Test func unknownPlaceIsAClearErrorOutput() async throws {
        let results = try await FakeOpenMeteo.with { fake in
            let registry = ToolRegistry([tool(.rainProbability, fake)])
            return await ToolRunner(registry: registry, timeout: .seconds(30)).run([
                ToolCallRequest(id: "call_1", name: "get_rain_probability", arguments: #"{"location":"아틀란티스/바다"}"#)
            ])
        }
        #expect(results.first?.isError == true)
        let output = try #require(results.first?.output)
        #expect(try JSONValue.parse(output)["error"]?.stringValue == "no place named '아틀란티스/바다'")
    }

    @Test func serviceErrorIsAnErrorNamingOpenMeteo() async throws {
        // A geocoding URL with a wrong path: the server answers 404, which is not retried.
        let error = try await FakeOpenMeteo.with { fake in
            let misconfigured = OpenMeteoWeatherTool(
                .currentTemperature, parametersSchema: "{}",
                settings: OpenMeteoSettings(geocodingURL: fake.baseURL + "/nowhere", forecastURL: fake.baseURL), environment: [:])
            return await #expect(throws: ToolError.self) {
                try await misconfigured.call(arguments: ["location": "부산/경상남도"])
            }
        }
        #expect(error?.message == "Open-Meteo geocoding failed: HTTP 404 Not Found from the server")
    }

    @Test func providerNameAndReadiness() async throws {
        try await FakeOpenMeteo.with { fake in
            #expect(tool(.forecast, fake).provider == "open-meteo")
            #expect(tool(.forecast, fake).unavailableReason == nil)
        }
    }
}
