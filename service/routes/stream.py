"""Streaming chat (server-sent events) for when an LLM rewords answers.

Events: `sources` (the grounded answer's citations, at once), `token` (text as it is written), and
`done` (the final answer). Tokens are shown as they come, but the whole text is checked at the end;
if the check fails, `done` carries the grounded answer and `"replaced": true`, and the client shows
that instead. Without an LLM the grounded answer comes as one token."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from service.chat import ChatService
from service.deps import ReadyDep
from service.models import ChatRequest
from service.site_requests import admit_chat

router = APIRouter(prefix="/api", tags=["chat"])


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream_answer(chat: ChatService, request: ChatRequest) -> Iterator[str]:
    grounded, _, _ = chat.answer_checked(request, use_llm=False)
    yield _event("sources", {"sources": [s.model_dump() for s in grounded.sources]})
    final = grounded.model_dump()
    if chat.rephraser is None or not grounded.in_scope or grounded.language:
        yield _event("token", {"text": grounded.answer})
        yield _event("done", {**final, "replaced": False})
        return
    used, pay_cited = chat.cited(grounded)
    parts: list[str] = []
    try:
        for piece in chat.rephraser.stream(request.message, grounded.answer, used):
            parts.append(piece)
            yield _event("token", {"text": piece})
        problem = chat.rephraser.check("".join(parts), grounded.answer, used, pay_cited)
    except Exception:  # noqa: BLE001 - a model that fails mid-stream leaves the grounded answer
        problem = "model unavailable"
    if problem is None:
        final.update(answer="".join(parts).strip(), rephrased=True)
    yield _event("done", {**final, "replaced": problem is not None})


@router.post("/chat/stream", response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}}, "description": "Server-sent events"},
                        403: {"description": "Site unknown, or this origin not allowed for it"},
                        422: {"description": "Invalid request"},
                        429: {"description": "Too many questions; see Retry-After"},
                        503: {"description": "Not ready"}})
def chat_stream(request: ChatRequest, ready: ReadyDep, http: Request) -> StreamingResponse:
    """The same answer as POST /api/chat, as server-sent events (`sources`, `token`…, `done`)."""
    request, _ = admit_chat(http, request)
    return StreamingResponse(stream_answer(ready.chat, request), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
