"""Request and response models of the HTTP API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from service.intent import find_borough
from service.schema import BOROUGHS

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


class RoleSummary(BaseModel):
    id: str
    title: str
    family: str
    afc_band: str | None
    qualifications_needed: str
    url: str


class RoleList(BaseModel):
    count: int
    roles: list[RoleSummary]
