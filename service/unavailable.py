"""When the Chroma server (PATHWAYS_CHROMA_URL) stops: a friendly 503, never a 500, and back by itself.

Two parts. `IndexProbe` asks the server's heartbeat (short timeout, answer cached for a second), so
/readyz and every answer-giving endpoint say 503 within ~1.5 s of the server going away and 200 again
as soon as it is back. `install(app)` maps connection errors that escape from anywhere in a request
(chromadb's HTTP client raises httpx errors as they are) to the same 503.
"""

from __future__ import annotations

import logging
import threading
import time

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from service.index import ChromaUnreachable, heartbeat

log = logging.getLogger("pathways")

UNREACHABLE = "The job library is not reachable just now. Please try again in a minute."
RETRY_AFTER = "30"
PROBE_TTL_SECONDS = 1.0
PROBE_TIMEOUT_SECONDS = 0.5
# Connection errors of the Chroma client. ConnectionError covers OSError-level failures (refused,
# reset) that a client might raise without wrapping them.
UNREACHABLE_ERRORS: tuple[type[BaseException], ...] = (httpx.TransportError, ChromaUnreachable,
                                                       ConnectionError)


class IndexProbe:
    """Is the Chroma server answering? One heartbeat at most per PROBE_TTL_SECONDS per process;
    while one request is asking, the others use the last answer instead of queueing behind it."""

    def __init__(self, chroma_url: str, ttl: float = PROBE_TTL_SECONDS,
                 timeout: float = PROBE_TIMEOUT_SECONDS):
        self.url = chroma_url
        self.ttl = ttl
        self.timeout = timeout
        self.why: str | None = None
        self._ok = True
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self._http = httpx.Client(timeout=timeout)

    def reachable(self) -> bool:
        if time.monotonic() - self._checked < self.ttl or not self._lock.acquire(blocking=False):
            return self._ok
        try:
            why = heartbeat(self.url, self.timeout, self._http)
            self._record(why)
        finally:
            self._lock.release()
        return self._ok

    def mark_down(self, why: str) -> None:
        """A request found the server down: say so at once rather than at the next heartbeat."""
        self._record(why)

    def _record(self, why: str | None) -> None:
        if (why is None) != self._ok:
            if why is None:
                log.info("the Chroma server at %s answers again", self.url)
            else:
                log.warning("the Chroma server at %s is not answering: %s", self.url, why)
        self._ok, self.why, self._checked = why is None, why, time.monotonic()


def unreachable_response() -> JSONResponse:
    return JSONResponse({"detail": UNREACHABLE}, status_code=503, headers={"Retry-After": RETRY_AFTER})


def install(app: FastAPI) -> None:
    """Answer connection errors to the index with 503 and the friendly message (never a 500)."""

    async def index_unreachable(request: Request, exc: Exception) -> JSONResponse:
        state = getattr(request.app.state, "pathways", None)
        probe = getattr(state, "probe", None)
        if probe is not None:
            probe.mark_down(f"{type(exc).__name__}: {exc}")
        log.warning("%s %s: index unreachable: %s: %s", request.method, request.url.path,
                    type(exc).__name__, exc)
        return unreachable_response()

    for error in UNREACHABLE_ERRORS:
        app.add_exception_handler(error, index_unreachable)
