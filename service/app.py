"""The FastAPI app factory. Nothing happens at import time; the model and index load at start-up."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.adviser.store import AdviserStore
from service.config import Settings, get_settings
from service.embedding_guard import WidgetCors
from service.headers import ResponseHeaders
from service.limits import BodyLimit
from service.logs import RequestLog, configure_logging
from service.metrics import Metrics, MetricsMiddleware
from service.openapi import use_corrected_schema
from service.ratelimit import RateLimits
from service.routes import admin, chat, explore, health, metrics, pages, records, stream, widget, worksheets
from service.sites import SiteRegistry
from service.state import AppState
from service.unavailable import install as install_unavailable

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
log = logging.getLogger("pathways")


def _readable(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"] if p != "body") or "request"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def open_adviser_store(settings: Settings) -> AdviserStore | None:
    """The adviser view's database; without it widgets still answer, they just record nothing."""
    url = settings.adviser_db or f"sqlite:///{(settings.data_dir / 'adviser.db').resolve()}"
    try:
        return AdviserStore(url, settings.retention_days)
    except Exception as exc:  # noqa: BLE001 - e.g. a read-only data dir; the log says why
        log.warning("the adviser view is off: cannot open its database (%s)", exc)
        return None


def _reload_sites_on_sighup(sites: SiteRegistry) -> None:
    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, sites.reload)
    except (NotImplementedError, RuntimeError, ValueError):
        pass  # not the main thread (tests) or no signals here; the file is still watched


def create_app(settings: Settings | None = None, state: AppState | None = None) -> FastAPI:
    settings = settings or get_settings()
    app_state = state or AppState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app_state.ready is None:
            app_state.start()
        _reload_sites_on_sighup(app.state.sites)
        yield

    app = FastAPI(title="Pathways", version="0.1.0", lifespan=lifespan,
                  description="Careers information for health and social care jobs in London.")
    app.state.pathways = app_state
    app.state.metrics = Metrics(app_state)
    app.state.sites = SiteRegistry(settings.sites_file)
    app.state.rate_limits = RateLimits(settings)
    app.state.adviser = open_adviser_store(settings)
    configure_logging(settings)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if _wants_page(request):
            return pages.bad_request(request, _readable(exc), status=422)
        return JSONResponse({"detail": _readable(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404 and _wants_page(request):
            return pages.not_found(request)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    # The last added runs first: headers wrap everything, so 413s and 500s get them too; the body
    # limit runs last, just before routing and parsing.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(WidgetCors, sites=app.state.sites)
    app.add_middleware(RequestLog)
    app.add_middleware(ResponseHeaders)

    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    for module in (health, metrics, chat, stream, widget, admin, explore, records, worksheets, pages):
        app.include_router(module.router)
    use_corrected_schema(app)
    install_unavailable(app)  # Chroma server down: 503 with a friendly message, never 500
    return app
