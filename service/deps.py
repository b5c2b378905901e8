"""FastAPI dependencies: hand the objects built at start-up to route handlers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from service.state import AppState, Ready
from service.unavailable import RETRY_AFTER, UNREACHABLE

NOT_READY = "Pathways is starting up or its index is not available. Please try again in a moment."


def get_state(request: Request) -> AppState:
    return request.app.state.pathways


def get_ready(state: Annotated[AppState, Depends(get_state)]) -> Ready:
    if state.ready is None:
        detail = UNREACHABLE if state.unreachable else NOT_READY
        raise HTTPException(status_code=503, detail=detail, headers={"Retry-After": "5"})
    # Answers come from memory, but a service whose index server has gone says so rather than answer
    # from a copy it can no longer check (and /readyz takes it out of the load balancer meanwhile).
    if not state.index_reachable():
        raise HTTPException(status_code=503, detail=UNREACHABLE, headers={"Retry-After": RETRY_AFTER})
    return state.ready


StateDep = Annotated[AppState, Depends(get_state)]
ReadyDep = Annotated[Ready, Depends(get_ready)]
