# The seed notebook's cells (../shared/seed/assistants-function-calling.md) as written, with only
# base_url and api_key added to OpenAI(...), taken from THREADLINE_URL and THREADLINE_SERVE_KEY.
# The dotenv cell is left out: it only loads the key the notebook used.
import os

from openai import OpenAI
client = OpenAI(base_url=os.environ["THREADLINE_URL"], api_key=os.environ.get("THREADLINE_SERVE_KEY", "unused"))

assistant = client.beta.assistants.create(
  instructions="당신은 날씨 봇입니다. 제공된 function을 사용하여 질문에 답하세요.",
  model="gpt-4o",
  tools=[
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
            },
          },
          "required": ["location"]
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
          "required": ["location"]
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
                        "description": "도시와 주를 나타내는 문자열, 예: 샌프란시스코, CA.",
                    },
                    "num_days": {
                        "type": "integer",
                        "description": "예보할 일수",
                    }
                },
                "required": ["location", "num_days"]
            },
        }
    },
  ]
)

thread = client.beta.threads.create()
message = client.beta.threads.messages.create(
  thread_id=thread.id,
  role="user",
  content="오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?",
)

from typing_extensions import override
from openai import AssistantEventHandler

class EventHandler(AssistantEventHandler):
    @override
    def on_event(self, event):
      # 'requires_action'으로 표시된 이벤트 검색
      if event.event == 'thread.run.requires_action':
        run_id = event.data.id  # Retrieve the run ID from the event data
        self.handle_requires_action(event.data, run_id)

    def handle_requires_action(self, data, run_id):
      tool_outputs = []

      for tool in data.required_action.submit_tool_outputs.tool_calls:
        if tool.function.name == "get_current_temperature":
          tool_outputs.append({"tool_call_id": tool.id, "output": "57"})
        elif tool.function.name == "get_rain_probability":
          tool_outputs.append({"tool_call_id": tool.id, "output": "0.06"})
        elif tool.function.name == "get_n_day_weather_forecast":
          tool_outputs.append({"tool_call_id": tool.id, "output": "n일간의 날씨를 알려면 실제 외부 함수 연결이 필요합니다."})

      self.submit_tool_outputs(tool_outputs, run_id)

    def submit_tool_outputs(self, tool_outputs, run_id):
      # submit_tool_outputs_stream 함수 사용
      with client.beta.threads.runs.submit_tool_outputs_stream(
        thread_id=self.current_run.thread_id,
        run_id=self.current_run.id,
        tool_outputs=tool_outputs,
        event_handler=EventHandler(),
      ) as stream:
        for text in stream.text_deltas:
          print(text, end="", flush=True)
        print()


with client.beta.threads.runs.stream(
  thread_id=thread.id,
  assistant_id=assistant.id,
  event_handler=EventHandler()
) as stream:
  stream.until_done()

message = client.beta.threads.messages.create(
      thread_id=thread.id,
      role="user",
      content="오늘 서울의 온도는 어떤가요? 비가 올 확률은 어떤가요? 앞으로 5일간의 날씨는 어떻게 예상되나요?"
    )

with client.beta.threads.runs.stream(
      thread_id=thread.id,
      assistant_id=assistant.id,
      instructions="사용자를 고객님이라고 부르세요. 사용자에게 프리미엄 계정이 있습니다.",
      event_handler=EventHandler(),
    ) as stream:
      stream.until_done()
