"""Request bodies checked before any parsing: size, UTF-8 and JSON nesting depth, each a clear 4xx.

A pure ASGI middleware, so an oversized body is refused while it streams in (Content-Length can be
absent or wrong) and a JSON bomb never reaches json.loads or pydantic.
"""

from __future__ import annotations

import re

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_DEPTH = 32  # our deepest real body (chat history) nests 3 levels
# A string (an unterminated one runs to the end, so nothing is scanned twice) or a bracket: brackets
# inside strings do not nest. One left-to-right pass, linear in the body size.
_TOKENS = re.compile(rb'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]', re.DOTALL)


def too_deep(body: bytes, limit: int) -> bool:
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # fewer opening brackets than the limit, even counting those inside strings
    depth = 0
    for token in _TOKENS.finditer(body):
        bracket = token[0]
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif bracket in (b"]", b"}"):
            depth -= 1
    return False


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            media = value.split(b";")[0].strip().lower()
            return media == b"application/json" or media.endswith(b"+json")
    return False


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else -1
    return None


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, max_depth: int = MAX_DEPTH):
        self.app, self.max_bytes, self.max_depth = app, max_bytes, max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared == -1:
            await self._refuse(scope, receive, send, 400, "Content-Length is not a number.")
            return
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send, 413, self._too_big())
            return
        # Read the whole body here (it is small by now), counting what actually arrives.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await self._refuse(scope, receive, send, 413, self._too_big())
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = self._problem(scope, body)
        if problem:
            await self._refuse(scope, receive, send, 400, problem)
            return
        await self.app(scope, _replay(body, receive), send)

    def _too_big(self) -> str:
        return f"Request body is too large: the limit is {self.max_bytes} bytes."

    def _problem(self, scope: Scope, body: bytes) -> str | None:
        if not body or not _is_json(scope):
            return None
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"Request body is not valid UTF-8 (byte {exc.start}); send JSON encoded as UTF-8."
        if too_deep(body, self.max_depth):
            return f"JSON is nested too deeply: at most {self.max_depth} levels."
        return None

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, detail: str) -> None:
        await JSONResponse({"detail": detail}, status_code=status)(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the buffered body to the app once; later calls wait for the real disconnect."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
