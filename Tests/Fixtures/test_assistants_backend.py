#!/usr/bin/env python3
"""End-to-end tests of `threadline --backend assistants` against fake_assistants_server.py on
127.0.0.1, driving the built binary in piped mode. Run by `make test` after the Swift suite:

  python3 Tests/Fixtures/test_assistants_backend.py [path/to/threadline]

Prints one line per test and closes with 'N passed, N failed'; exits non-zero on any failure.
"""
import json, os, subprocess, sys, tempfile, urllib.error, urllib.request

from harness import main, test

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/debug/threadline")
SEED = "오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?"
KEY = "sk-test-key"


class Server:
    def __init__(self, chunking="whole"):
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "fake_assistants_server.py"), "--chunking", chunking],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.port = int(self.process.stdout.readline())
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def log(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__log", timeout=10) as response:
            return json.loads(response.read())

    def requests(self, suffix, method=None):
        return [r for r in self.log() if r["path"].endswith(suffix) and (method is None or r["method"] == method)]

    def inject(self, faults):
        data = json.dumps({"faults": faults}).encode()
        urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{self.port}/__faults", data=data), timeout=10)

    def close(self):
        self.process.kill()
        self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()


def threadline(server, lines, home, key=KEY, arguments=()):
    environment = dict(os.environ, THREADLINE_HOME=home, OPENAI_API_KEY=key)
    command = [BINARY, "--backend", "assistants", "--base-url", server.base_url, *arguments]
    result = subprocess.run(command, input="".join(line + "\n" for line in lines).encode(),
                            capture_output=True, env=environment, timeout=60)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def tool_values(stderr):
    """The outputs shown on the tool lines, in order."""
    return [line.split(" = ", 1)[1] for line in stderr.splitlines() if line.startswith("→ ")]


def check_seed(chunking):
    with Server(chunking) as server:
        with tempfile.TemporaryDirectory() as home:
            code, out, err = threadline(server, [SEED], home)
            assert code == 0, err
            temperature, rain = tool_values(err)
            assert out == f"부산의 현재 기온은 {temperature}이고, 비가 올 확률은 {rain}입니다.\n", out
            submissions = server.requests("/submit_tool_outputs")
            assert len(submissions) == 1, "all outputs of the step go back in ONE request"
            body = submissions[0]["body"]
            assert body["stream"] is True
            assert [o["output"] for o in body["tool_outputs"]] == [temperature, rain]
            run = server.requests("/runs")[0]["body"]
            assert run["stream"] is True and run["assistant_id"].startswith("asst_")
            for request in server.log():
                assert request["headers"].get("openai-beta") == "assistants=v2"
                assert request["headers"].get("authorization") == f"Bearer {KEY}"


@test
def seed_conversation_whole_stream():
    check_seed("whole")


@test
def seed_conversation_one_byte_per_chunk():
    check_seed("byte")


@test
def seed_conversation_random_chunks():
    check_seed("random")


@test
def instructions_overrides_are_sent_with_the_run():
    with Server() as server:
        with tempfile.TemporaryDirectory() as home:
            threadline(server, ["/instructions 사용자를 고객님이라고 부르세요.", "/instructions --add Be brief.", SEED], home)
            run = server.requests("/runs")[0]["body"]
            assert run["instructions"] == "사용자를 고객님이라고 부르세요.", run
            assert run["additional_instructions"] == "Be brief.", run


@test
def assistant_created_once_and_thread_resumed_with_continue():
    with Server() as server:
        with tempfile.TemporaryDirectory() as home:
            threadline(server, [SEED], home)
            code, out, err = threadline(server, ["/show"], home, arguments=["--continue"])
            assert code == 0, err
            assert len(server.requests("/assistants", "POST")) == 1
            assert len(server.requests("/threads", "POST")) == 1
            assert "thread:   thread_fake" in err, err


@test
def retries_after_429_and_500_then_succeeds():
    with Server() as server:
        server.inject([{"status": 429, "headers": {"retry-after": "0"}},
                       {"status": 500, "headers": {"retry-after-ms": "10"}}])
        with tempfile.TemporaryDirectory() as home:
            code, out, err = threadline(server, [SEED], home)
            assert code == 0, err
            assert out.startswith("부산의 현재 기온은"), out
            assert len(server.requests("/assistants")) == 3


@test
def persistent_server_errors_give_up_after_two_retries_with_one_line():
    with Server() as server:
        fault = {"status": 503, "headers": {"retry-after": "0"}, "message": "overloaded"}
        server.inject([fault, fault, fault])
        with tempfile.TemporaryDirectory() as home:
            code, out, err = threadline(server, [SEED], home)
            assert code != 0
            assert err == "error: HTTP 503: overloaded (invalid_request_error)\n", err
            assert len(server.requests("/assistants")) == 3


@test
def unauthorized_is_one_line_without_the_key():
    with Server() as server:
        with tempfile.TemporaryDirectory() as home:
            secret = "sk-wrong-secret-123"
            code, out, err = threadline(server, [SEED], home, key=secret)
            assert code != 0
            assert "HTTP 401 Unauthorized: Incorrect API key provided." in err, err
            assert "— set OPENAI_API_KEY" in err, err
            assert secret not in err and secret not in out
            assert len(server.requests("/assistants")) == 1, "401 is not retried"


@test
def a_stream_cut_mid_reply_keeps_the_text_and_the_next_line_works():
    with Server() as server:
        # assistants, threads, messages and runs pass; the submission's stream is cut mid-event.
        server.inject([{}, {}, {}, {}, {"cut": True}])
        with tempfile.TemporaryDirectory() as home:
            code, out, err = threadline(server, [SEED, SEED], home)
            assert code == 0, err
            assert "the stream broke off" in err, err
            assert "[incomplete reply]" in err, err
            replies = out.split("\n")
            assert len(replies) == 3, out
            assert replies[0].startswith("부산의 ") and not replies[0].endswith("입니다."), out
            assert replies[1].endswith("입니다."), out


@test
def unknown_and_malformed_events_are_skipped():
    with Server() as server:
        server.inject([{}, {}, {}, {"unknown": True, "malformed": True}])
        with tempfile.TemporaryDirectory() as home:
            code, out, err = threadline(server, [SEED], home)
            assert code == 0, err
            assert out.startswith("부산의 현재 기온은"), out


@test
def an_unknown_thread_is_reported():
    with Server() as server:
        with tempfile.TemporaryDirectory() as home:
            code, out, err = threadline(server, ["hello"], home, arguments=["--thread", "thread_missing"])
            assert code != 0
            assert "no thread with id thread_missing" in err, err


def check_multi_round(chunking):
    with Server(chunking) as server:
        with tempfile.TemporaryDirectory() as home:
            code, out, err = threadline(server, ["부산의 날씨 예보를 알려주세요. 기온과 비가 올 확률도요."], home)
            assert code == 0, err
            temperature, rain = tool_values(err)[:2]
            first, second = server.requests("/submit_tool_outputs")
            assert len(first["body"]["tool_outputs"]) == 2 and len(second["body"]["tool_outputs"]) == 1
            forecast = second["body"]["tool_outputs"][0]["output"]
            assert out == f"부산의 현재 기온은 {temperature}이고, 비가 올 확률은 {rain}입니다. 예보: {forecast}\n", out
            assert first["path"] == second["path"], "both rounds answer the same run"


@test
def a_multi_round_tool_loop_whole_stream():
    check_multi_round("whole")


@test
def a_multi_round_tool_loop_one_byte_per_chunk():
    check_multi_round("byte")


@test
def a_multi_round_tool_loop_random_chunks():
    check_multi_round("random")


@test
def a_run_cancelled_on_the_server_keeps_its_partial_text_and_the_thread_goes_on():
    with Server("random") as server:
        server.inject([{}, {}, {}, {}, {"cancel": True}])
        with tempfile.TemporaryDirectory() as home:
            code, out, err = threadline(server, [SEED, SEED], home)
            assert code == 0, err
            assert "[cancelled: partial reply]" in err and "run cancelled" not in err, "one notice: " + err
            partial, complete = out.split("\n")[:2]
            assert len(partial) == 12 and complete.startswith(partial), "three 4-character deltas came before the cancel"
            assert complete.endswith("입니다."), out


@test
def a_silent_server_hits_the_read_timeout_with_one_line():
    with Server() as server:
        server.inject([{}, {}, {}, {"stall": 5}])
        with tempfile.TemporaryDirectory() as home:
            code, out, err = threadline(server, [SEED], home, arguments=["--read-timeout", "1"])
            assert "read timeout" in err, err
            assert out.strip() == "" and len(err.strip().splitlines()) == 1, (out, err)


@test
def a_400_for_a_missing_beta_header_is_one_clear_line():
    with Server() as server:
        # The fake answers any request without `OpenAI-Beta: assistants=v2` as the API did.
        request = urllib.request.Request(f"{server.base_url}/threads", data=b"{}", method="POST",
                                         headers={"Authorization": f"Bearer {KEY}"})
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError("expected 400")
        except urllib.error.HTTPError as error:
            assert error.code == 400 and "OpenAI-Beta" in json.loads(error.read())["error"]["message"]
        message = "You must provide the 'OpenAI-Beta' header to access the Assistants API."
        server.inject([{"status": 400, "message": message}])
        with tempfile.TemporaryDirectory() as home:
            code, out, err = threadline(server, [SEED], home)
            assert code != 0
            lines = [line for line in err.splitlines() if "HTTP 400" in line]
            assert len(lines) == 1 and f"HTTP 400: {message}" in lines[0], err
            assert len(server.requests("/assistants")) == 1, "400 is not retried"


if __name__ == "__main__":
    main()
