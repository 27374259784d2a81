import Foundation

/// Deterministic weather for the demo provider: the same (location, day) always gives the
/// same plausible values, so transcripts and tests are reproducible.
public enum DemoWeather {
    public struct Day: Codable, Sendable, Equatable {
        public var day: Int
        public var condition: String
        public var highC: Int
        public var lowC: Int
        public var rainProbability: Double

        enum CodingKeys: String, CodingKey {
            case day, condition
            case highC = "high_c"
            case lowC = "low_c"
            case rainProbability = "rain_probability"
        }
    }

    static let conditions = ["sunny", "partly cloudy", "cloudy", "rain", "showers", "windy"]

    /// Current temperature in °C, from -3 to 30.
    public static func temperature(location: String) -> Int {
        Int(hash(location, "temperature") % 34) - 3
    }

    /// Chance of rain today, 0.00 to 0.95.
    public static func rainProbability(location: String) -> Double {
        Double(hash(location, "rain") % 96) / 100
    }

    /// Forecast for days 1...count.
    public static func forecast(location: String, days count: Int) -> [Day] {
        let base = temperature(location: location)
        return (1...max(count, 1)).map { day in
            let seed = hash(location, "day\(day)")
            let high = base + Int(seed % 9) - 3
            let condition = conditions[Int((seed >> 8) % UInt64(conditions.count))]
            let rain = condition == "rain" || condition == "showers" ? 0.5 + Double((seed >> 16) % 46) / 100 : Double((seed >> 16) % 30) / 100
            return Day(day: day, condition: condition, highC: high, lowC: high - 4 - Int((seed >> 24) % 6), rainProbability: rain)
        }
    }

    /// FNV-1a over the normalised location and a salt: stable across runs and platforms.
    private static func hash(_ location: String, _ salt: String) -> UInt64 {
        let key = location.trimmingCharacters(in: .whitespaces).lowercased() + "|" + salt
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
        return value
    }
}
