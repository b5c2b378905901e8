"""Liveness and readiness probes."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.deps import StateDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up (it may still be loading)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Index not loaded yet, or its server is down"}})
def readyz(state: StateDep) -> JSONResponse:
    """Ready to answer: the model and the index are loaded (and the Chroma server answers)."""
    if state.ready is None:
        status = "unavailable" if state.unreachable else "loading"
        return JSONResponse({"status": status, "detail": state.error or "loading"}, status_code=503)
    if not state.index_reachable():
        why = state.probe.why if state.probe else None
        return JSONResponse({"status": "unavailable",
                             "detail": f"the Chroma server at {state.settings.chroma_url} is not "
                                       f"answering ({why})"}, status_code=503)
    kb = state.ready.kb
    return JSONResponse({"status": "ready", "collection": kb.collection, "records": len(kb.records)})
