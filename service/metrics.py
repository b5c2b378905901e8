"""Prometheus metrics: requests, latency, errors, chat answer time and the query-embedding cache.

Each app gets its own registry (tests build many apps in one process; the global one would refuse
the second set of names). Routes are labelled by template, so ids in paths cannot blow up the
number of series.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.state import AppState

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def route_template(scope: Scope, before: Scope) -> str:
    """The template of the route that took the request. FastAPI does not record mounts (/static),
    so a top-level route matching the request as it arrived stands in. 'unmatched' when no route
    took it: 404s, and bodies refused before routing (limits.py)."""
    route: BaseRoute | None = scope.get("route")
    if route is None and "app" in before:
        route = next((r for r in before["app"].router.routes
                      if hasattr(r, "path") and r.matches(before)[0] == Match.FULL), None)
    return getattr(route, "path", None) or "unmatched"


class EmbeddingCacheCollector(Collector):
    """Reads the query-embedding cache's and the answer cache's own hit and miss counts at scrape
    time (zero until the model loads)."""

    def __init__(self, state: AppState):
        self.state = state

    def collect(self) -> Iterator[CounterMetricFamily]:
        info = self.state.ready.embeddings.cache_info() if self.state.ready else None
        yield CounterMetricFamily("pathways_query_embedding_cache_hits",
                                  "Chat and search queries whose embedding came from the cache.",
                                  value=getattr(info, "hits", 0))
        yield CounterMetricFamily("pathways_query_embedding_cache_misses",
                                  "Queries that had to be embedded by the model.",
                                  value=getattr(info, "misses", 0))
        # A repeated request is answered whole from the answer cache and never reaches the embedder.
        answers = self.state.ready.chat.answers if self.state.ready else None
        yield CounterMetricFamily("pathways_chat_answer_cache_hits",
                                  "Chat requests answered from the cache of grounded answers.",
                                  value=getattr(answers, "hits", 0))
        yield CounterMetricFamily("pathways_chat_answer_cache_misses",
                                  "Chat requests that had to be answered from the index.",
                                  value=getattr(answers, "misses", 0))


class Metrics:
    def __init__(self, state: AppState):
        disable_created_metrics()  # the *_created series only double what we export
        self.registry = CollectorRegistry()
        self.requests = Counter("pathways_http_requests", "HTTP requests by method, route template "
                                "('unmatched' if no route took it) and status class.",
                                ["method", "route", "status"], registry=self.registry)
        self.errors = Counter("pathways_http_errors", "Responses with a 4xx or 5xx status.", ["status"],
                              registry=self.registry)
        self.latency = Histogram("pathways_http_request_duration_seconds", "Time to the end of the "
                                 "response, by route template.", ["method", "route"],
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.chat_seconds = Histogram("pathways_chat_answer_seconds", "Time to retrieve the records for "
                                      "one chat question and compose the answer, without HTTP parsing.",
                                      buckets=LATENCY_BUCKETS, registry=self.registry)
        self.registry.register(EmbeddingCacheCollector(state))

    def observe(self, scope: Scope, before: Scope, status: int, seconds: float) -> None:
        route = route_template(scope, before)
        status_class = f"{status // 100}xx"
        self.requests.labels(scope["method"], route, status_class).inc()
        self.latency.labels(scope["method"], route).observe(seconds)
        if status >= 400:
            self.errors.labels(status_class).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500  # an exception that escapes is a 500
        before = dict(scope)  # routing rewrites the scope in place

        async def send_counting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_counting)
        finally:
            self.metrics.observe(scope, before, status, time.perf_counter() - started)
