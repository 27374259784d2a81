#!/usr/bin/env python3
"""Conformance of `threadline serve` with the official openai-python SDK, plus Threadline's own
`--backend assistants` against it. Needs the `openai` package (make test runs it from .venv):

  .venv/bin/python3 Tests/Fixtures/test_serve_sdk.py [path/to/threadline]

With THREADLINE_TEST_DATABASE_URL set (scripts/with-test-postgres.sh sets it), every server is two
`serve` instances on a PostgreSQL database of its own, and the SDK's requests alternate between
them, as behind a load balancer: create on A, run on B, submit on A, list on B.
"""
import itertools, json, os, re, signal, subprocess, sys, tempfile, time, urllib.error, urllib.request, uuid, warnings

import openai

try:  # the HTTP client openai-python is built on (renamed httpx2 in its later releases)
    import httpx2 as httpx
except ImportError:
    import httpx
from openai import OpenAI

from harness import main, test

# The SDK marks every Assistants call deprecated; serving that API is the point here.
warnings.filterwarnings("ignore", category=DeprecationWarning)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BINARY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/debug/threadline"))
SEED = "오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?"
ASSISTANT = json.load(open(os.path.join(ROOT, "config/assistant.json"), encoding="utf-8"))


POSTGRES = os.environ.get("THREADLINE_TEST_DATABASE_URL")
# The database of each state directory, so a restarted pair finds its threads again.
DATABASES = {}


def database_for(home):
    """A fresh database on the test cluster for `home`, created on first use."""
    if home not in DATABASES:
        name = "sdk_" + uuid.uuid4().hex[:12]
        subprocess.run([os.environ.get("THREADLINE_TEST_PSQL", "psql"), POSTGRES, "-X", "-q", "-c", f"CREATE DATABASE {name}"],
                       check=True, capture_output=True)
        DATABASES[home] = POSTGRES.replace("/postgres?", f"/{name}?")
    return DATABASES[home]


class Alternating(httpx.HTTPTransport):
    """Sends each request to the next of `ports` in turn, as a round-robin load balancer does."""

    def __init__(self, ports):
        super().__init__()
        self.ports = itertools.cycle(ports)

    def handle_request(self, request):
        request.url = request.url.copy_with(port=next(self.ports))
        return super().handle_request(request)


