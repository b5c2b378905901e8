"""/metrics in Prometheus text format: requests, latency, errors, chat answer time, cache hits."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.app import create_app
from service.config import Settings
from service.state import AppState


def _samples(client: TestClient) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def _get(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_requests_errors_latency_and_chat_time(real_settings: Settings, real_state: AppState):
    client = TestClient(create_app(real_settings, real_state))  # its own, empty registry
    question = {"message": "how much does a porter earn"}
    for _ in range(2):
        assert client.post("/api/chat", json=question).status_code == 200
    client.get("/api/roles/astronaut")  # 404: counted under the template, not the id
    client.post("/api/chat", content=b"x" * 70_000, headers={"Content-Type": "application/json"})  # 413

    samples = _samples(client)
    assert _get(samples, "pathways_http_requests_total", method="POST", route="/api/chat", status="2xx") == 2
    assert _get(samples, "pathways_http_requests_total", method="GET", route="/api/roles/{role_id}",
                status="4xx") == 1
    # Refused before routing, so no route template took it.
    assert _get(samples, "pathways_http_requests_total", method="POST", route="unmatched", status="4xx") == 1
    assert _get(samples, "pathways_http_errors_total", status="4xx") == 2
    latency = "pathways_http_request_duration_seconds_count"
    assert _get(samples, latency, method="POST", route="/api/chat") == 2
    assert _get(samples, "pathways_chat_answer_seconds_count") == 2
    assert _get(samples, "pathways_chat_answer_seconds_sum") > 0


def test_query_embedding_cache_hits_and_misses(client: TestClient):
    before = _samples(client)
    question = {"message": "what does a phlebotomist do all day, metrics test"}
    client.post("/api/chat", json=question)
    # Another level is another answer, but the same words: the query embedding is reused.
    client.post("/api/chat", json={**question, "level": "simple"})
    after = _samples(client)
    hits = "pathways_query_embedding_cache_hits_total"
    misses = "pathways_query_embedding_cache_misses_total"
    assert _get(after, misses) > _get(before, misses)  # the first time it is embedded
    assert _get(after, hits) > _get(before, hits)  # the second time it comes from the cache


def test_answer_cache_hits_and_misses(client: TestClient):
    before = _samples(client)
    question = {"message": "how do I become a phlebotomist, answer cache test"}
    first = client.post("/api/chat", json=question).json()
    second = client.post("/api/chat", json=question).json()
    after = _samples(client)
    assert first == second
    for name in ("pathways_chat_answer_cache_misses_total", "pathways_chat_answer_cache_hits_total"):
        assert _get(after, name) == _get(before, name) + 1


def test_metrics_are_not_part_of_the_api_schema(client: TestClient):
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]
