import Foundation
import ThreadlineCore

/// A city the demo model recognises, with its names in both languages and the location
/// string it passes to the tools (the seed's `도시/도` form for Korean cities).
struct DemoCity: Sendable, Equatable {
    var korean: String
    var english: String
    var location: String
    var aliases: [String] = []

    static let all: [DemoCity] = [
        DemoCity(korean: "서울", english: "Seoul", location: "서울/서울특별시"),
        DemoCity(korean: "부산", english: "Busan", location: "부산/경상남도", aliases: ["pusan"]),
        DemoCity(korean: "인천", english: "Incheon", location: "인천/경기도"),
        DemoCity(korean: "대구", english: "Daegu", location: "대구/경상북도"),
        DemoCity(korean: "대전", english: "Daejeon", location: "대전/충청남도"),
        DemoCity(korean: "광주", english: "Gwangju", location: "광주/전라남도"),
        DemoCity(korean: "울산", english: "Ulsan", location: "울산/경상남도"),
        DemoCity(korean: "수원", english: "Suwon", location: "수원/경기도"),
        DemoCity(korean: "제주", english: "Jeju", location: "제주/제주특별자치도"),
        DemoCity(korean: "샌프란시스코", english: "San Francisco", location: "San Francisco, CA"),
        DemoCity(korean: "뉴욕", english: "New York", location: "New York, NY"),
        DemoCity(korean: "도쿄", english: "Tokyo", location: "Tokyo, Japan"),
        DemoCity(korean: "런던", english: "London", location: "London, UK"),
        DemoCity(korean: "파리", english: "Paris", location: "Paris, France"),
    ]

    func name(in language: DemoLanguage) -> String { language == .korean ? korean : english }
}

enum DemoLanguage: Sendable, Equatable {
    case korean
    case english

    /// Korean when the text holds any Hangul syllable.
    init(of text: String) {
        self = text.containsHangulSyllable ? .korean : .english
    }
}

/// What a user line asks about the weather, as far as the demo model understands it.
struct WeatherQuestion: Sendable, Equatable {
    var city: DemoCity?
    var language: DemoLanguage
    var wantsTemperature: Bool
    var wantsRain: Bool
    /// Days of forecast asked for, nil when no forecast is wanted.
    var forecastDays: Int?

    var isAboutWeather: Bool { wantsTemperature || wantsRain || forecastDays != nil }

    init(_ text: String) {
        let lowered = text.lowercased()
        language = DemoLanguage(of: text)
        city = DemoCity.all.first { city in
            ([city.korean, city.english.lowercased()] + city.aliases).contains { lowered.contains($0) }
        }
        func mentions(_ words: [String]) -> Bool { words.contains { lowered.contains($0) } }
        let forecastWords = ["예보", "일간", "앞으로", "forecast", "next", "days", "week", "주간"]
        let days = Self.dayCount(in: lowered)
        let wantsForecast = days != nil || mentions(forecastWords)
        forecastDays = wantsForecast ? min(max(days ?? 3, 1), 16) : nil
        wantsRain = mentions(["비", "강수", "우산", "rain", "umbrella", "precipitation", "shower"])
        let explicitTemperature = mentions(["온도", "기온", "덥", "춥", "temperature", "hot", "cold", "warm", "degrees"])
        let generalWeather = mentions(["날씨", "weather"])
        // "the weather for the next 3 days" is a forecast question, not a current-temperature one.
        wantsTemperature = explicitTemperature || (generalWeather && !wantsForecast)
    }

    /// "5일", "5 days", "3-day".
    private static func dayCount(in text: String) -> Int? {
        let pattern = #"(\d{1,2})\s*(?:일|-?\s*days?\b)"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return Int(text[range])
    }
}

/// How the instructions ask the model to address the user, if they do:
/// "call the user X" or "사용자를 X(이)라고 부르세요".
func demoAddressee(in instructions: String) -> String? {
    let patterns = [
        #"사용자를\s*["'“]?(.+?)["'”]?(?:이)?라고\s*부르"#,
        #"(?i)call the user\s+["'“]?([^."'”,!\n]+)"#,
    ]
    for pattern in patterns {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: instructions, range: NSRange(instructions.startIndex..., in: instructions)),
            let range = Range(match.range(at: 1), in: instructions)
        else { continue }
        let name = instructions[range].trimmingCharacters(in: .whitespaces)
        if !name.isEmpty { return name }
    }
    return nil
}