class Serve:
    """A `threadline serve` on a free loopback port, with its own state directory; with
    POSTGRES, two instances on one database of their own (`url` is the first's)."""

    def __init__(self, *arguments, home=None, environment=None):
        self.home_directory = None if home else tempfile.TemporaryDirectory()
        self.home = home or self.home_directory.name
        env = dict(os.environ, THREADLINE_HOME=self.home, **(environment or {}))
        if POSTGRES:
            env["THREADLINE_DATABASE_URL"] = database_for(self.home)
        self.processes, self.urls = [], []
        for _ in range(2 if POSTGRES else 1):
            process = subprocess.Popen(
                [BINARY, "serve", "--port", "0", *arguments], env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            banner = process.stderr.readline()
            match = re.search(r"http://127\.0\.0\.1:(\d+)/v1", banner)
            assert match, f"no address in {banner!r}"
            self.processes.append(process)
            self.urls.append(f"http://127.0.0.1:{match.group(1)}/v1")
        self.process, self.url = self.processes[0], self.urls[0]

    def client(self, key="unused"):
        if len(self.urls) == 1:
            return OpenAI(base_url=self.url, api_key=key, max_retries=0)
        ports = [int(url.split(":")[2].split("/")[0]) for url in self.urls]
        return OpenAI(base_url=self.url, api_key=key, max_retries=0, http_client=httpx.Client(transport=Alternating(ports)))

    def raw(self, method, path, body=None, headers=None):
        """(status, parsed JSON or text) of a request made without the SDK."""
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def stop(self):
        """SIGTERM, as a service manager would; returns the exit status (the first non-zero one)."""
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        codes = [process.wait(timeout=20) for process in self.processes]
        for process in self.processes:
            process.stderr.close()
        if self.home_directory:
            self.home_directory.cleanup()
        return next((code for code in codes if code), 0)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        if any(process.poll() is None for process in self.processes):
            self.stop()


BETA = {"OpenAI-Beta": "assistants=v2"}


def weather_assistant(client):
    return client.beta.assistants.create(
        model=ASSISTANT["model"], instructions=ASSISTANT["instructions"], tools=ASSISTANT["tools"])


def fake_outputs(run):
    """The seed's fixed outputs for every call the run waits for."""
    values = {"get_current_temperature": "57", "get_rain_probability": "0.06"}
    return [{"tool_call_id": call.id, "output": values.get(call.function.name, "n/a")}
            for call in run.required_action.submit_tool_outputs.tool_calls]


def waiting_run(client, assistant, **options):
    """A run on a new seed thread, polled until it waits for tool outputs."""
    thread = client.beta.threads.create(messages=[{"role": "user", "content": SEED}])
    # Polls every 100 ms: with the SDK's default second, a short expiry could pass between polls.
    run = client.beta.threads.runs.create_and_poll(
        poll_interval_ms=100, thread_id=thread.id, assistant_id=assistant.id, **options)
    assert run.status == "requires_action", run.status
    return thread, run


@test
def the_seed_notebook_runs_unchanged():
    # Against each instance in turn when there are two: either one answers the notebook.
    with Serve() as serve:
        for url in serve.urls:
            result = subprocess.run(
                [sys.executable, os.path.join(HERE, "seed_notebook.py")], capture_output=True, text=True,
                timeout=120, env=dict(os.environ, THREADLINE_URL=url))
            assert result.returncode == 0, result.stderr
            first, second = [line for line in result.stdout.splitlines() if "기온" in line]
            assert first.startswith("부산의 현재 기온은 57°F") and "6%" in first, result.stdout
            assert second.startswith("고객님, 서울의 현재 기온은 57°F"), result.stdout
            assert "n일간의 날씨를 알려면" in result.stdout, "the forecast output reached the answer"


@test
def models_list_names_the_model_that_answers():
    with Serve() as serve:
        models = serve.client().models.list()
        assert [m.id for m in models.data] == ["demo"], models
        assert models.data[0].object == "model" and models.data[0].owned_by == "threadline"


@test
def create_and_poll_then_submit_tool_outputs_and_poll():
    with Serve() as serve:
        client = serve.client()
        assistant = weather_assistant(client)
        thread, run = waiting_run(client, assistant)
        calls = run.required_action.submit_tool_outputs.tool_calls
        assert [c.function.name for c in calls] == ["get_current_temperature", "get_rain_probability"]
        assert all(c.id.startswith("call_") for c in calls) and run.id.startswith("run_")
        assert run.expires_at and run.expires_at > run.created_at
        done = client.beta.threads.runs.submit_tool_outputs_and_poll(poll_interval_ms=100,
            thread_id=thread.id, run_id=run.id, tool_outputs=fake_outputs(run))
        assert done.status == "completed" and done.usage.total_tokens > 0
        messages = client.beta.threads.messages.list(thread_id=thread.id, order="asc").data
        assert [m.role for m in messages] == ["user", "assistant"]
        assert messages[1].content[0].text.value.startswith("부산의 현재 기온은 57°F")
        assert messages[1].run_id == run.id and messages[1].assistant_id == assistant.id


@test
def messages_list_orders_and_paginates():
    with Serve() as serve:
        client = serve.client()
        thread = client.beta.threads.create(messages=[{"role": "user", "content": f"m{i}"} for i in range(5)])
        messages = client.beta.threads.messages
        newest = messages.list(thread_id=thread.id, limit=2)
        assert [m.content[0].text.value for m in newest.data] == ["m4", "m3"] and newest.has_more
        following = messages.list(thread_id=thread.id, limit=2, after=newest.last_id)
        assert [m.content[0].text.value for m in following.data] == ["m2", "m1"] and following.has_more
        oldest = messages.list(thread_id=thread.id, order="asc", limit=10)
        assert [m.content[0].text.value for m in oldest.data] == [f"m{i}" for i in range(5)] and not oldest.has_more
        everything = [m.content[0].text.value for m in messages.list(thread_id=thread.id, limit=2)]
        assert everything == ["m4", "m3", "m2", "m1", "m0"], "the SDK's auto-pagination follows after="
        earlier = messages.list(thread_id=thread.id, order="asc", limit=2, before=oldest.data[3].id)
        assert [m.content[0].text.value for m in earlier.data] == ["m1", "m2"] and earlier.has_more
        status, body = serve.raw("GET", f"/threads/{thread.id}/messages?limit=0", headers=BETA)
        assert status == 400 and body["error"]["param"] == "limit"


@test
def run_steps_list_the_tool_calls_with_their_outputs():
    with Serve() as serve:
        client = serve.client()
        thread, run = waiting_run(client, weather_assistant(client))
        client.beta.threads.runs.submit_tool_outputs_and_poll(poll_interval_ms=100,
            thread_id=thread.id, run_id=run.id, tool_outputs=fake_outputs(run))
        steps = client.beta.threads.runs.steps.list(thread_id=thread.id, run_id=run.id, order="asc").data
        assert [s.type for s in steps] == ["tool_calls", "message_creation"]
        assert all(s.id.startswith("step_") and s.status == "completed" for s in steps)
        outputs = [c.function.output for c in steps[0].step_details.tool_calls]
        assert outputs == ["57", "0.06"]
        again = client.beta.threads.runs.steps.retrieve(thread_id=thread.id, run_id=run.id, step_id=steps[1].id)
        assert again.step_details.message_creation.message_id.startswith("msg_")


@test
def one_tool_call_per_step_without_parallel_tool_calls():
    with Serve() as serve:
        client = serve.client()
        thread, run = waiting_run(client, weather_assistant(client), parallel_tool_calls=False)
        names = []
        while run.status == "requires_action":
            calls = run.required_action.submit_tool_outputs.tool_calls
            assert len(calls) == 1
            names.append(calls[0].function.name)
            run = client.beta.threads.runs.submit_tool_outputs_and_poll(poll_interval_ms=100,
                thread_id=thread.id, run_id=run.id, tool_outputs=fake_outputs(run))
        assert run.status == "completed" and names == ["get_current_temperature", "get_rain_probability"]


@test
def a_stream_follows_the_documented_order_and_closes_after_requires_action():
    with Serve() as serve:
        client = serve.client()
        assistant = weather_assistant(client)
        thread = client.beta.threads.create(messages=[{"role": "user", "content": SEED}])
        request = urllib.request.Request(
            f"{serve.url}/threads/{thread.id}/runs", method="POST", headers={"Content-Type": "application/json", **BETA},
            data=json.dumps({"assistant_id": assistant.id, "stream": True}).encode())
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.headers["Content-Type"].startswith("text/event-stream")
            text = response.read().decode()
        names = re.findall(r"^event: (.+)$", text, re.M)
        assert names[:3] == ["thread.run.created", "thread.run.queued", "thread.run.in_progress"], names
        assert names[-2:] == ["thread.run.requires_action", "done"], names
        assert text.endswith("event: done\ndata: [DONE]\n\n")
        assert "thread.run.step.delta" in names


@test
def cancel_works_while_running_and_while_waiting():
    with Serve(environment={"THREADLINE_DEMO_DELAY_MS": "300"}) as serve:
        client = serve.client()
        assistant = weather_assistant(client)
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "hello, who are you?"}])
        run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
        time.sleep(0.8)
        cancelled = client.beta.threads.runs.cancel(thread_id=thread.id, run_id=run.id)
        assert cancelled.status in ("cancelling", "cancelled")
        assert client.beta.threads.runs.retrieve(thread_id=thread.id, run_id=run.id).status == "cancelled"
        reply = client.beta.threads.messages.list(thread_id=thread.id).data[0]
        assert reply.role == "assistant" and reply.status == "incomplete", "the partial reply is kept, marked"
        try:
            client.beta.threads.runs.cancel(thread_id=thread.id, run_id=run.id)
            raise AssertionError("cancelling a cancelled run must fail")
        except openai.BadRequestError:
            pass
        thread, waiting = waiting_run(client, assistant)
        assert client.beta.threads.runs.cancel(thread_id=thread.id, run_id=waiting.id).status == "cancelled"
        client.beta.threads.messages.create(thread_id=thread.id, role="user", content="고마워요")
        after = client.beta.threads.runs.create_and_poll(poll_interval_ms=100, thread_id=thread.id, assistant_id=assistant.id)
        assert after.status == "completed", "the thread stays usable after a cancel"


