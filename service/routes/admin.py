"""The adviser view: what people asked each site's widget, behind a token, with a CSV export.

The token (PATHWAYS_ADMIN_TOKEN) is taken as an HTTP Basic password, so a browser asks for it with its
own prompt and no cookie or login page is needed, or as a Bearer token for scripts.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import re
import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from service.adviser.store import AdviserStore, SiteSummary
from service.routes.pages import TEMPLATES, not_found

router = APIRouter(include_in_schema=False)

SWITCHED_OFF = "The adviser view is switched off: set PATHWAYS_ADMIN_TOKEN."
NO_STORE = "The adviser view has no database: it could not be opened, and the server log says why."
REALM = {"WWW-Authenticate": 'Basic realm="Pathways admin"'}
# Kept out of caches and search engines: the pages show what the public asked.
PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
REASONS = {"inaccurate": "Inaccurate", "incomplete": "Incomplete", "too-hard": "Too hard to read",
           "irrelevant": "Irrelevant", "other": "Other"}
EXPORT_COLUMNS = ["asked_at", "question", "intent", "in_scope", "confident", "sources", "level", "language",
                  "vote", "reason", "comment"]
DaysQuery = Annotated[int, Query(ge=1, le=365, description="How many days back the reports cover")]


def _given_token(authorization: str) -> str | None:
    """The password of HTTP Basic (any user name) or the Bearer token; None when neither is there."""
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        _user, colon, password = decoded.partition(":")
        return password if colon else None
    return None


def adviser_store(request: Request) -> AdviserStore:
    """The store, once the request carries the admin token; 404 when the view is off, else 401."""
    token = request.app.state.pathways.settings.admin_token
    if token is None or not token.get_secret_value():
        raise HTTPException(status_code=404, detail=SWITCHED_OFF)
    given = _given_token(request.headers.get("authorization", ""))
    if given is None or not secrets.compare_digest(given.encode(), token.get_secret_value().encode()):
        detail = ("Wrong adviser token." if given else
                  "The adviser view needs the admin token: as the password when the browser asks, "
                  "or as 'Authorization: Bearer <token>'.")
        raise HTTPException(status_code=401, detail=detail, headers=REALM)
    store = getattr(request.app.state, "adviser", None)
    if store is None:
        raise HTTPException(status_code=404, detail=NO_STORE)
    return store


StoreDep = Annotated[AdviserStore, Depends(adviser_store)]


def _site_names(request: Request, summary: list[SiteSummary]) -> dict[str, str]:
    """Sites in sites.yaml, plus any removed from it whose questions are still kept."""
    names = {site.id: site.name for site in request.app.state.sites.all()}
    return names | {s.site: s.site for s in summary if s.site not in names}


def _page(request: Request, template: str, **context: object) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, context, headers=PRIVATE)


@router.get("/admin", response_class=HTMLResponse)
def overview(request: Request, store: StoreDep) -> HTMLResponse:
    summary = store.summary()
    by_site = {s.site: s for s in summary}
    recording = {site.id: site.record_questions for site in request.app.state.sites.all()}
    rows = [{"id": site_id, "name": name, "recording": recording.get(site_id), "stats": by_site.get(site_id)}
            for site_id, name in sorted(_site_names(request, summary).items(), key=lambda kv: kv[1].lower())]
    return _page(request, "admin.html", rows=rows, retention=request.app.state.pathways.settings.retention_days)


@router.get("/admin/sites/{site_id}", response_class=HTMLResponse)
def site_report(site_id: str, request: Request, store: StoreDep, days: DaysQuery = 30) -> HTMLResponse:
    name = _site_names(request, store.summary()).get(site_id)
    if name is None:
        return not_found(request)
    trend = store.trend(site_id, days=days)
    return _page(request, "admin_site.html", site_id=site_id, name=name, days=days,
                 top=store.top_questions(site_id, days=days), unanswered=store.unanswered(site_id, days=days),
                 feedback=store.feedback(site_id, days=days), trend=list(reversed(trend)),
                 most=max([d.asked for d in trend] + [1]), reasons=REASONS)


def _cell(value: object) -> str:
    """One CSV cell; text a spreadsheet would run as a formula (= + - @, tab, CR) starts with a quote."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.get("/admin/sites/{site_id}/export.csv")
def export_csv(site_id: str, request: Request, store: StoreDep) -> Response:
    if site_id not in _site_names(request, store.summary()):
        return not_found(request)
    out = io.StringIO()
    out.write("\ufeff")  # so Excel reads accents (Łukasz, Ștefan) as UTF-8
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in store.export_rows(site_id):
        writer.writerow(_cell(row[column]) for column in EXPORT_COLUMNS)
    filename = f"pathways-{re.sub(r'[^a-z0-9-]', '', site_id)}-{datetime.now(UTC):%Y-%m-%d}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', **PRIVATE})
