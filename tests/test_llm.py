"""Optional LLM phrasing, tested at the edge with langchain's fake chat models: a faithful rewording
is used, and a model that invents a figure, fails, or is too slow leaves the grounded answer."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from service.app import create_app
from service.chat import ChatService
from service.llm import Rephraser
from service.models import ChatRequest
from service.state import AppState, Ready
from service.trust import FigureChecker

QUESTION = "how much does a porter earn in Hackney"


class SlowModel(FakeListChatModel):
    def _call(self, *args, **kwargs):  # type: ignore[override]
        time.sleep(1.0)
        return super()._call(*args, **kwargs)


class BrokenModel(FakeListChatModel):
    def _call(self, *args, **kwargs):  # type: ignore[override]
        raise ConnectionError("connection refused")


def chat_with(real_state: AppState, model, timeout: float = 2.0) -> ChatService:
    ready = real_state.ready
    return ChatService(ready.kb, ready.retriever, ready.explorer, 5, None,
                       Rephraser(model, FigureChecker(ready.kb), timeout))


def grounded(real_state: AppState) -> str:
    return real_state.ready.chat.answer(ChatRequest(message=QUESTION)).answer


def test_faithful_rewording_is_used(real_state):
    base = grounded(real_state)
    reworded = "Here is what a porter earns:\n" + base  # same facts, same figures
    reply = chat_with(real_state, FakeListChatModel(responses=[reworded])).answer(ChatRequest(message=QUESTION))
    assert reply.rephrased and reply.answer == reworded.strip()


@pytest.mark.parametrize("invented", [
    "A porter earns £99,999 a year in Hackney.",                   # a pay figure from nowhere
    "You need 5 GCSEs and 2 years of experience to be a porter.",  # invented entry requirements
    "Porters are on band 7.",                                       # a band the record doesn't give
    "Porter training takes 2 years.",                               # a length of time from nowhere
])
def test_invented_figures_are_caught_and_the_grounded_answer_stands(real_state, invented: str):
    reply = chat_with(real_state, FakeListChatModel(responses=[invented])).answer(ChatRequest(message=QUESTION))
    assert not reply.rephrased and reply.answer == grounded(real_state)


@pytest.mark.parametrize("model", [BrokenModel(responses=["x"]), SlowModel(responses=["x"])])
def test_down_or_slow_model_leaves_the_grounded_answer(real_state, model):
    started = time.perf_counter()
    reply = chat_with(real_state, model, timeout=0.3).answer(ChatRequest(message=QUESTION))
    assert not reply.rephrased and reply.answer == grounded(real_state)
    assert time.perf_counter() - started < 0.9  # the timeout, not the model, decides


def test_emergencies_are_never_sent_to_the_model(real_state):
    model = FakeListChatModel(responses=["Take two paracetamol."])
    reply = chat_with(real_state, model).answer(ChatRequest(message="my mum collapsed and is unconscious"))
    assert "999" in reply.answer and not reply.rephrased


def events(body: str) -> list[tuple[str, dict]]:
    out = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def streaming_client(real_settings, real_state, model) -> TestClient:
    ready = real_state.ready
    state = AppState(real_settings)
    state.ready = Ready(ready.kb, ready.retriever, chat_with(real_state, model), ready.embeddings, ready.explorer)
    return TestClient(create_app(real_settings, state))


def test_stream_sends_sources_then_tokens_then_the_checked_answer(real_settings, real_state):
    base = grounded(real_state)
    model = GenericFakeChatModel(messages=iter([AIMessage(content="In short:\n" + base)]))
    with streaming_client(real_settings, real_state, model) as client:
        response = client.post("/api/chat/stream", json={"message": QUESTION})
    assert response.headers["content-type"].startswith("text/event-stream")
    got = events(response.text)
    assert got[0][0] == "sources" and got[-1][0] == "done"
    assert len([e for e in got if e[0] == "token"]) > 1  # streamed in pieces
    assert got[-1][1]["rephrased"] and not got[-1][1]["replaced"]


def test_stream_replaces_an_invented_figure_with_the_grounded_answer(real_settings, real_state):
    model = GenericFakeChatModel(messages=iter([AIMessage(content="Porters earn £99,999 a year.")]))
    with streaming_client(real_settings, real_state, model) as client:
        done = events(client.post("/api/chat/stream", json={"message": QUESTION}).text)[-1][1]
    assert done["replaced"] and done["answer"] == grounded(real_state) and not done["rephrased"]


def test_stream_without_llm_is_the_grounded_answer(client: TestClient, real_state):
    got = events(client.post("/api/chat/stream", json={"message": QUESTION}).text)
    assert [e[0] for e in got] == ["sources", "token", "done"]
    assert got[-1][1]["answer"] == grounded(real_state)
