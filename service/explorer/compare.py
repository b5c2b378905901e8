"""Up to three roles side by side: the facts people weigh when choosing between jobs."""

from __future__ import annotations

from dataclasses import dataclass

from service import pay as pay_calc
from service.knowledge_base import KnowledgeBase
from service.schema import QUALIFICATION_LABELS, Role

MAX_COMPARE = 3


class CompareError(ValueError):
    """A request the compare page cannot show, with a message for the person."""


@dataclass
class CompareColumn:
    role: Role
    qualifications: str
    entry: list[str]
    routes: list[tuple[str, str]]        # (route id, title)
    training: str
    pay: list[str]                       # one line per band, base and London, with the year
    hours: str
    patterns: list[str]
    progression: list[tuple[str, str]]   # (role id, title)


def parse_ids(raw: list[str]) -> list[str]:
    """Accept ``ids=a,b,c`` as well as repeated ``ids=a&ids=b``; keep order, drop repeats."""
    ids: list[str] = []
    for part in raw:
        for rid in part.split(","):
            rid = rid.strip()
            if rid and rid not in ids:
                ids.append(rid)
    return ids


def pay_lines(kb: KnowledgeBase, role: Role) -> list[str]:
    year = kb.pay.current_year
    lines = [f"Band {line.band}: {pay_calc.band_range_text(line)} basic; about "
             f"{pay_calc.zone_range_text(line, 'inner')} in inner London ({year})"
             for line in pay_calc.band_lines(kb.pay, role)]
    if lines:
        return lines
    rates = [kb.pay.rate(r) for r in role.pay_rates]
    return [f"{r.label}: {pay_calc.money(r.amount)} {'an hour' if r.unit == 'hour' else 'a year'}"
            for r in rates if r] or ["Pay depends on the employer: check the job advert"]


def compare(kb: KnowledgeBase, ids: list[str]) -> list[CompareColumn]:
    if not ids:
        raise CompareError("Choose 2 or 3 jobs to compare.")
    if len(ids) > MAX_COMPARE:
        raise CompareError(f"You can compare up to {MAX_COMPARE} jobs at a time; you chose {len(ids)}.")
    unknown = [i for i in ids if kb.role(i) is None]
    if unknown:
        raise CompareError(f"No job with id: {', '.join(unknown)}.")
    columns = []
    for rid in ids:
        role = kb.role(rid)
        assert role is not None
        columns.append(CompareColumn(
            role=role,
            qualifications=QUALIFICATION_LABELS[role.qualifications_needed],
            entry=list(role.entry_requirements[:3]),
            routes=[(r, kb.records[r].title) for r in role.entry_routes if r in kb.records],
            training=role.training_time or "Not set: see the job page",
            pay=pay_lines(kb, role),
            hours=role.hours or "Varies by employer",
            patterns=list(role.working_patterns),
            progression=[(r, kb.records[r].title) for r in role.progression if r in kb.records],
        ))
    return columns
