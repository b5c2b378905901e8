"""The match set: previous jobs and the roles a careers adviser would suggest; precision@5 of /match."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console
from rich.table import Table

from evals.gold import gold_items
from service.explorer.core import Explorer

# Issue #4's bar. The gold cases were written before, and apart from, the knowledge's first_choices.
MATCH_GATE = 0.8


class MatchCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    job: str = Field(min_length=1, max_length=200)
    expected: list[str] = Field(min_length=1)
    interests: list[str] = Field(default_factory=list)
    note: str | None = None


def load_cases(folder: Path) -> list[MatchCase]:
    return [case for _, _, case in gold_items(folder, MatchCase, "case")]


def run_match(explorer: Explorer, folder: Path, console: Console) -> dict:
    cases = load_cases(folder)
    known = {r.id for r in explorer.kb.roles}
    rows, precisions, unknown = [], [], []
    for case in cases:
        unknown += [(case.id, e) for e in case.expected if e not in known]
        result = explorer.match(case.job, case.interests, limit=5)
        top = [r.role.id for r in result.ranked]
        # Precision over five places; a short expected list cannot reach 1.0, so lists have >= 5 ids.
        precision = len(set(top) & set(case.expected)) / 5
        precisions.append(precision)
        rows.append({"id": case.id, "job": case.job, "understood_as": result.past_job.id
                     if result.past_job else None, "top5": top, "expected": case.expected,
                     "precision@5": precision})
    mean = round(sum(precisions) / len(precisions), 3) if precisions else 0.0
    table = Table(title=f"'I used to work as' match on {len(cases)} previous jobs")
    for col in ("measure", "value"):
        table.add_column(col)
    table.add_row("precision@5", f"{mean:.3f}")
    table.add_row("cases with 0 or 1 of 5 right", str(sum(p <= 0.2 for p in precisions)))
    table.add_row("job understood from the list", f"{sum(r['understood_as'] is not None for r in rows)}"
                  f" of {len(rows)}")
    console.print(table)
    return {"precision@5": mean, "cases": len(cases), "unknown": unknown, "rows": rows}
