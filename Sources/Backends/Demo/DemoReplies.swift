import AssistantsWire
import Foundation
import ThreadlineCore

/// The demo model's sentences, in Korean and English.
enum DemoReplies {
    static func help(_ language: DemoLanguage, addressee: String? = nil) -> String {
        switch language {
        case .korean:
            greeting(addressee)
                + "저는 Threadline의 오프라인 데모 모델이라 날씨 질문(현재 기온, 비 올 확률, N일 예보)에만 답할 수 있어요. "
                + "예: \"오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?\" "
                + "실제 모델을 쓰려면 --backend chat --base-url URL --model NAME 또는 --backend responses 로 실행하세요."
        case .english:
            greeting(addressee)
                + "I'm Threadline's offline demo model, so I can only answer weather questions "
                + "(current temperature, chance of rain, n-day forecast), e.g. \"What's the weather in Seoul for the next 3 days?\" "
                + "For a real model, run with --backend chat --base-url URL --model NAME or --backend responses."
        }
    }

    static func askForCity(_ language: DemoLanguage, addressee: String?) -> String {
        let korean = DemoCity.all.prefix(6).map(\.korean).joined(separator: ", ")
        let english = DemoCity.all.prefix(6).map(\.english).joined(separator: ", ")
        return switch language {
        case .korean: greeting(addressee) + "어느 도시의 날씨를 알려 드릴까요? 데모 모델은 \(korean) 등의 도시를 알아요."
        case .english: greeting(addressee) + "Which city? The demo model knows \(english) and a few more."
        }
    }

    static func toolsMissing(_ language: DemoLanguage, _ names: [String]) -> String {
        let list = names.joined(separator: ", ")
        return switch language {
        case .korean: "이 질문에 필요한 도구(\(list))가 이 assistant에 없어서 답할 수 없어요."
        case .english: "This assistant lacks the tools this question needs (\(list))."
        }
    }

    /// The final answer built from the outputs of the calls made for `question`.
    static func answer(_ question: WeatherQuestion, results: [ToolCall], addressee: String?) -> String {
        let language = question.language
        let place = question.city?.name(in: language) ?? (language == .korean ? "요청하신 지역" : "that place")
        var sentences: [String] = []
        var blocks: [String] = []
        for call in results {
            let output = call.function.output ?? ""
            if let problem = errorMessage(in: output) {
                sentences.append(failed(call.function.name, problem, language))
                continue
            }
            switch call.function.name {
            case "get_current_temperature":
                let value = temperatureText(output, language)
                sentences.append(
                    language == .korean ? "\(place)의 현재 기온은 \(value)입니다." : "It is currently \(value) in \(place).")
            case "get_rain_probability":
                let value = percentText(output)
                sentences.append(
                    language == .korean ? "오늘 비가 올 확률은 \(value)입니다." : "The chance of rain today is \(value).")
            case "get_n_day_weather_forecast":
                blocks.append(forecastText(output, call: call, place: place, language))
            default:
                sentences.append(language == .korean ? "\(call.function.name) 결과: \(output)" : "\(call.function.name) returned: \(output)")
            }
        }
        let closing = language == .korean ? "다른 도움이 필요하시면 알려주세요!" : "Anything else you'd like to know?"
        let paragraphs = (sentences.isEmpty ? [] : [sentences.joined(separator: " ")]) + blocks + [closing]
        return greeting(addressee) + paragraphs.joined(separator: "\n\n")
    }

    /// "고객님, " before the reply when the instructions name the user.
    private static func greeting(_ addressee: String?) -> String {
        addressee.map { "\($0), " } ?? ""
    }

    private static func errorMessage(in output: String) -> String? {
        guard let object = try? JSONValue.parse(output), let message = object["error"] else { return nil }
        return message.stringValue ?? message.jsonText
    }

    private static func failed(_ tool: String, _ problem: String, _ language: DemoLanguage) -> String {
        language == .korean
            ? "\(tool) 도구가 실패해서 그 정보는 알려 드릴 수 없어요(\(problem))."
            : "I couldn't get that from \(tool) (\(problem))."
    }

    /// The first number in the text; nil when there is none.
    private static func firstNumber(_ text: String) -> Double? {
        guard let range = text.range(of: #"-?\d+(\.\d+)?"#, options: .regularExpression) else { return nil }
        return Double(text[range])
    }

    /// "14°C"; a bare number above 45 is taken as Fahrenheit, as in the seed ("57"), with °C beside it.
    static func temperatureText(_ output: String, _ language: DemoLanguage) -> String {
        guard let value = firstNumber(output) else { return output }
        let fahrenheit = output.contains("°F") || output.uppercased().hasSuffix("F")
            || (!output.contains("°C") && value > 45)
        if fahrenheit {
            let celsius = Int(((value - 32) * 5 / 9).rounded())
            let about = language == .korean ? "약" : "about"
            return "\(format(value))°F (\(about) \(celsius)°C)"
        }
        return "\(format(value))°C"
    }

    /// "6%" from "0.06" (a fraction) or "6" / "6%" (a percentage).
    static func percentText(_ output: String) -> String {
        guard let value = firstNumber(output) else { return output }
        let percent = output.contains("%") || value > 1 ? value : value * 100
        return "\(format(percent))%"
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    private static let koreanConditions = [
        "sunny": "맑음", "clear": "맑음", "partly cloudy": "구름 조금", "cloudy": "흐림", "overcast": "흐림",
        "rain": "비", "showers": "소나기", "snow": "눈", "fog": "안개", "windy": "바람", "thunderstorm": "뇌우",
    ]

    private static func forecastText(_ output: String, call: ToolCall, place: String, _ language: DemoLanguage) -> String {
        let requested = (try? JSONValue.parse(call.function.arguments))?["num_days"]?.intValue
        guard case .array(let days)? = try? JSONValue.parse(output), !days.isEmpty else {
            let count = requested.map(String.init) ?? "N"
            return language == .korean ? "앞으로 \(count)일간의 예보: \(output)" : "Forecast for the next \(count) days: \(output)"
        }
        let lines = days.enumerated().map { offset, day -> String in
            let number = day["day"]?.intValue ?? offset + 1
            let condition = day["condition"]?.stringValue ?? "?"
            let high = day["high_c"]?.doubleValue.map(format) ?? "?"
            let low = day["low_c"]?.doubleValue.map(format) ?? "?"
            let rain = day["rain_probability"]?.doubleValue.map { format($0 * 100) } ?? "?"
            return language == .korean
                ? "- \(number)일차: \(koreanConditions[condition] ?? condition), 최고 \(high)°C / 최저 \(low)°C, 강수 확률 \(rain)%"
                : "- Day \(number): \(condition), high \(high)°C / low \(low)°C, \(rain)% chance of rain"
        }
        let header = language == .korean
            ? "앞으로 \(days.count)일간 \(place)의 예보입니다:"
            : "Here is the \(days.count)-day forecast for \(place):"
        return header + "\n" + lines.joined(separator: "\n")
    }
}
