"""The chat endpoint."""

import logging

from fastapi import APIRouter, Request

from service.deps import ReadyDep
from service.models import ChatRequest, ChatResponse
from service.site_requests import admit_chat, record_for_advisers

router = APIRouter(prefix="/api", tags=["chat"])
log = logging.getLogger("pathways.chat")


@router.post("/chat", response_model=ChatResponse,
             responses={403: {"description": "Site unknown, or this origin not allowed for it"},
                        422: {"description": "Invalid request"},
                        429: {"description": "Too many questions; see Retry-After"},
                        503: {"description": "Not ready"}})
def chat(request: ChatRequest, ready: ReadyDep, http: Request) -> ChatResponse:
    """Answer a question about health and care jobs in London, citing the records used.

    Widgets send their `site`; answers then follow that site's allowlist, limits and defaults."""
    request, site = admit_chat(http, request)
    # People type personal details into questions: their text is logged only when debugging.
    log.debug("chat message: %r", request.message)
    with http.app.state.metrics.chat_seconds.time():
        reply = ready.chat.answer(request)
    return record_for_advisers(http, ready, site, request, reply)
