"""Liveness and readiness probes."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.deps import StateDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up (it may still be loading)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Index not loaded yet"}})
def readyz(state: StateDep) -> JSONResponse:
    """Ready to answer: the model and the index are loaded."""
    if state.ready is None:
        return JSONResponse({"status": "loading", "detail": state.error or "loading"}, status_code=503)
    kb = state.ready.kb
    return JSONResponse({"status": "ready", "collection": kb.collection, "records": len(kb.records)})
