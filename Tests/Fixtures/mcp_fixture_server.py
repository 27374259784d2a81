"""A stdio MCP server written with the official Python SDK, for Threadline's MCP tests.

Tools: `environment` (the names of the variables the server was started with), `fail` (returns
an isError result), `picture` (an image), `sleep` (waits, for timeouts), `crash` (exits mid-call).
"""

import asyncio
import json
import os
import sys

try:  # mcp 2.x renamed FastMCP to MCPServer
    from mcp.server.mcpserver import Image, MCPServer
except ImportError:
    from mcp.server.fastmcp import FastMCP as MCPServer, Image
from mcp.types import CallToolResult, TextContent

server = MCPServer("fixture")


@server.tool()
def environment() -> str:
    """Names of the environment variables this server sees."""
    return json.dumps(sorted(os.environ))


@server.tool()
def fail(reason: str) -> CallToolResult:
    """Always fails with the given reason (an isError result)."""
    return CallToolResult(content=[TextContent(type="text", text=reason)], isError=True)


@server.tool()
def picture() -> Image:
    """A 1x1 PNG."""
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
    return Image(data=png, format="png")


@server.tool()
def crash() -> str:
    """Ends the server in the middle of the call."""
    print("crashing on purpose", file=sys.stderr, flush=True)
    os._exit(3)


@server.tool()
async def sleep(seconds: float) -> str:
    """Sleeps, then says so."""
    await asyncio.sleep(seconds)
    return f"slept {seconds}"


if __name__ == "__main__":
    print("fixture server starting", file=sys.stderr)
    server.run()
