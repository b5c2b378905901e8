"""Read-only access to the knowledge records."""

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from service.deps import ReadyDep
from service.schema import Programme, Role, Route

Level = Literal["standard", "simple", "first-steps"]


class GlossaryEntry(BaseModel):
    id: str = Field(description="The term's anchor on /glossary.")
    term: str
    also: list[str] = Field(description="Other names that mean the same term.")
    definition: str = Field(description="The definition at the requested reading level.")


class GlossaryList(BaseModel):
    level: Level
    terms: list[GlossaryEntry]

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


@router.get("/glossary", response_model=GlossaryList, responses={422: {"description": "Unknown level"}})
def get_glossary(ready: ReadyDep,
                 level: Annotated[Level, Query(description="Reading level of the definitions")] = "standard",
                 ) -> GlossaryList:
    """Every glossary term with its other names, defined at one reading level (the chat marks terms
    in answers with this). Both plain levels use the simple definition, as on the pages."""
    return GlossaryList(level=level, terms=[
        GlossaryEntry(id=slug, term=t.term, also=list(t.also),
                      definition=t.definition if level == "standard" else t.definition_simple)
        for slug, t in ready.kb.terms.items()])
