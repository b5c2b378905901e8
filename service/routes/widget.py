"""The embeddable widget: its script, each site's public settings, feedback, and the adviser pages
that make and preview the embed code (`/embed`) or frame the chat (`/embed/frame`)."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse

from service.embedding_guard import admit_site
from service.models import FeedbackRequest, HandoffPublic, SitePublic
from service.routes.pages import TEMPLATES, not_found
from service.schema import BOROUGHS
from service.sites import Site

WIDGET_FILE = Path(__file__).resolve().parents[2] / "web" / "static" / "widget.js"
JS = "text/javascript; charset=utf-8"
# /widget.js is the one URL in every embed tag, so it may only be cached briefly (a fix must reach
# sites within the hour); the hashed URL never changes content and is cached for a year.
SHORT_CACHE = "public, max-age=3600, stale-while-revalidate=86400"
LONG_CACHE = "public, max-age=31536000, immutable"
# Host pages with Cross-Origin-Embedder-Policy still load the script.
SCRIPT_HEADERS = {"Cross-Origin-Resource-Policy": "cross-origin", "X-Content-Type-Options": "nosniff"}

router = APIRouter()


class WidgetScript:
    """widget.js and its content hash, re-read when the file changes (so edits show without restart)."""

    def __init__(self, path: Path = WIDGET_FILE):
        self.path = path
        self._lock = threading.Lock()
        self._mtime = -1.0
        self.body, self.hash = b"", ""

    def current(self) -> tuple[bytes, str]:
        mtime = self.path.stat().st_mtime
        with self._lock:
            if mtime != self._mtime:
                self.body = self.path.read_bytes()
                self.hash = hashlib.sha256(self.body).hexdigest()[:16]
                self._mtime = mtime
            return self.body, self.hash


SCRIPT = WidgetScript()


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/widget.js", include_in_schema=False)
def widget_js(request: Request) -> Response:
    body, digest = SCRIPT.current()
    etag = f'"{digest}"'
    headers = {**SCRIPT_HEADERS, "Cache-Control": SHORT_CACHE, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JS, headers=headers)


@router.get("/widget/{digest}.js", include_in_schema=False)
def widget_js_pinned(digest: str) -> Response:
    body, current = SCRIPT.current()
    if digest != current:
        raise HTTPException(404, detail="No widget with that hash: use /widget.js or the hash /embed shows.")
    return Response(body, media_type=JS, headers={**SCRIPT_HEADERS, "Cache-Control": LONG_CACHE})


def public(site: Site, base_url: str, recording: bool) -> SitePublic:
    handoff = HandoffPublic(**site.handoff.model_dump()) if site.handoff else None
    return SitePublic(id=site.id, name=site.name, colour=site.colour, greeting=site.greeting,
                      level=site.level, borough=site.borough, starters=site.starters, handoff=handoff,
                      feedback=recording and site.record_questions, base_url=base_url)


def _recording(request: Request) -> bool:
    return getattr(request.app.state, "adviser", None) is not None


@router.get("/api/sites/{site_id}", response_model=SitePublic, tags=["widget"],
            responses={403: {"description": "Site unknown, or this origin not allowed for it"}})
def site_settings(site_id: str, request: Request) -> SitePublic:
    """A site's widget settings: name, colour, greeting, defaults, starters, adviser handoff."""
    site = admit_site(request, request.app.state.sites, site_id[:60])
    assert site is not None  # admit_site only returns None when no site id is given
    return public(site, _base_url(request), _recording(request))


@router.post("/api/feedback", status_code=204, tags=["widget"],
             responses={403: {"description": "Site unknown, or this origin not allowed for it"},
                        404: {"description": "No answer with that id for this site"},
                        422: {"description": "Invalid request"}})
def feedback(body: FeedbackRequest, request: Request) -> Response:
    """👍/👎 on an answer, with an optional reason, for the site's advisers."""
    site = admit_site(request, request.app.state.sites, body.site)
    assert site is not None
    store = getattr(request.app.state, "adviser", None)
    if store is None or not site.record_questions:
        raise HTTPException(404, detail="This site does not collect feedback.")
    if body.vote == "up" and body.reason is not None:
        raise HTTPException(422, detail="reason: only a 👎 vote takes a reason")
    if not store.record_feedback(site.id, body.feedback_id, body.vote, body.reason, body.comment):
        raise HTTPException(404, detail="That answer is no longer on record (it may have expired).")
    return Response(status_code=204)


@router.get("/embed", response_class=HTMLResponse, include_in_schema=False)
def embed_page(request: Request) -> HTMLResponse:
    base = _base_url(request)
    sites = [public(s, base, _recording(request)).model_dump() for s in request.app.state.sites.all()]
    return TEMPLATES.TemplateResponse(request, "embed.html", {
        "sites": sites, "boroughs": BOROUGHS, "widget_src": f"{base}/widget.js",
        "pinned_src": f"{base}/widget/{SCRIPT.current()[1]}.js"})


@router.get("/embed/frame", response_class=HTMLResponse, include_in_schema=False)
def embed_frame(request: Request, site: str = Query("", max_length=60)) -> HTMLResponse:
    """The chat as a whole page, for hosts whose CSP forbids third-party scripts: framed only by the
    site's own origins (CSP frame-ancestors), never by anyone else."""
    found = request.app.state.sites.get(site)
    if found is None:
        return not_found(request)
    ancestors = " ".join(["'self'", *found.origins])
    response = TEMPLATES.TemplateResponse(request, "embed_frame.html", {
        "site": found.id, "widget_src": f"{_base_url(request)}/widget.js"})
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"object-src 'none'; base-uri 'self'; frame-ancestors {ancestors}")
    return response
