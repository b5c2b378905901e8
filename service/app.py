"""The FastAPI app factory. Nothing happens at import time; the model and index load at start-up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.config import Settings, get_settings
from service.headers import ResponseHeaders
from service.limits import BodyLimit
from service.logs import RequestLog, configure_logging
from service.metrics import Metrics, MetricsMiddleware
from service.openapi import use_corrected_schema
from service.routes import chat, explore, health, metrics, pages, records, stream, worksheets
from service.state import AppState

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def _readable(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"] if p != "body") or "request"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def create_app(settings: Settings | None = None, state: AppState | None = None) -> FastAPI:
    settings = settings or get_settings()
    app_state = state or AppState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app_state.ready is None:
            app_state.start()
        yield

    app = FastAPI(title="Pathways", version="0.1.0", lifespan=lifespan,
                  description="Careers information for health and social care jobs in London.")
    app.state.pathways = app_state
    app.state.metrics = Metrics(app_state)
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
    app.add_middleware(RequestLog)
    app.add_middleware(ResponseHeaders)

    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    for module in (health, metrics, chat, stream, explore, records, worksheets, pages):
        app.include_router(module.router)
    use_corrected_schema(app)
    return app
