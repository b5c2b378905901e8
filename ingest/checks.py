"""Whole-knowledge checks that one file's schema cannot see: links, duplicates, freshness, figures."""

from __future__ import annotations

import datetime as dt
import re

from ingest.load import Knowledge, Problem
from service.schema import BAND_ORDER, Programme, Role, Route

STALE_AFTER = dt.timedelta(days=548)  # 18 months
_BAND_IN_PROSE = re.compile(r"\bbands? (\d[abcd]?)(?:\s*(?:to|-|–|or|and)\s*(\d[abcd]?))?", re.I)
_POUNDS = re.compile(r"£\s?\d")


def _prose(record: Role | Route | Programme) -> list[tuple[str, str]]:
    fields = [("summary", record.summary), ("summary_simple", record.summary_simple),
              ("summary_first_steps", record.summary_first_steps)]
    if isinstance(record, Role):
        fields += [("day_in_the_job", record.day_in_the_job or ""), ("pay_note", record.pay_note or "")]
        fields += [(f"tasks.{i}", t) for i, t in enumerate(record.tasks)]
        fields += [(f"entry_requirements.{i}", t) for i, t in enumerate(record.entry_requirements)]
    return fields


def _check_links(k: Knowledge, problems: list[Problem]) -> None:
    kinds = {rid: r.kind for rid, r in k.records.items()}

    def want(record_id: str, field: str, targets: list[str], kind: str) -> None:
        for i, target in enumerate(targets):
            if kinds.get(target) != kind:
                problems.append(Problem(k.paths[record_id], record_id, f"{field}.{i}",
                                        f"links to unknown {kind} id '{target}'"))

    for rid, rec in k.records.items():
        if isinstance(rec, Role):
            if not rec.progression and not rec.top_role:
                problems.append(Problem(k.paths[rid], rid, "progression",
                                        "dead end: link at least one next role, or set top_role: true"))
            want(rid, "progression", rec.progression, "role")
            want(rid, "entry_from", rec.entry_from, "role")
            want(rid, "entry_routes", rec.entry_routes, "route")
            for i, rate in enumerate(rec.pay_rates):
                if k.pay is not None and k.pay.rate(rate) is None:
                    problems.append(Problem(k.paths[rid], rid, f"pay_rates.{i}",
                                            f"unknown rate id '{rate}' in knowledge/pay.yaml"))
        else:
            want(rid, "leads_to", rec.leads_to, "role")
    if k.explore is not None:
        for i, interest in enumerate(k.explore.interests):
            for j, target in enumerate(interest.roles):
                if kinds.get(target) != "role":
                    problems.append(Problem("knowledge/explore.yaml", interest.id,
                                            f"interests.{i}.roles.{j}", f"links to unknown role id '{target}'"))
        _check_past_jobs(k, problems)
    past_jobs = {job.id for job in k.explore.past_jobs} if k.explore else set()
    for code, pack in k.languages.items():
        for target in pack.names:
            if target not in kinds:
                problems.append(Problem(f"knowledge/languages/{code}.yaml", code, f"names.{target}",
                                        f"unknown record id '{target}'"))
        for target in pack.past_jobs:
            if target not in past_jobs:
                problems.append(Problem(f"knowledge/languages/{code}.yaml", code, f"past_jobs.{target}",
                                        f"unknown past job id '{target}' (see knowledge/explore.yaml)"))


def _check_past_jobs(k: Knowledge, problems: list[Problem]) -> None:
    """A first choice must be a role naming the job by its picker label, or the match would quietly
    drop it. (Roles may also name jobs outside the picker, for typed-in jobs.)"""
    named: dict[str, set[str]] = {}
    for role in k.roles:
        for label in role.previous_jobs:
            named.setdefault(label.casefold(), set()).add(role.id)
    for i, job in enumerate(k.explore.past_jobs):
        for j, target in enumerate(job.first_choices):
            if target not in named.get(job.label.casefold(), set()):
                problems.append(Problem("knowledge/explore.yaml", job.id, f"past_jobs.{i}.first_choices.{j}",
                                        f"role '{target}' does not name '{job.label}' in its previous_jobs"))


def _check_prose_figures(rec: Role | Route | Programme, path: str, problems: list[Problem]) -> None:
    for field, text in _prose(rec):
        if _POUNDS.search(text):
            problems.append(Problem(path, rec.id, field,
                                    "£ figures belong in knowledge/pay.yaml, not in prose"))
        if not isinstance(rec, Role):
            continue
        allowed = set(rec.afc_band.bands()) if rec.afc_band else set()
        for match in _BAND_IN_PROSE.finditer(text):
            for band in filter(None, match.groups()):
                if band.lower() in BAND_ORDER and band.lower() not in allowed:
                    problems.append(Problem(path, rec.id, field,
                                            f"mentions band {band} but afc_band is "
                                            f"{rec.afc_band.label() if rec.afc_band else 'not set'}"))


def check_knowledge(k: Knowledge, today: dt.date | None = None, links: bool = True) -> list[Problem]:
    """Return every cross-record problem; an empty list means the knowledge is publishable."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    if links:
        _check_links(k, problems)
    seen_titles: dict[str, str] = {}
    for rid, rec in k.records.items():
        path = k.paths[rid]
        key = f"{rec.kind}:{rec.title.casefold()}"
        if key in seen_titles:
            problems.append(Problem(path, rid, "title", f"duplicate title, also '{seen_titles[key]}'"))
        seen_titles[key] = rid
        if today - rec.last_reviewed > STALE_AFTER:
            problems.append(Problem(path, rid, "last_reviewed",
                                    f"{rec.last_reviewed} is older than 18 months"))
        if rec.last_reviewed > today:
            problems.append(Problem(path, rid, "last_reviewed", "is in the future"))
        _check_prose_figures(rec, path, problems)
    if k.glossary is not None:
        seen: set[str] = set()
        for i, term in enumerate(k.glossary.terms):
            if term.term.casefold() in seen:
                problems.append(Problem("knowledge/glossary.yaml", term.term, f"terms.{i}",
                                        "duplicate term"))
            seen.add(term.term.casefold())
    if k.explore is not None:
        for name, items in (("past_jobs", k.explore.past_jobs), ("interests", k.explore.interests)):
            ids = [item.id for item in items]
            for i, item_id in enumerate(ids):
                if item_id in ids[:i]:
                    problems.append(Problem("knowledge/explore.yaml", item_id, f"{name}.{i}", "duplicate id"))
    return problems
