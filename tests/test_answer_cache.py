"""The cache of grounded answers: the same request gets the same answer, anything that changes the
answer changes the key, callers cannot change what is cached, and a new index starts empty."""

from __future__ import annotations

from service.chat import ChatService
from service.models import ChatRequest, ChatTurn
from service.state import AppState


def _fresh(state: AppState) -> ChatService:
    ready = state.ready
    assert ready is not None
    return ChatService(ready.kb, ready.retriever, ready.explorer, 5, ready.chat.crosslingual)


def test_same_request_is_answered_once(real_state: AppState):
    chat = _fresh(real_state)
    request = ChatRequest(message="how much does a porter earn")
    first = chat.answer(request)
    second = chat.answer(request)
    assert first == second and first is not second
    assert (chat.answers.misses, chat.answers.hits) == (1, 1)


def test_what_changes_the_answer_changes_the_key(real_state: AppState):
    chat = _fresh(real_state)
    base = chat.answer(ChatRequest(message="how much does a porter earn"))
    hackney = chat.answer(ChatRequest(message="how much does a porter earn", borough="Hackney"))
    simple = chat.answer(ChatRequest(message="how much does a porter earn", level="simple"))
    follow = chat.answer(ChatRequest(message="how much do they earn", history=[
        ChatTurn(role="user", content="what does a phlebotomist do")]))
    alone = chat.answer(ChatRequest(message="how much do they earn"))
    assert chat.answers.hits == 0 and chat.answers.misses == 5
    assert "Hackney" in hackney.answer and "Hackney" not in base.answer
    assert simple.answer != base.answer
    assert follow.sources[0].id == "phlebotomist" and follow.answer != alone.answer


def test_changing_a_reply_does_not_change_the_cache(real_state: AppState):
    chat = _fresh(real_state)
    request = ChatRequest(message="what does a porter do")
    reply = chat.answer(request)
    original = reply.model_copy(deep=True)
    reply.answer = "changed"
    reply.sources.clear()
    assert chat.answer(request) == original


def test_bounded_and_per_service(real_state: AppState):
    chat = _fresh(real_state)
    chat.answers.size = 2
    for message in ("what does a porter do", "what does a cleaner do", "what does a midwife do"):
        chat.answer(ChatRequest(message=message))
    chat.answer(ChatRequest(message="what does a porter do"))  # dropped as least recently used
    assert chat.answers.misses == 4 and chat.answers.hits == 0
    assert _fresh(real_state).answers.hits == _fresh(real_state).answers.misses == 0
