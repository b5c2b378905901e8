"""Filter the role list with facets that combine, and count what each facet value would give."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from service.retrieval import HybridRetriever, normalise, tokens
from service.schema import BAND_ORDER, FAMILY_LABELS, Band, Family, Qualification, Role, WorkingPattern


def _blank_is_none(value: object) -> object:
    # HTML forms send "" for "any"; treat it as no filter rather than an error.
    return None if value == "" else value


def _drop_blanks(value: object) -> object:
    return [v for v in value if v != ""] if isinstance(value, list) else value


YesNo = Annotated[bool | None, BeforeValidator(_blank_is_none)]
OptionalBand = Annotated[Band | None, BeforeValidator(_blank_is_none)]


class RoleFilters(BaseModel):
    """Every filter is optional; values within one filter widen (OR), different filters narrow (AND)."""

    q: Annotated[str | None, BeforeValidator(_blank_is_none)] = Field(
        None, max_length=200, description="Words to search for in job titles and descriptions.")
    family: Annotated[list[Family], BeforeValidator(_drop_blanks)] = Field(
        default_factory=list, description="Job families.")
    clinical: YesNo = Field(None, description="true: clinical jobs only; false: non-clinical only.")
    patient_facing: YesNo = Field(None, description="true: working with patients; false: away from them.")
    qualifications: Annotated[list[Qualification], BeforeValidator(_drop_blanks)] = Field(
        default_factory=list, description="Qualifications needed to start.")
    apprenticeship: YesNo = Field(None, description="true: an apprenticeship route exists.")
    band_min: OptionalBand = Field(None, description="Lowest Agenda for Change band.")
    band_max: OptionalBand = Field(None, description="Highest Agenda for Change band.")
    patterns: Annotated[list[WorkingPattern], BeforeValidator(_drop_blanks)] = Field(
        default_factory=list, description="Working patterns, e.g. part-time, shifts.")

    def active(self) -> bool:
        return bool(self.q or self.family or self.clinical is not None or self.patient_facing is not None
                    or self.qualifications or self.apprenticeship is not None or self.band_min
                    or self.band_max or self.patterns)


class StrictRoleFilters(RoleFilters):
    """The API's filters: a misspelt filter ("famly=") is an error that names the allowed ones,
    not a silent no-op that returns every role. Pages stay lenient (links carry tracking params)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _known_names(cls, data: object) -> object:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(RoleFilters.model_fields))
            if unknown:
                raise ValueError(f"unknown filter {', '.join(repr(u[:40]) for u in unknown[:5])}; "
                                 f"use: {', '.join(RoleFilters.model_fields)}")
        return data


@dataclass
class RoleListing:
    roles: list[Role]
    facets: dict[str, dict[str, int]]
    total: int
    closest: bool  # no role contained the search words, so the nearest roles are shown instead


def _band_test(low: str | None, high: str | None) -> Callable[[Role], bool]:
    lo = BAND_ORDER.index(low) if low else 0
    hi = BAND_ORDER.index(high) if high else len(BAND_ORDER) - 1

    def test(role: Role) -> bool:
        if role.afc_band is None:
            return False
        return BAND_ORDER.index(role.afc_band.low) <= hi and BAND_ORDER.index(role.afc_band.high) >= lo
    return test


def _predicates(f: RoleFilters) -> dict[str, Callable[[Role], bool]]:
    tests: dict[str, Callable[[Role], bool]] = {}
    if f.family:
        tests["family"] = lambda r: r.family in f.family
    if f.clinical is not None:
        tests["clinical"] = lambda r: r.clinical == f.clinical
    if f.patient_facing is not None:
        tests["patient_facing"] = lambda r: r.patient_facing == f.patient_facing
    if f.qualifications:
        tests["qualifications"] = lambda r: r.qualifications_needed in f.qualifications
    if f.apprenticeship is not None:
        tests["apprenticeship"] = lambda r: r.apprenticeship_available == f.apprenticeship
    if f.band_min or f.band_max:
        tests["band"] = _band_test(f.band_min, f.band_max)
    if f.patterns:
        tests["patterns"] = lambda r: any(p in r.working_patterns for p in f.patterns)
    return tests


def _facet_values(role: Role) -> dict[str, list[str]]:
    return {
        "family": [role.family],
        "clinical": ["true" if role.clinical else "false"],
        "patient_facing": ["true" if role.patient_facing else "false"],
        "qualifications": [role.qualifications_needed],
        "apprenticeship": ["true" if role.apprenticeship_available else "false"],
        "band": role.afc_band.bands() if role.afc_band else [],
        "patterns": list(role.working_patterns),
    }


FACETS = ("family", "clinical", "patient_facing", "qualifications", "apprenticeship", "band", "patterns")


def searchable_words(role: Role) -> set[str]:
    text = " ".join([role.title, *role.other_titles, FAMILY_LABELS[role.family], role.summary,
                     *role.tasks, *role.skills])
    return set(tokens(normalise(text)))


def _text_search(roles: list[Role], q: str, retriever: HybridRetriever,
                 words_of: dict[str, set[str]]) -> tuple[list[Role], bool]:
    """Roles containing every search word (ordered by relevance), else the nearest roles by meaning."""
    words = tokens(normalise(q))
    ranked = [h.record_id for h in retriever.search(q, k=len(roles), kinds=["role"])]
    rank = {rid: i for i, rid in enumerate(ranked)}
    if words:
        hits = [r for r in roles
                if all(any(t.startswith(w) for t in words_of[r.id]) for w in words)]
        if hits:
            return sorted(hits, key=lambda r: (rank.get(r.id, len(rank)), r.title)), False
    by_id = {r.id: r for r in roles}
    return [by_id[rid] for rid in ranked[:10] if rid in by_id], True


def filter_roles(roles: list[Role], f: RoleFilters, retriever: HybridRetriever,
                 words_of: dict[str, set[str]]) -> RoleListing:
    """``words_of`` maps role id to ``searchable_words(role)``, worked out once at start-up."""
    closest = False
    if f.q and f.q.strip():
        roles, closest = _text_search(roles, f.q, retriever, words_of)
    tests = _predicates(f)
    matching = [r for r in roles if all(test(r) for test in tests.values())]
    facets: dict[str, dict[str, int]] = {}
    values = {r.id: _facet_values(r) for r in roles}
    for facet in FACETS:
        # Standard faceted search: a facet's counts ignore its own selection, so they show what
        # ticking another value would add.
        others = [t for name, t in tests.items() if name != facet]
        counts: dict[str, int] = {}
        for role in roles:
            if all(t(role) for t in others):
                for value in values[role.id][facet]:
                    counts[value] = counts.get(value, 0) + 1
        facets[facet] = counts
    return RoleListing(matching, facets, len(roles), closest)
