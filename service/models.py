"""Request and response models of the HTTP API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from service.intent import find_borough
from service.schema import BOROUGHS
from service.sites import SiteId

Level = Literal["standard", "simple", "first-steps"]


class ChatTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: Annotated[str, StringConstraints(max_length=4000)]


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)] = Field(
        description="The question, 1 to 2000 characters.")
    history: list[ChatTurn] = Field(default_factory=list, max_length=20,
                                    description="Earlier turns, oldest first (at most 20).")
    level: Level = Field("standard", description="Reading level of the answer.")
    borough: str | None = Field(None, description="A London borough, to localise pay and help.")
    site: SiteId | None = Field(
        None, description="The embedding site's id (the widget's data-pathways-site); omit on "
                          "Pathways' own pages.")

    @field_validator("message")
    @classmethod
    def _printable(cls, value: str) -> str:
        if any(ord(c) < 32 and c not in "\n\t\r" for c in value):
            raise ValueError("message contains control characters")
        return value

    @field_validator("borough")
    @classmethod
    def _known_borough(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        found = find_borough(value)
        if found is None or len(value) > 40:
            raise ValueError(f"unknown borough; use one of: {', '.join(BOROUGHS)}")
        return found


class SourcePublic(BaseModel):
    id: str
    kind: Literal["role", "route", "programme", "term", "pay"]
    title: str
    url: str


class ChatResponse(BaseModel):
    answer: str
    sources: list[SourcePublic]
    suggestions: list[str]
    in_scope: bool
    intent: str = Field(description="What the question was understood to ask.")
    language: str | None = Field(None, description="ISO 639-1 code of the question's language when it "
                                 "is not English; the answer is then in simple English.")
    rephrased: bool = Field(False, description="True when an optional LLM reworded the grounded answer "
                            "and its wording passed the figure checks.")
    feedback_id: str | None = Field(None, description="Id to send with 👍/👎 feedback; set only when "
                                    "the embedding site has opted in to the adviser view.")


FeedbackReason = Literal["inaccurate", "incomplete", "too-hard", "irrelevant", "other"]


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site: SiteId
    feedback_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    vote: Literal["up", "down"]
    reason: FeedbackReason | None = Field(None, description="Why the answer was not helpful (👎 only).")
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class HandoffPublic(BaseModel):
    label: str
    url: str | None
    phone: str | None


class SitePublic(BaseModel):
    id: str
    name: str
    colour: str
    greeting: str
    level: Literal["standard", "simple"]
    borough: str | None
    starters: list[str]
    handoff: HandoffPublic | None
    feedback: bool = Field(description="Whether answers offer 👍/👎 (the site records questions).")
    base_url: str = Field(description="Where Pathways is served; links in answers are relative to it.")


class RoleSummary(BaseModel):
    id: str
    title: str
    family: str
    afc_band: str | None
    qualifications_needed: str
    clinical: bool
    patient_facing: bool
    apprenticeship_available: bool
    working_patterns: list[str]
    url: str


class RoleList(BaseModel):
    count: int = Field(description="Roles matching every filter.")
    total: int = Field(description="Roles considered before the filters (after any search words).")
    closest: bool = Field(description="True when no role contained the search words, so the nearest "
                                      "roles by meaning are listed instead.")
    facets: dict[str, dict[str, int]] = Field(
        description="For each filter, how many roles each value would give with the other filters kept.")
    roles: list[RoleSummary]


class Link(BaseModel):
    id: str
    title: str
    url: str


class CompareRole(BaseModel):
    role: RoleSummary
    qualifications: str
    entry_requirements: list[str]
    routes: list[Link]
    training_time: str
    pay: list[str] = Field(description="Pay lines with the year they apply to.")
    hours: str
    progression: list[Link]


class CompareResponse(BaseModel):
    roles: list[CompareRole]


class PathwayNode(BaseModel):
    id: str
    title: str
    url: str
    step: int = Field(description="0 is the role asked about; negative steps come before it.")
    band: str | None


class PathwayEdge(BaseModel):
    source: str
    target: str
    needs: str = Field(description="What moving into the target role asks of you.")


class PathwayResponse(BaseModel):
    role: Link
    nodes: list[PathwayNode]
    edges: list[PathwayEdge]


class MatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        description="A previous job: an id from the picker, or words such as 'I worked in a shop'.")
    interests: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=list, max_length=20, description="Interest ids from the quiz (optional).")
    limit: int = Field(10, ge=1, le=20)


class Reasoned(BaseModel):
    role: RoleSummary
    score: float
    reasons: list[str] = Field(description="Why the role is on the list, in plain words.")


class PastJobOut(BaseModel):
    id: str
    label: str


class MatchResponse(BaseModel):
    job: PastJobOut | None = Field(description="The listed job the words were understood as, if any.")
    results: list[Reasoned]


class QuizResponse(BaseModel):
    results: list[Reasoned]
