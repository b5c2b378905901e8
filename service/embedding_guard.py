"""Who may use the widget's endpoints: the allowlist (403) and CORS.

Deny by default (ANCHORS §3.1): a request from another origin must name a known site, and that site
must list the origin. Pathways' own pages (same origin) may use any known site, which is how the
/embed preview works. Refusals carry Access-Control-Allow-Origin so the widget can read the reason
and say it; successful answers are only readable by listed origins.
"""

from __future__ import annotations

import json

from fastapi import HTTPException, Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.sites import Site, SiteRegistry, normalise_origin

PREFLIGHT_MAX_AGE = "600"
EXPOSED = "Retry-After, X-Request-ID"


def own_origin(scheme: str, host: str | None) -> str | None:
    if not host:
        return None
    try:
        return normalise_origin(f"{scheme}://{host}")
    except ValueError:
        return None


def request_origin(headers: Headers) -> str | None:
    """The Origin header, normalised; "null" (sandboxed frames, file://) and junk count as foreign."""
    value = headers.get("origin")
    if value is None:
        return None
    try:
        return normalise_origin(value)
    except ValueError:
        return "null"


def _refuse(detail: str, origin: str | None) -> HTTPException:
    headers = {"Vary": "Origin"}
    if origin and origin != "null":
        headers["Access-Control-Allow-Origin"] = origin
        headers["Access-Control-Expose-Headers"] = EXPOSED
    return HTTPException(403, detail=detail, headers=headers)


def admit_site(request: Request, sites: SiteRegistry, site_id: str | None) -> Site | None:
    """The site a widget request speaks for, or None for Pathways' own pages; 403 otherwise."""
    origin = request_origin(request.headers)
    same = origin is None or origin == own_origin(request.url.scheme, request.headers.get("host"))
    if site_id is None:
        if same:
            return None
        raise _refuse(f"Requests from {origin} must name their site: add data-pathways-site to the "
                      "widget's script tag.", origin)
    site = sites.get(site_id)
    if site is None:
        raise _refuse(f"Unknown site id '{site_id}'. Ask the Pathways team to add your site to "
                      "sites.yaml, then use the id they give you.", origin)
    if not same and origin not in site.origins:
        raise _refuse(f"The site '{site_id}' has not allowed pages on {origin} to use Pathways. Ask "
                      f"the Pathways team to add {origin} to its allowed origins.", origin)
    return site


class WidgetCors:
    """CORS for /api/*: preflights answered for listed origins only; listed origins may read
    responses. No credentials are ever allowed (the widget uses no cookies)."""

    def __init__(self, app: ASGIApp, sites: SiteRegistry):
        self.app = app
        self.sites = sites

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = request_origin(headers)
        if origin is None or origin == own_origin(scope.get("scheme", "http"), headers.get("host")):
            await self.app(scope, receive, send)
            return
        listed = origin != "null" and self.sites.listed_origin(origin)
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(send, origin, listed)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and listed:
                out = MutableHeaders(scope=message)
                out.setdefault("Access-Control-Allow-Origin", origin)
                # Without this the widget could not read how long to wait after a 429.
                out.setdefault("Access-Control-Expose-Headers", EXPOSED)
                out.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    async def _preflight(send: Send, origin: str, listed: bool) -> None:
        if listed:
            status, body = 204, b""
            headers = [(b"access-control-allow-origin", origin.encode()),
                       (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                       (b"access-control-allow-headers", b"Content-Type"),
                       (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
                       (b"vary", b"Origin")]
        else:
            status = 403
            body = json.dumps({"detail": f"{origin} is not allowed to use Pathways. Ask the Pathways "
                                         "team to add it to your site's allowed origins."}).encode()
            headers = [(b"content-type", b"application/json"), (b"vary", b"Origin")]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
