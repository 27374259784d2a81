import AssistantsWire
import Foundation

/// The built-in configuration, used when no config directory is found: the seed notebook's
/// weather assistant with its tools served by the demo provider. `config/` in the repository
/// holds the same files to copy and edit (a test keeps them equal).
public enum DefaultConfiguration {
    public static let assistantJSON = #"""
{
  "name": "Weather bot",
  "instructions": "당신은 날씨 봇입니다. 제공된 function을 사용하여 질문에 답하세요.",
  "model": "gpt-4o",
  "tools": [
    {
      "type": "function",
      "function": {
        "name": "get_current_temperature",
        "description": "특정 위치의 현재 온도를 가져옵니다.",
        "parameters": {
          "type": "object",
          "properties": {
            "location": {
              "type": "string",
              "description": "도시/도, e.g., 인천/경기도"
            }
          },
          "required": [
            "location"
          ]
        }
      }
    },
    {
      "type": "function",
      "function": {
        "name": "get_rain_probability",
        "description": "특정 지역에 비가 올 확률을 가져옵니다.",
        "parameters": {
          "type": "object",
          "properties": {
            "location": {
              "type": "string",
              "description": "도시/도, e.g., 인천/경기도"
            }
          },
          "required": [
            "location"
          ]
        }
      }
    },
    {
      "type": "function",
      "function": {
        "name": "get_n_day_weather_forecast",
        "description": "N일간의 날씨 예보를 가져옵니다.",
        "parameters": {
          "type": "object",
          "properties": {
            "location": {
              "type": "string",
              "description": "도시와 주를 나타내는 문자열, 예: 샌프란시스코, CA."
            },
            "num_days": {
              "type": "integer",
              "description": "예보할 일수"
            }
          },
          "required": [
            "location",
            "num_days"
          ]
        }
      }
    }
  ]
}
"""#

    public static let toolsJSON = #"""
{
  "tools": {
    "get_current_temperature": "demo",
    "get_rain_probability": "demo",
    "get_n_day_weather_forecast": "demo"
  }
}
"""#

    /// `--plain`: a general assistant, without the weather instructions and tools.
    public static let plainAssistantJSON = #"""
{
  "name": "Assistant",
  "instructions": "You are a helpful assistant. Answer clearly and concisely.",
  "model": "gpt-4o-mini",
  "tools": []
}
"""#

    /// The tools of an assistant other than the weather one: none, unless a config directory's
    /// tools.json adds them.
    public static let noToolsJSON = #"{"tools": {}}"#

    /// The seed's assistant definition.
    public static var assistant: AssistantParameters {
        // The literal above is checked by tests, so decoding cannot fail at run time.
        try! WireCoding.decoder().decode(AssistantParameters.self, from: Data(assistantJSON.utf8))
    }
}
