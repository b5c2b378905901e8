"""The explorer's JSON API: filtered role lists, compare, pathway maps, previous-job match and quiz."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from service.deps import ReadyDep
from service.explorer.compare import CompareError, parse_ids
from service.explorer.core import UnknownChoice
from service.explorer.filters import StrictRoleFilters
from service.explorer.quiz import QuizAnswers, QuizQuestion
from service.explorer.ranking import RankedRole
from service.models import (
    CompareResponse,
    CompareRole,
    Link,
    MatchRequest,
    MatchResponse,
    PastJobOut,
    PathwayEdge,
    PathwayNode,
    PathwayResponse,
    QuizResponse,
    Reasoned,
    RoleList,
    RoleSummary,
)
from service.schema import Role, record_url

router = APIRouter(prefix="/api", tags=["explorer"])
BAD = {422: {"description": "Invalid request; the message says which value is wrong"}}


def summary(role: Role) -> RoleSummary:
    return RoleSummary(id=role.id, title=role.title, family=role.family,
                       afc_band=role.afc_band.label() if role.afc_band else None,
                       qualifications_needed=role.qualifications_needed, clinical=role.clinical,
                       patient_facing=role.patient_facing,
                       apprenticeship_available=role.apprenticeship_available,
                       working_patterns=list(role.working_patterns), url=record_url("role", role.id))


def _link(kind: str, rid: str, title: str) -> Link:
    return Link(id=rid, title=title, url=record_url(kind, rid))


def _reasoned(items: list[RankedRole]) -> list[Reasoned]:
    return [Reasoned(role=summary(i.role), score=round(i.score, 3), reasons=i.reasons) for i in items]


@router.get("/roles", response_model=RoleList, responses=BAD)
def list_roles(ready: ReadyDep, filters: Annotated[StrictRoleFilters, Query()]) -> RoleList:
    """Roles filtered by any mix of filters, with counts per filter value. Search results come in
    relevance order, otherwise A to Z."""
    listing = ready.explorer.list_roles(filters)
    return RoleList(count=len(listing.roles), total=listing.total, closest=listing.closest,
                    facets=listing.facets, roles=[summary(r) for r in listing.roles])


@router.get("/compare", response_model=CompareResponse,
            responses={400: {"description": "Too many, too few or unknown role ids"}})
def compare_roles(ready: ReadyDep, ids: Annotated[list[str], Query(
        max_length=10, description="Role ids, comma-separated or repeated: up to 3.")]) -> CompareResponse:
    """Up to three roles side by side: entry, training, pay in London, hours and progression."""
    try:
        columns = ready.explorer.compare(parse_ids(ids))
    except CompareError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    return CompareResponse(roles=[CompareRole(
        role=summary(c.role), qualifications=c.qualifications, entry_requirements=c.entry,
        routes=[_link("route", rid, t) for rid, t in c.routes], training_time=c.training, pay=c.pay,
        hours=c.hours, progression=[_link("role", rid, t) for rid, t in c.progression])
        for c in columns])


@router.get("/pathways/{role_id}", response_model=PathwayResponse,
            responses={404: {"description": "No such role"}})
def pathway(role_id: str, ready: ReadyDep) -> PathwayResponse:
    """The career pathway map around a role: where people come from and where it can lead."""
    found = ready.explorer.pathway_map(role_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no role with id '{role_id}'")
    return PathwayResponse(
        role=_link("role", found.role.id, found.role.title),
        nodes=[PathwayNode(id=n.id, title=n.title, url=record_url("role", n.id), step=n.step, band=n.band)
               for n in found.nodes],
        edges=[PathwayEdge(source=e.source, target=e.target, needs=e.needs) for e in found.edges])


@router.post("/match", response_model=MatchResponse, responses=BAD)
def match(request: MatchRequest, ready: ReadyDep) -> MatchResponse:
    """Roles for someone's previous job (and optional interests), each with its reasons."""
    try:
        result = ready.explorer.match(request.job, request.interests, request.limit)
    except UnknownChoice as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    job = PastJobOut(id=result.past_job.id, label=result.past_job.label) if result.past_job else None
    return MatchResponse(job=job, results=_reasoned(result.ranked))


@router.get("/quiz", response_model=list[QuizQuestion])
def quiz_questions(ready: ReadyDep) -> list[QuizQuestion]:
    """The quiz questions and their allowed answers."""
    return ready.explorer.quiz_questions()


@router.post("/quiz", response_model=QuizResponse, responses=BAD)
def quiz(answers: QuizAnswers, ready: ReadyDep) -> QuizResponse:
    """Top roles for a set of quiz answers, each with the reasons."""
    try:
        return QuizResponse(results=_reasoned(ready.explorer.quiz(answers)))
    except UnknownChoice as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
