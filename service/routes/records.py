"""Read-only access to the knowledge records."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from service.deps import ReadyDep
from service.models import RoleList, RoleSummary
from service.schema import Family, Qualification, Programme, Role, Route, record_url

router = APIRouter(prefix="/api", tags=["records"])


def _summary(role: Role) -> RoleSummary:
    return RoleSummary(id=role.id, title=role.title, family=role.family,
                       afc_band=role.afc_band.label() if role.afc_band else None,
                       qualifications_needed=role.qualifications_needed,
                       url=record_url("role", role.id))


@router.get("/roles", response_model=RoleList)
def list_roles(
    ready: ReadyDep,
    q: Annotated[str | None, Query(max_length=200, description="Search text")] = None,
    family: Family | None = None,
    qualifications: Qualification | None = None,
    clinical: bool | None = None,
    patient_facing: bool | None = None,
) -> RoleList:
    """Roles, optionally searched by text and filtered; search results come in relevance order."""
    roles = ready.kb.roles
    if q and q.strip():
        order = [h.record_id for h in ready.retriever.search(q, k=50, kinds=["role"])]
        by_id = {r.id: r for r in roles}
        roles = [by_id[i] for i in order if i in by_id]
    roles = [r for r in roles
             if (family is None or r.family == family)
             and (qualifications is None or r.qualifications_needed == qualifications)
             and (clinical is None or r.clinical == clinical)
             and (patient_facing is None or r.patient_facing == patient_facing)]
    return RoleList(count=len(roles), roles=[_summary(r) for r in roles])


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
