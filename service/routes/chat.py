"""The chat endpoint."""

from fastapi import APIRouter

from service.deps import ReadyDep
from service.models import ChatRequest, ChatResponse

router = APIRouter(prefix="/api", tags=["chat"])


@router.post("/chat", response_model=ChatResponse,
             responses={422: {"description": "Invalid request"}, 503: {"description": "Not ready"}})
def chat(request: ChatRequest, ready: ReadyDep) -> ChatResponse:
    """Answer a question about health and care jobs in London, citing the records used."""
    return ready.chat.answer(request)
