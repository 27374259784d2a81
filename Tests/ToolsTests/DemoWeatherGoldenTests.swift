import Testing
import Tools

/// The values README's sessions show. The demo provider is deterministic by design; if its hash or
/// its formulas change, these fail so README and recorded transcripts are updated with it.
@Suite("DemoWeather golden values")
struct DemoWeatherGoldenTests {
    /// Percent, so the comparison does not hinge on how 0.5 + 0.39 rounds in binary.
    private func percent(_ fraction: Double) -> Int { Int((fraction * 100).rounded()) }

    @Test func busanAsInTheREADME() {
        #expect(DemoWeather.temperature(location: "부산/경상남도") == 14)
        #expect(percent(DemoWeather.rainProbability(location: "부산/경상남도")) == 25)
    }

    @Test func seoulFiveDayForecastAsInTheREADME() {
        let forecast = DemoWeather.forecast(location: "서울/서울특별시", days: 5)
        let rows = forecast.map { "\($0.day) \($0.condition) \($0.highC)/\($0.lowC) \(percent($0.rainProbability))%" }
        // README shows day 1 whole and day 2's condition and high before the run is cancelled.
        #expect(rows == ["1 showers 20/14 89%", "2 showers 19/11 85%", "3 windy 18/14 15%", "4 windy 17/11 29%", "5 windy 16/8 13%"])
    }
}
