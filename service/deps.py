"""FastAPI dependencies: hand the objects built at start-up to route handlers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from service.state import AppState, Ready

NOT_READY = "Pathways is starting up or its index is not available. Please try again in a moment."


def get_state(request: Request) -> AppState:
    return request.app.state.pathways


def get_ready(state: Annotated[AppState, Depends(get_state)]) -> Ready:
    if state.ready is None:
        raise HTTPException(status_code=503, detail=NOT_READY, headers={"Retry-After": "5"})
    return state.ready


StateDep = Annotated[AppState, Depends(get_state)]
ReadyDep = Annotated[Ready, Depends(get_ready)]
