#!/usr/bin/env python3
"""The openai-python side of `threadline-bench sse-decode`.

threadline-bench writes an Assistants v2 event stream to a file and runs this script on it, so
both clients decode the very same bytes. Each timed pass feeds the file in --chunk-byte pieces
to the SSE decoder that the official SDK runs under every streamed response
(`openai._streaming.SSEDecoder`), parses the JSON of each `thread.message.delta` event the way
the SDK does (`ServerSentEvent.json()`), and counts the code points of its text parts. Reading
the file is not timed. The SDK does more per event than this (it builds pydantic models), so
the figure is a lower bound on its cost.

Prints one JSON line: bytes, events, text_chars (threadline-bench checks them against its own
counts), best_s (the fastest of --repeat passes) and the openai and Python versions.
Needs the `openai` package: `make venv` installs it into .venv.
"""

import argparse
import json
import platform
import sys
import time

try:
    import openai
    from openai._streaming import SSEDecoder
except ImportError as missing:
    sys.exit(f"openai-python is not importable ({missing}); run `make venv`")


def pieces(data: bytes, size: int):
    """The stream as a network read would deliver it, `size` bytes at a time."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def decode_pass(data: bytes, chunk: int) -> tuple[int, int]:
    """One pass over the stream: (events seen, code points of message-delta text)."""
    events = characters = 0
    for event in SSEDecoder().iter_bytes(pieces(data, chunk)):
        events += 1
        if event.event != "thread.message.delta":
            continue
        for part in event.json()["delta"].get("content", []):
            text = part.get("text")
            if text is not None:
                characters += len(text["value"])
    return events, characters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stream", required=True, help="file holding the event stream")
    parser.add_argument("--chunk", type=int, default=1024, help="bytes per piece fed to the decoder")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the fastest counts")
    arguments = parser.parse_args()
    if arguments.chunk < 1 or arguments.repeat < 1:
        parser.error("--chunk and --repeat must be at least 1")

    with open(arguments.stream, "rb") as file:
        data = file.read()
    timings = []
    for _ in range(arguments.repeat):
        started = time.perf_counter()
        events, characters = decode_pass(data, arguments.chunk)
        timings.append(time.perf_counter() - started)

    print(json.dumps({
        "client": "openai-python",
        "bytes": len(data),
        "events": events,
        "text_chars": characters,
        "best_s": min(timings),
        "openai_version": openai.__version__,
        "python_version": platform.python_version(),
    }))


if __name__ == "__main__":
    main()