@test
def errors_have_the_api_shape_and_status():
    with Serve() as serve:
        client = serve.client()
        assistant = weather_assistant(client)
        status, body = serve.raw("POST", "/threads", {})
        assert status == 400 and "OpenAI-Beta" in body["error"]["message"], body
        assert body["error"]["type"] == "invalid_request_error"
        for call in (lambda: client.beta.threads.retrieve("thread_nope"),
                     lambda: client.beta.assistants.retrieve("asst_nope"),
                     lambda: client.beta.threads.runs.create(thread_id="thread_nope", assistant_id=assistant.id)):
            try:
                call()
                raise AssertionError("expected 404")
            except openai.NotFoundError as error:
                assert error.body["message"].startswith("No "), error.body
        thread, run = waiting_run(client, assistant)
        calls = run.required_action.submit_tool_outputs.tool_calls
        bad_submissions = [
            [{"tool_call_id": calls[0].id, "output": "57"}],
            fake_outputs(run) + [{"tool_call_id": "call_unknown", "output": "x"}],
        ]
        for outputs in bad_submissions:
            try:
                client.beta.threads.runs.submit_tool_outputs(thread_id=thread.id, run_id=run.id, tool_outputs=outputs)
                raise AssertionError("expected 400")
            except openai.BadRequestError:
                pass
        try:
            client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
            raise AssertionError("a second active run must be refused")
        except openai.BadRequestError as error:
            assert "active run" in error.body["message"]
        client.beta.threads.runs.submit_tool_outputs_and_poll(poll_interval_ms=100,
            thread_id=thread.id, run_id=run.id, tool_outputs=fake_outputs(run))
        try:
            client.beta.threads.runs.submit_tool_outputs(
                thread_id=thread.id, run_id=run.id, tool_outputs=fake_outputs(run))
            raise AssertionError("a finished run takes no outputs")
        except openai.BadRequestError:
            pass
        status, body = serve.raw("POST", "/threads", b"{not json", headers=BETA)
        assert status == 400 and "not valid JSON" in body["error"]["message"], body
        status, body = serve.raw("POST", f"/threads/{thread.id}/messages", {"content": "hi"}, headers=BETA)
        assert status == 400 and "role" in body["error"]["message"], body
        status, body = serve.raw("GET", "/nothing/here", headers=BETA)
        assert status == 404 and "error" in body


