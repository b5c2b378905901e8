"""Shared pieces of the match and quiz rankings: a scored role with its reasons, stably ordered."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.schema import Explore, Role

# How easy a role is to start for someone new to health and care (no degree yet).
EASE = {"none": 2.0, "gcse": 1.5, "level3": 0.5, "degree": 0.0, "postgraduate": 0.0}
QUALIFICATION_ORDER = ("none", "gcse", "level3", "degree", "postgraduate")


@dataclass
class RankedRole:
    role: Role
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: float, reason: str | None = None) -> None:
        self.score += points
        if reason and reason not in self.reasons:
            self.reasons.append(reason)


def ordered(items: list[RankedRole], limit: int) -> list[RankedRole]:
    """Highest score first; equal scores by title, so the same answers always give the same list."""
    return sorted(items, key=lambda r: (-round(r.score, 6), r.role.title))[:limit]


def ease_reason(role: Role) -> str | None:
    if role.qualifications_needed == "none":
        return "No qualifications needed to start"
    if role.qualifications_needed == "gcse":
        return "You can start with GCSEs (or equivalent)"
    return None


def interest_fit(explore: Explore, interest_ids: list[str], role: Role) -> list[str]:
    """Labels of the chosen interests this role fits, by its family or by name."""
    return [i.label for i in explore.interests
            if i.id in interest_ids and (role.family in i.families or role.id in i.roles)]
