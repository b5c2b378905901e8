"""Bad request bodies get a clear 4xx before any parsing: too big, not UTF-8, nested too deeply."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.config import Settings
from service.limits import MAX_DEPTH, too_deep
from service.state import AppState

JSON = {"Content-Type": "application/json"}
LIMIT = 2048


@pytest.fixture(scope="module")
def small_limit(real_settings: Settings, real_state: AppState) -> Iterator[TestClient]:
    settings = real_settings.model_copy(update={"max_body_bytes": LIMIT})
    with TestClient(create_app(settings, real_state)) as test_client:
        yield test_client


def _chat_body(size: int) -> bytes:
    """A valid chat request padded with JSON whitespace to exactly `size` bytes."""
    body = json.dumps({"message": "what does a porter do"}).encode()
    return body[:-1] + b" " * (size - len(body)) + b"}"


def test_body_at_the_limit_is_answered(small_limit: TestClient):
    assert small_limit.post("/api/chat", content=_chat_body(LIMIT), headers=JSON).status_code == 200


def test_declared_oversize_body_is_413_with_a_message(small_limit: TestClient):
    response = small_limit.post("/api/chat", content=_chat_body(LIMIT + 1), headers=JSON)
    assert response.status_code == 413
    assert str(LIMIT) in response.json()["detail"]


def test_streamed_oversize_body_is_counted(small_limit: TestClient):
    def chunks() -> Iterator[bytes]:  # no Content-Length: the body arrives in pieces
        yield b'{"message": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}'

    response = small_limit.post("/api/chat", content=chunks(), headers=JSON)
    assert response.status_code == 413 and "too large" in response.json()["detail"]


def test_default_limit_is_64_kib(client: TestClient):
    assert Settings(_env_file=None).max_body_bytes == 65536  # type: ignore[call-arg]
    response = client.post("/api/chat", content=_chat_body(65537), headers=JSON)
    assert response.status_code == 413


@pytest.mark.parametrize("body", ['{"message": "caf\xe9"}'.encode("latin-1"),
                                  '{"message": "hi"}'.encode("utf-16")])
def test_non_utf8_body_is_400(client: TestClient, body: bytes):
    response = client.post("/api/chat", content=body, headers=JSON)
    assert response.status_code == 400 and "UTF-8" in response.json()["detail"]


def test_json_bomb_is_refused_before_parsing(client: TestClient):
    bomb = b'{"message": "hi", "history": ' + b"[" * 20000 + b"]" * 20000 + b"}"
    response = client.post("/api/chat", content=bomb, headers=JSON)
    assert response.status_code == 400 and "nested too deeply" in response.json()["detail"]


def test_depth_counts_brackets_outside_strings_only():
    assert not too_deep(json.dumps({"message": "[" * 100}).encode(), MAX_DEPTH)
    assert not too_deep(b'{"m": "\\"[[[["}', 2)
    assert too_deep(b"[" * (MAX_DEPTH + 1), MAX_DEPTH)
    assert not too_deep(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, MAX_DEPTH)


@pytest.mark.parametrize("path, payload, fragment", [
    ("/api/chat", {"message": "hi", "admin": True}, "admin"),
    ("/api/match", {"job": "shop", "colour": "red"}, "colour"),
    ("/api/quiz", {"favourite": "x"}, "favourite"),
])
def test_unknown_fields_are_named(client: TestClient, path: str, payload: dict, fragment: str):
    response = client.post(path, json=payload)
    assert response.status_code == 422 and fragment in response.json()["detail"]


def test_unknown_level_and_borough_list_the_allowed_values(client: TestClient):
    level = client.post("/api/chat", json={"message": "hi", "level": "expert"}).json()["detail"]
    assert all(name in level for name in ("standard", "simple", "first-steps"))
    borough = client.post("/api/chat", json={"message": "hi", "borough": "Narnia"}).json()["detail"]
    assert "Hackney" in borough and "Camden" in borough
    glossary = client.get("/api/glossary", params={"level": "expert"})
    assert glossary.status_code == 422 and "first-steps" in glossary.json()["detail"]