@test
def a_bearer_key_is_enforced_when_set_and_required_off_loopback():
    with Serve("--api-key", "serve-secret") as serve:
        try:
            serve.client("wrong").beta.assistants.list()
            raise AssertionError("expected 401")
        except openai.AuthenticationError as error:
            assert "serve-secret" not in str(error)
        assert serve.client("serve-secret").beta.assistants.list().data == []
    refused = subprocess.run([BINARY, "serve", "--host", "0.0.0.0", "--port", "0"], capture_output=True, text=True,
                             timeout=30, env=dict(os.environ, THREADLINE_SERVE_KEY=""))
    assert refused.returncode != 0 and "--api-key" in refused.stderr, refused.stderr


@test
def large_bodies_are_refused():
    with Serve("--max-body-bytes", "2000") as serve:
        status, body = serve.raw("POST", "/threads", {"metadata": {"k": "x" * 5000}}, headers=BETA)
        assert status == 413 and "error" in body, (status, body)
        assert serve.raw("POST", "/threads", {}, headers=BETA)[0] == 200, "the server goes on"


@test
def a_run_waiting_for_tools_expires():
    with Serve("--run-expiry", "2") as serve:
        client = serve.client()
        thread, run = waiting_run(client, weather_assistant(client))
        time.sleep(3.5)
        assert client.beta.threads.runs.retrieve(thread_id=thread.id, run_id=run.id).status == "expired"
        try:
            client.beta.threads.runs.submit_tool_outputs(
                thread_id=thread.id, run_id=run.id, tool_outputs=fake_outputs(run))
            raise AssertionError("an expired run takes no outputs")
        except openai.BadRequestError:
            pass


