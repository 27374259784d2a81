"""A Streamable HTTP MCP server written with the official Python SDK, for Threadline's MCP tests.

Serves /mcp on a free loopback port and prints `port N` on stdout once it listens.

Options: `--json` answers requests with one JSON body instead of an event stream; `--mute`
accepts connections and never answers (a server that hangs in `initialize`); `--log FILE`
appends one JSON line per HTTP request (method, session id, protocol version, authorization);
`--require-auth VALUE` answers 401 to requests without `Authorization: VALUE`.

Tools: the stdio fixture's `sleep` (waits), `fail` (returns an isError result), `picture` (an
image) and `crash` (ends the server mid-call), and `boom` (raises) and `barrier` (returns once
`count` calls have arrived, fails after `timeout` seconds otherwise: parallel calls prove
concurrency without timing).
"""

import argparse
import asyncio
import json
import socket

import uvicorn

try:  # mcp 2.x renamed FastMCP to MCPServer
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
except ImportError:
    from mcp.server.fastmcp import FastMCP as MCPServer
    from mcp.server.fastmcp.exceptions import ToolError

import mcp_fixture_server as stdio_fixture  # beside this file

server = MCPServer("http-fixture")
# The stdio fixture's tools, served over HTTP.
for tool in (stdio_fixture.sleep, stdio_fixture.fail, stdio_fixture.picture, stdio_fixture.crash):
    server.tool()(tool)
arrivals: dict[str, int] = {}
everyone_here: dict[str, asyncio.Event] = {}


@server.tool()
def boom(reason: str) -> str:
    """Raises an exception with the given reason (the SDK makes it an isError result)."""
    raise ToolError(reason)


@server.tool()
async def barrier(name: str, count: int, timeout: float) -> str:
    """Returns once `count` calls named `name` have arrived; fails after `timeout` seconds."""
    arrivals[name] = arrivals.get(name, 0) + 1
    event = everyone_here.setdefault(name, asyncio.Event())
    if arrivals[name] >= count:
        event.set()
    try:
        await asyncio.wait_for(event.wait(), timeout)
    except asyncio.TimeoutError:
        raise ToolError(f"only {arrivals[name]} of {count} calls arrived")
    return f"all {count} arrived"


def logged(app, log_file, required_auth):
    """Wraps the ASGI app: logs each request's MCP headers, refuses a missing authorization."""

    async def wrapper(scope, receive, send):
        if scope["type"] == "http":
            headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
            if log_file:
                entry = {
                    "method": scope["method"],
                    "session": headers.get("mcp-session-id"),
                    "version": headers.get("mcp-protocol-version"),
                    "authorization": headers.get("authorization"),
                }
                with open(log_file, "a") as log:
                    log.write(json.dumps(entry) + "\n")
            if required_auth and headers.get("authorization") != required_auth:
                await send({"type": "http.response.start", "status": 401, "headers": [(b"content-type", b"text/plain")]})
                await send({"type": "http.response.body", "body": b"missing or wrong Authorization\n"})
                return
        await app(scope, receive, send)

    return wrapper


async def mute(sock):
    async def hold(reader, writer):
        await reader.read()  # until the client gives up; never a byte back
        writer.close()

    listener = await asyncio.start_server(hold, sock=sock)
    async with listener:
        await listener.serve_forever()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--mute", action="store_true")
    parser.add_argument("--log")
    parser.add_argument("--require-auth")
    options = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    print(f"port {sock.getsockname()[1]}", flush=True)
    if options.mute:
        asyncio.run(mute(sock))
        return
    app = server.streamable_http_app(json_response=options.json)
    config = uvicorn.Config(logged(app, options.log, options.require_auth), log_level="warning", lifespan="on")
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))


if __name__ == "__main__":
    main()
