#!/usr/bin/env python3
"""A fake Assistants v2 server on 127.0.0.1 for Threadline's tests.

It replays realistic streams (two parallel tool calls, then a streamed answer built from the
submitted outputs; a question about the forecast ("예보") takes a second tool round for
get_n_day_weather_forecast), records every request, and injects faults on demand:

  python3 fake_assistants_server.py [--chunking whole|byte|random] [--seed N]

Prints the port on its first stdout line. Control endpoints (no /v1 prefix):
  GET  /__log             every request so far: method, path, headers (lower-cased), JSON body
  POST /__faults          {"faults": [...]} queued for the next /v1 requests, one each:
                          {"status": 429, "headers": {"retry-after": "0"}} answers an error,
                          {"cut": true} cuts the next run stream in the middle of an event,
                          {"malformed": true} puts an event with broken JSON into the next stream,
                          {"unknown": true} puts an unknown event type into the next stream,
                          {"cancel": true} ends the next answer stream as a run cancelled mid-reply,
                          {"stall": seconds} pauses the next run stream after its first events
"""
import argparse, json, os, random, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATE = {"log": [], "faults": [], "counter": 0, "runs": {}, "messages": {}, "assistants": {}}
LOCK = threading.Lock()


def next_id(prefix):
    with LOCK:
        STATE["counter"] += 1
        return f"{prefix}_fake{STATE['counter']:04d}"


def now():
    return int(time.time())


def run_object(run_id, thread_id, status, **extra):
    run = {"id": run_id, "object": "thread.run", "created_at": now(), "thread_id": thread_id,
           "assistant_id": "asst_fake", "status": status, "required_action": None, "last_error": None,
           "expires_at": now() + 600, "started_at": None, "cancelled_at": None, "failed_at": None,
           "completed_at": None, "incomplete_details": None, "model": "gpt-4o", "instructions": "",
           "tools": [], "metadata": {}, "usage": None, "parallel_tool_calls": True}
    run.update(extra)
    return run