@test
def a_restarted_server_keeps_its_threads_and_stops_cleanly():
    with tempfile.TemporaryDirectory() as home:
        serve = Serve(home=home)
        client = serve.client()
        assistant = weather_assistant(client)
        created = client.beta.threads.create_and_run_poll(
            assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "hello"}]})
        assert created.status == "completed"
        assert serve.stop() == 0, "SIGTERM is a graceful stop"
        again = Serve(home=home, environment={"THREADLINE_DEMO_DELAY_MS": "300"})
        try:
            client = again.client()
            assert client.beta.threads.retrieve(created.thread_id).id == created.thread_id
            roles = [m.role for m in client.beta.threads.messages.list(thread_id=created.thread_id, order="asc")]
            assert roles == ["user", "assistant"]
            assert client.beta.assistants.retrieve(assistant.id).model == ASSISTANT["model"]
            client.beta.threads.messages.create(thread_id=created.thread_id, role="user", content="hello again")
            running = client.beta.threads.runs.create(thread_id=created.thread_id, assistant_id=assistant.id)
            time.sleep(0.7)
        finally:
            assert again.stop() == 0
        third = Serve(home=home)
        try:
            client = third.client()
            stopped = client.beta.threads.runs.retrieve(thread_id=created.thread_id, run_id=running.id)
            assert stopped.status == "cancelled", "a run cut by the shutdown is ended, not left in progress"
            last = client.beta.threads.messages.list(thread_id=created.thread_id).data[0]
            assert last.role == "assistant" and last.status == "incomplete" and last.content[0].text.value
        finally:
            third.stop()


@test
def threadline_backend_assistants_against_its_own_serve():
    with Serve() as serve, tempfile.TemporaryDirectory() as home:
        lines = [SEED, "/instructions 사용자를 고객님이라고 부르세요.", "오늘 서울의 온도는 어떤가요?"]
        result = subprocess.run(
            [BINARY, "--backend", "assistants", "--base-url", serve.url], input="\n".join(lines) + "\n",
            capture_output=True, text=True, timeout=60, env=dict(os.environ, THREADLINE_HOME=home))
        assert result.returncode == 0, result.stderr
        first, second = [line for line in result.stdout.splitlines() if "기온" in line]
        assert first.startswith("부산의 현재 기온은"), result.stdout
        assert second.startswith("고객님, 서울의 현재 기온은"), result.stdout
        assert result.stderr.count("get_current_temperature") >= 2, result.stderr
        assert serve.raw("GET", "/assistants", headers=BETA)[1]["data"][0]["model"] == ASSISTANT["model"]


if __name__ == "__main__":
    main()
