"""Read-only access to the knowledge records."""

from fastapi import APIRouter, HTTPException

from service.deps import ReadyDep
from service.schema import Programme, Role, Route

router = APIRouter(prefix="/api", tags=["records"])


@router.get("/roles/{role_id}", response_model=Role, responses={404: {"description": "No such role"}})
def get_role(role_id: str, ready: ReadyDep) -> Role:
    """One role profile, exactly as the knowledge schema defines it."""
    role = ready.kb.role(role_id)
    if role is None:
        raise HTTPException(status_code=404, detail=f"no role with id '{role_id}'")
    return role


@router.get("/routes/{route_id}", response_model=Route, responses={404: {"description": "No such route"}})
def get_route(route_id: str, ready: ReadyDep) -> Route:
    """One route into work or training."""
    record = ready.kb.records.get(route_id)
    if not isinstance(record, Route):
        raise HTTPException(status_code=404, detail=f"no route with id '{route_id}'")
    return record


@router.get("/programmes/{programme_id}", response_model=Programme,
            responses={404: {"description": "No such programme"}})
def get_programme(programme_id: str, ready: ReadyDep) -> Programme:
    """One London programme or service."""
    record = ready.kb.records.get(programme_id)
    if not isinstance(record, Programme):
        raise HTTPException(status_code=404, detail=f"no programme with id '{programme_id}'")
    return record
