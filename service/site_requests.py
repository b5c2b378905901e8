"""What a widget question goes through besides being answered: the allowlist, the rate limits, the
site's defaults, and (when the site opted in) a redacted record for its advisers."""

from __future__ import annotations

import logging

from fastapi import Request

from service.chat import OURS_SIMILARITY
from service.embedding_guard import admit_site
from service.models import ChatRequest, ChatResponse
from service.sites import Site
from service.state import Ready

log = logging.getLogger("pathways.sites")


def client_ip(http: Request) -> str:
    # Behind a proxy, uvicorn's --forwarded-allow-ips puts the visitor's address here.
    return http.client.host if http.client else "unknown"


def admit_chat(http: Request, req: ChatRequest) -> tuple[ChatRequest, Site | None]:
    """The request with the site's defaults filled in, and its site (None on our own pages)."""
    site = admit_site(http, http.app.state.sites, req.site)
    if site is None:
        return req, None
    http.app.state.rate_limits.admit(site, client_ip(http))
    if req.borough is None and site.borough:
        req = req.model_copy(update={"borough": site.borough})
    return req, site


def confident(ready: Ready, req: ChatRequest, reply: ChatResponse) -> bool:
    """Whether advisers can take the answer as a hit: in scope, citing something, and either naming
    a record or close in meaning to our content (the unanswered list is what isn't)."""
    if not reply.in_scope or not reply.sources:
        return reply.intent in ("greeting", "define")
    return bool(ready.retriever.titles.match(req.message)) or \
        ready.retriever.best_similarity(req.message) >= OURS_SIMILARITY


def record_for_advisers(http: Request, ready: Ready, site: Site | None, req: ChatRequest,
                        reply: ChatResponse) -> ChatResponse:
    store = getattr(http.app.state, "adviser", None)
    if site is None or not site.record_questions or store is None:
        return reply
    try:
        feedback_id = store.record_question(
            site.id, req.message, intent=reply.intent, in_scope=reply.in_scope,
            sources=[s.id for s in reply.sources], level=req.level, language=reply.language,
            confident=confident(ready, req, reply))
    except Exception:
        log.exception("could not record a question for site %s", site.id)
        return reply
    # A copy: the answer object may be shared by a cache.
    return reply.model_copy(update={"feedback_id": feedback_id})
