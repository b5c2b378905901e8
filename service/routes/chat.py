"""The chat endpoint."""

import logging

from fastapi import APIRouter, Request

from service.deps import ReadyDep
from service.models import ChatRequest, ChatResponse

router = APIRouter(prefix="/api", tags=["chat"])
log = logging.getLogger("pathways.chat")


@router.post("/chat", response_model=ChatResponse,
             responses={422: {"description": "Invalid request"}, 503: {"description": "Not ready"}})
def chat(request: ChatRequest, ready: ReadyDep, http: Request) -> ChatResponse:
    """Answer a question about health and care jobs in London, citing the records used."""
    # People type personal details into questions: their text is logged only when debugging.
    log.debug("chat message: %r", request.message)
    with http.app.state.metrics.chat_seconds.time():
        return ready.chat.answer(request)