def sse(name, data):
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return {"_invalid": raw.decode("utf-8", "replace")}

    def send_json(self, status, payload, headers=None):
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def send_error_json(self, status, message, type_="invalid_request_error", headers=None):
        self.send_json(status, {"error": {"message": message, "type": type_, "param": None, "code": None}}, headers)

    def stream(self, chunks, cut=False, stall=0):
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("connection", "close")
        self.end_headers()
        if stall:
            # The run's first events, then silence: what a client's read timeout is for.
            self.wfile.write(b"".join(chunks[:3]))
            self.wfile.flush()
            time.sleep(stall)
            self.close_connection = True
            return
        payload = b"".join(chunks)
        if cut:
            payload = payload[: payload.rfind(b"event: thread.message.delta") + 40]
        mode = self.server.chunking
        if mode == "whole":
            pieces = [payload]
        elif mode == "byte":
            pieces = [payload[i:i + 1] for i in range(len(payload))]
        else:
            rng, pieces, i = random.Random(self.server.seed), [], 0
            while i < len(payload):
                n = rng.randint(1, 64)
                pieces.append(payload[i:i + n])
                i += n
        for piece in pieces:
            self.wfile.write(piece)
            self.wfile.flush()
        self.close_connection = True

    def do_GET(self):
        self.handle_request("GET")

    def do_POST(self):
        self.handle_request("POST")

    def do_DELETE(self):
        self.handle_request("DELETE")

    def handle_request(self, method):
        body = self.body() if method == "POST" else None
        path = self.path.split("?")[0]
        if path == "/__log":
            return self.send_json(200, STATE["log"])
        if path == "/__faults":
            with LOCK:
                STATE["faults"].extend(body["faults"])
            return self.send_json(200, {"ok": True})
        with LOCK:
            STATE["log"].append({"method": method, "path": path,
                                 "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
            fault = STATE["faults"].pop(0) if STATE["faults"] else {}
        if "status" in fault:
            return self.send_error_json(fault["status"], fault.get("message", "injected fault"),
                                        headers=fault.get("headers"))
        if self.headers.get("openai-beta") != "assistants=v2":
            return self.send_error_json(400, "You must provide the 'OpenAI-Beta' header to access the Assistants API.")
        if self.headers.get("authorization") != "Bearer sk-test-key":
            return self.send_error_json(401, "Incorrect API key provided.", "invalid_request_error")
        parts = path.strip("/").split("/")
        if parts[:1] != ["v1"]:
            return self.send_error_json(404, "Not found")
        parts = parts[1:]
        if parts == ["assistants"] and method == "POST":
            assistant = {"id": next_id("asst"), "object": "assistant", "created_at": now(), "name": body.get("name"),
                         "description": None, "model": body["model"], "instructions": body.get("instructions"),
                         "tools": body.get("tools", []), "metadata": {}}
            STATE["assistants"][assistant["id"]] = assistant
            return self.send_json(200, assistant)
        if len(parts) == 2 and parts[0] == "assistants":
            if parts[1] in STATE["assistants"]:
                return self.send_json(200, STATE["assistants"][parts[1]])
            return self.send_error_json(404, f"No assistant found with id '{parts[1]}'.")
        if parts == ["threads"] and method == "POST":
            thread_id = next_id("thread")
            STATE["messages"][thread_id] = []
            return self.send_json(200, {"id": thread_id, "object": "thread", "created_at": now(), "metadata": {}})
        if len(parts) >= 2 and parts[0] == "threads" and parts[1] not in STATE["messages"]:
            return self.send_error_json(404, f"No thread found with id '{parts[1]}'.")
        if len(parts) == 2 and parts[0] == "threads":
            return self.send_json(200, {"id": parts[1], "object": "thread", "created_at": now(), "metadata": {}})
        thread_id = parts[1]
        if parts[2:] == ["messages"] and method == "POST":
            message = {"id": next_id("msg"), "object": "thread.message", "created_at": now(), "thread_id": thread_id,
                       "status": "completed", "role": "user",
                       "content": [{"type": "text", "text": {"value": body["content"], "annotations": []}}],
                       "assistant_id": None, "run_id": None, "attachments": [], "metadata": {}}
            STATE["messages"][thread_id].append(message)
            return self.send_json(200, message)
        if parts[2:] == ["messages"]:
            return self.send_json(200, {"object": "list", "data": STATE["messages"][thread_id],
                                        "first_id": None, "last_id": None, "has_more": False})
        if parts[2:] == ["runs"] and method == "POST":
            return self.start_run(thread_id, fault)
        if len(parts) == 5 and parts[2] == "runs" and parts[4] == "submit_tool_outputs":
            return self.finish_run(thread_id, parts[3], body, fault)
        if len(parts) == 5 and parts[2] == "runs" and parts[4] == "cancel":
            return self.send_json(200, run_object(parts[3], thread_id, "cancelled", cancelled_at=now()))
        return self.send_error_json(404, f"no route for {method} {path}")

    def start_run(self, thread_id, fault):
        run_id = next_id("run")
        question = STATE["messages"][thread_id][-1]["content"][0]["text"]["value"]
        location = "부산/경상남도" if "부산" in question else "서울/서울특별시"

        def call(name, **arguments):
            return {"id": next_id("call"), "type": "function", "function": {
                "name": name, "arguments": json.dumps({"location": location, **arguments}, ensure_ascii=False)}}

        rounds = [[call("get_current_temperature"), call("get_rain_probability")]]
        if "예보" in question:
            rounds.append([call("get_n_day_weather_forecast", num_days=3)])
        STATE["runs"][run_id] = {"rounds": rounds, "round": 0, "outputs": [], "location": location}
        chunks = [sse(f"thread.run.{phase}", run_object(run_id, thread_id, status))
                  for phase, status in (("created", "queued"), ("queued", "queued"), ("in_progress", "in_progress"))]
        if fault.get("unknown"):
            chunks.append(sse("thread.run.step.teleported", {"id": "x"}))
        if fault.get("malformed"):
            chunks.append(b"event: thread.run.step.created\ndata: {\"id\": \n\n")
        self.stream(chunks + tool_round(run_id, thread_id, rounds[0]), stall=fault.get("stall", 0))

    def finish_run(self, thread_id, run_id, body, fault):
        run = STATE["runs"].get(run_id)
        if run is None:
            return self.send_error_json(404, f"No run found with id '{run_id}'.")
        outputs = {o["tool_call_id"]: o["output"] for o in body.get("tool_outputs", [])}
        expected = [c["id"] for c in run["rounds"][run["round"]]]
        if sorted(outputs) != sorted(expected):
            return self.send_error_json(400, f"Expected tool outputs for call_ids {expected}, got {list(outputs)}")
        run["outputs"] += [outputs[i] for i in expected]
        run["round"] += 1
        chunks = [sse("thread.run.queued", run_object(run_id, thread_id, "queued")),
                  sse("thread.run.in_progress", run_object(run_id, thread_id, "in_progress"))]
        if run["round"] < len(run["rounds"]):
            return self.stream(chunks + tool_round(run_id, thread_id, run["rounds"][run["round"]]))
        temperature, rain, *forecast = run["outputs"]
        city = run["location"].split("/")[0]
        answer = f"{city}의 현재 기온은 {temperature}이고, 비가 올 확률은 {rain}입니다."
        if forecast:
            answer += f" 예보: {forecast[0]}"
        message_id = next_id("msg")
        pieces = [answer[i:i + 4] for i in range(0, len(answer), 4)]
        if fault.get("cancel"):
            pieces = pieces[:3]
            answer = "".join(pieces)
        for piece in pieces:
            chunks.append(sse("thread.message.delta", {"id": message_id, "object": "thread.message.delta",
                                                       "delta": {"content": [{"index": 0, "type": "text",
                                                                              "text": {"value": piece}}]}}))
        if fault.get("cancel"):
            chunks.append(sse("thread.run.cancelling", run_object(run_id, thread_id, "cancelling")))
            chunks.append(sse("thread.run.cancelled", run_object(run_id, thread_id, "cancelled", cancelled_at=now())))
        else:
            chunks.append(sse("thread.run.completed", run_object(
                run_id, thread_id, "completed", completed_at=now(),
                usage={"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150})))
        chunks.append(b"event: done\ndata: [DONE]\n\n")
        STATE["messages"][thread_id].append({
            "id": message_id, "object": "thread.message", "created_at": now(), "thread_id": thread_id,
            "status": "incomplete" if fault.get("cancel") else "completed", "role": "assistant",
            "content": [{"type": "text", "text": {"value": answer, "annotations": []}}],
            "assistant_id": "asst_fake", "run_id": run_id, "attachments": [], "metadata": {}})
        self.stream(chunks, cut=fault.get("cut", False))


def tool_round(run_id, thread_id, calls):
    """A tool step streamed as the API does: the step, each call's arguments in two fragments
    merged by index, then requires_action, and the stream closes."""
    step_id = next_id("step")
    step = {"id": step_id, "object": "thread.run.step", "created_at": now(), "run_id": run_id,
            "assistant_id": "asst_fake", "thread_id": thread_id, "type": "tool_calls", "status": "in_progress",
            "step_details": {"type": "tool_calls", "tool_calls": []}}
    chunks = [sse("thread.run.step.created", step)]
    for index, call in enumerate(calls):
        arguments = call["function"]["arguments"]
        half = len(arguments) // 2
        for fragment in ({"index": index, "id": call["id"], "type": "function",
                          "function": {"name": call["function"]["name"], "arguments": arguments[:half]}},
                         {"index": index, "function": {"arguments": arguments[half:]}}):
            chunks.append(sse("thread.run.step.delta", {"id": step_id, "object": "thread.run.step.delta",
                                                        "delta": {"step_details": {"type": "tool_calls",
                                                                                   "tool_calls": [fragment]}}}))
    chunks.append(sse("thread.run.requires_action", run_object(
        run_id, thread_id, "requires_action",
        required_action={"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}})))
    chunks.append(b"event: done\ndata: [DONE]\n\n")
    return chunks


def main():
    # The test process may have other tests' pipes open without close-on-exec; holding them would
    # keep those tests waiting for end-of-file as long as this server lives.
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunking", default="whole", choices=["whole", "byte", "random"])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.chunking, server.seed = args.chunking, args.seed
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
