"""Structured logs: a request id on every line, access lines without the question, JSON on demand."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.config import Settings
from service.logs import HANDLER_NAME, configure_logging
from service.state import AppState

SECRET_QUESTION = "my name is Ada Lovelace and I live at 12 Test Street, how do I become a porter"

Logged = Callable[..., tuple[TestClient, io.StringIO]]


@pytest.fixture
def logged_app(real_settings: Settings, real_state: AppState) -> Iterator[Logged]:
    """An app with the given log settings, its log lines going to a buffer; logging is put back
    the way the shared app had it afterwards."""

    def make(**settings: object) -> tuple[TestClient, io.StringIO]:
        app = create_app(real_settings.model_copy(update=settings), real_state)
        buffer = io.StringIO()
        handler = next(h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME)
        handler.setStream(buffer)  # type: ignore[attr-defined]
        return TestClient(app), buffer

    yield make
    configure_logging(real_settings)


def test_json_lines_carry_the_request_id_and_access_fields(logged_app: Logged):
    client, buffer = logged_app(log_format="json")
    response = client.post("/api/chat", json={"message": SECRET_QUESTION},
                           headers={"X-Request-ID": "class-7b.42"})
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "class-7b.42"
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "pathways.access"]
    assert access == [{**access[0], "method": "POST", "path": "/api/chat", "status": 200,
                       "request_id": "class-7b.42", "level": "info"}]
    assert isinstance(access[0]["duration_ms"], float) and access[0]["ts"].endswith("+00:00")
    assert all(line["request_id"] == "class-7b.42" for line in lines)


def test_question_text_is_logged_only_at_debug(logged_app: Logged):
    client, buffer = logged_app(log_level="info")
    client.post("/api/chat", json={"message": SECRET_QUESTION})
    client.post("/api/chat", json={"message": SECRET_QUESTION, "colour": "red"})  # a 422 too
    assert "Ada Lovelace" not in buffer.getvalue() and "POST /api/chat 200" in buffer.getvalue()

    client, buffer = logged_app(log_level="debug")
    client.post("/api/chat", json={"message": SECRET_QUESTION})
    assert "Ada Lovelace" in buffer.getvalue()


@pytest.mark.parametrize("given", ["", "a" * 65, "x y", "<script>", "../etc"])
def test_unsafe_request_ids_are_replaced(logged_app: Logged, given: str):
    client, buffer = logged_app()
    response = client.get("/healthz", headers={"X-Request-ID": given})
    issued = response.headers["X-Request-ID"]
    assert issued != given and len(issued) == 32
    assert f"[{issued}] pathways.access: GET /healthz 200" in buffer.getvalue()


def test_every_request_gets_its_own_id(client: TestClient):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
