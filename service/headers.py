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
                # A page that sets its own CSP decides who may frame it (frame-ancestors), and
                # X-Frame-Options would contradict it (it cannot list origins).
                own_csp = "content-security-policy" in headers
                for name, value in SECURITY_HEADERS.items():
                    if not (own_csp and name == "X-Frame-Options"):
                        headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
