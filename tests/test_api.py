"""The HTTP contract, through the real app on a real index."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.config import Settings
from service.state import AppState
from tests.conftest import ask


def test_health_and_ready(client: TestClient):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["records"] > 50


class StillLoading(AppState):
    def start(self) -> None:  # the model and index never finish loading in this test
        pass


def test_not_ready_until_index_loaded(tmp_path):
    state = StillLoading(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    with TestClient(create_app(state.settings, state)) as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/readyz").status_code == 503
        r = c.post("/api/chat", json={"message": "porter"})
        assert r.status_code == 503 and "try again" in r.json()["detail"]


def test_chat_response_shape(client: TestClient):
    body = ask(client, "what does a porter do")
    assert set(body) == {"answer", "sources", "suggestions", "in_scope", "intent", "language", "rephrased",
                         "feedback_id"}
    assert body["in_scope"] is True and body["language"] is None and body["rephrased"] is False
    assert body["feedback_id"] is None  # only widget sites that opted in record questions
    assert body["sources"][0] == {"id": "porter", "kind": "role", "title": "Porter", "url": "/roles/porter"}
    assert 1 <= len(body["suggestions"]) <= 4


@pytest.mark.parametrize("payload, fragment", [
    ({"message": ""}, "message"),
    ({"message": "   "}, "message"),
    ({"message": "x" * 2001}, "2000"),
    ({}, "message"),
    ({"message": 42}, "message"),
    ({"message": "hi", "history": [{"role": "user", "content": "x"}] * 21}, "history"),
    ({"message": "hi", "history": [{"role": "robot", "content": "x"}]}, "role"),
    ({"message": "hi", "level": "expert"}, "level"),
    ({"message": "hi", "borough": "Narnia"}, "Hackney"),
    ({"message": "hi", "colour": "red"}, "colour"),
    ({"message": "bad\x00byte"}, "control"),
])
def test_bad_requests_get_readable_422(client: TestClient, payload, fragment):
    response = client.post("/api/chat", json=payload)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_invalid_json_is_a_4xx(client: TestClient):
    response = client.post("/api/chat", content=b"{not json", headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500


def test_roles_api(client: TestClient):
    everything = client.get("/api/roles").json()
    assert everything["count"] >= 40
    none_needed = client.get("/api/roles", params={"qualifications": "none"}).json()
    assert 0 < none_needed["count"] < everything["count"]
    assert all(r["qualifications_needed"] == "none" for r in none_needed["roles"])
    found = client.get("/api/roles", params={"q": "fisiotherapist"}).json()
    assert found["roles"][0]["id"] == "physiotherapist"
    assert client.get("/api/roles", params={"family": "astronauts"}).status_code == 422


def test_role_by_id(client: TestClient):
    role = client.get("/api/roles/porter").json()
    assert role["id"] == "porter" and role["sources"] and role["last_reviewed"]
    missing = client.get("/api/roles/astronaut")
    assert missing.status_code == 404 and "astronaut" in missing.json()["detail"]


def test_openapi_documents_chat(client: TestClient):
    spec = client.get("/openapi.json").json()
    assert "/api/chat" in spec["paths"] and "/api/roles/{role_id}" in spec["paths"]


def test_onnx_and_torch_builds_agree(embeddings):
    """The default int8 ONNX build stands in for the original weights: same direction, near enough."""
    from service.embeddings import load_embeddings

    torch_build = load_embeddings(0, "torch")
    texts = ["how do I become a healthcare assistant", "fisiotherapist pay in Hackney",
             "I worked in a shop for 5 years, what can I do in the NHS?"]
    for a, b in zip(embeddings.embed_documents(texts), torch_build.embed_documents(texts), strict=True):
        assert sum(x * y for x, y in zip(a, b, strict=True)) > 0.99


def test_index_from_another_model_build_is_refused(real_settings, embeddings):
    from service.embeddings import CachedEmbeddings
    from service.state import AppState

    state = AppState(real_settings)
    state.load(CachedEmbeddings(embeddings.inner, 0, "some-other-build"))
    assert state.ready is None and "pathways ingest" in (state.error or "")
