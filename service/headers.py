"""Headers every response carries: security headers and the server's own time.

Pure ASGI and outermost, so error responses made by other middleware (413, 500) and static files
get the same headers as pages.
"""

from __future__ import annotations

import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'",
}

_RAW_SECURITY_HEADERS = [(name.lower().encode("latin-1"), value.encode("latin-1"))
                         for name, value in SECURITY_HEADERS.items()]


class ResponseHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # Server-side time, so `pathways bench` can report render time without network noise.
                headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
                # One pass over what the response already set (each setdefault rescans the list).
                present = {name.lower() for name, _ in headers.raw}
                # A page that sets its own CSP decides who may frame it (frame-ancestors), and
                # X-Frame-Options would contradict it (it cannot list origins).
                own_csp = b"content-security-policy" in present
                for name, value in _RAW_SECURITY_HEADERS:
                    if name not in present and not (own_csp and name == b"x-frame-options"):
                        headers.raw.append((name, value))
            await send(message)

        await self.app(scope, receive, send_with_headers)
