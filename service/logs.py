"""Logging: text or JSON lines, a request id on every line, and one access line per request.

Access lines carry method, path (no query string), status and duration — never a request body, so
chat questions stay out of the logs; only `PATHWAYS_LOG_LEVEL=debug` logs them (routes/chat.py).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.config import Settings

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
# An incoming id is reused only if it is a short plain token: it ends up in headers and log lines.
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
HANDLER_NAME = "pathways"
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")
SERVER_ERROR = "Something went wrong on our side. Please try again in a moment."

log = logging.getLogger("pathways.access")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-")}
        line.update({k: getattr(record, k) for k in ACCESS_FIELDS if hasattr(record, k)})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(settings: Settings) -> logging.Handler:
    """One handler on the root logger (replaced, not added, when the app is built again); uvicorn's
    own lines go through it too, and its access log is off because ours replaces it."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    handler = logging.StreamHandler()
    handler.set_name(HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    for chatty in ("httpx", "httpx2"):  # the test client's one line per request
        logging.getLogger(chatty).setLevel(logging.WARNING)
    return handler


def request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            given = value.decode("latin-1")
            return given if SANE_ID.fullmatch(given) else uuid.uuid4().hex
    return uuid.uuid4().hex


class RequestLog:
    """Gives each request an id (echoed in X-Request-ID), logs one access line, and turns an
    unhandled error into a logged JSON 500 instead of a bare one."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        token = REQUEST_ID.set(rid)
        started, status, responded = time.perf_counter(), 500, False

        async def send_with_id(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        try:
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                log.exception("unhandled error in %s %s", scope["method"], scope["path"])
                if responded:  # too late for a clean 500; let the server drop the connection
                    raise
                await JSONResponse({"detail": SERVER_ERROR}, status_code=500)(scope, receive, send_with_id)
        finally:
            if log.isEnabledFor(logging.INFO):  # the extras cost more than the check
                duration = (time.perf_counter() - started) * 1000
                log.info("%s %s %s %.1f ms", scope["method"], scope["path"], status, duration,
                         extra={"method": scope["method"], "path": scope["path"], "status": status,
                                "duration_ms": round(duration, 1)})
            REQUEST_ID.reset(token)
