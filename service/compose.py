"""Compose grounded answers from structured records. Every fact comes from a cited record."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from service import compose_plain as plain
from service.explorer.pathway_map import step_needs
from service.knowledge_base import KnowledgeBase
from service.pay import band_lines, band_range_text, money, zone_for, zone_range_text
from service.schema import QUALIFICATION_LABELS, AnyRecord, GlossaryTerm, Programme, Role, Route

Level = Literal["standard", "simple", "first-steps"]


@dataclass
class Composed:
    text: str
    used: list[AnyRecord] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def summary(record: AnyRecord, level: Level) -> str:
    if level == "simple":
        return record.summary_simple
    if level == "first-steps":
        return record.summary_first_steps
    return record.summary


def _bullets(items: list[str], limit: int) -> str:
    return "\n".join(f"- {item}" for item in items[:limit])


def pay_text(kb: KnowledgeBase, role: Role, borough: str | None = None, level: Level = "standard") -> str:
    pay = kb.pay
    if level in plain.PLAIN_LEVELS:
        return plain.pay_text(kb, role, borough, zone_for(pay, borough))
    year = pay.current_year
    lines = band_lines(pay, role)
    if not lines:
        parts = [f"{role.title}: we don't list an NHS Agenda for Change band for this job, because "
                 "pay depends on the employer." if role.afc_band is None else
                 f"{role.title}: usually {role.afc_band.label()} on Agenda for Change."]
        for rate_id in role.pay_rates:
            rate = pay.rate(rate_id)
            if rate:
                unit = "an hour" if rate.unit == "hour" else "a year"
                parts.append(f"- {rate.label}: {money(rate.amount)} {unit} "
                             f"(from {rate.applies_from:%B %Y}).")
        if role.pay_note:
            parts.append(role.pay_note)
        if len(parts) == 1:
            parts.append("Check the pay on the job advert.")
        return "\n".join(parts)
    zone = zone_for(pay, borough)
    label = role.afc_band.label() if role.afc_band else ""
    parts = [f"{role.title}: {label} on Agenda for Change. NHS pay for {year} (England, full time):"]
    for line in lines:
        parts.append(f"- Band {line.band}: {band_range_text(line)} a year basic pay.")
    pcts = {z.zone: z.percent for z in pay.hcas.zones}
    first = lines[0]
    if zone in ("inner", "outer"):
        parts.append(f"In {borough} ({zone} London) the High Cost Area Supplement adds about "
                     f"{pcts[zone]}% of basic pay, so band {first.band} comes to about "
                     f"{zone_range_text(first, zone)} a year.")
    else:
        parts.append(f"In London you also get the High Cost Area Supplement: about {pcts['inner']}% "
                     f"of basic pay in inner London and {pcts['outer']}% in outer London. For band "
                     f"{first.band} that is about {zone_range_text(first, 'inner')} (inner) or "
                     f"{zone_range_text(first, 'outer')} (outer) a year.")
    parts.append("The supplement has a set minimum and maximum, so check the figure on the job advert.")
    if role.pay_note:
        parts.append(role.pay_note)
    return "\n".join(parts)


def general_pay_text(kb: KnowledgeBase, level: Level = "standard") -> str:
    """Pay in general: the main bands of the current table and the London supplement shares."""
    if level in plain.PLAIN_LEVELS:
        return plain.general_pay_text(kb)
    table = kb.pay.table()
    pcts = {z.zone: z.percent for z in kb.pay.hcas.zones}
    rows = [f"- Band {b.band}: from {money(b.entry)} a year" for b in table.bands
            if b.verified and b.band in ("2", "3", "4", "5", "6", "7")]
    return "\n".join([f"NHS jobs are paid on Agenda for Change bands. Basic pay for {table.year} "
                      "(England, full time):", *rows,
                      f"In London, the High Cost Area Supplement adds about {pcts['inner']}% (inner "
                      f"London) or {pcts['outer']}% (outer London) of basic pay, within a set minimum "
                      "and maximum."])


def role_about(kb: KnowledgeBase, role: Role, level: Level) -> str:
    if level in plain.PLAIN_LEVELS:
        return plain.role_about(kb, role, level)
    n = 3 if level != "standard" else 5
    band = role.afc_band.label() if role.afc_band else "set by the employer"
    text = [f"{role.title}", summary(role, level), "What you do:", _bullets(role.tasks, n),
            f"Qualifications to start: {QUALIFICATION_LABELS[role.qualifications_needed]}. "
            f"Pay: {band} ({kb.pay.current_year})."]
    if role.other_titles and level == "standard":
        text.insert(1, f"Also called: {', '.join(role.other_titles[:4])}.")
    return "\n".join(text)


def role_entry(kb: KnowledgeBase, role: Role, level: Level) -> str:
    if level in plain.PLAIN_LEVELS:
        return plain.role_entry(kb, role, level)
    n = 3 if level != "standard" else 5
    parts = [f"How to become {plain.a_or_an(role.title)}",
             f"Qualifications to start: {QUALIFICATION_LABELS[role.qualifications_needed]}.",
             _bullets(role.entry_requirements, n)]
    routes = kb.titles(role.entry_routes)
    if routes:
        parts.append("Ways in: " + "; ".join(routes) + ".")
    if role.training_time:
        parts.append(f"Training: {role.training_time}.")
    if role.registration:
        parts.append(f"You must register with: {role.registration}.")
    return "\n".join(parts)


def first_sentence(text: str) -> str:
    end = re.search(r"(?<=[.!?])\s", text)
    return text[: end.start()] if end else text


def _step_line(kb: KnowledgeBase, role: Role) -> str:
    return f"- {role.title}: {first_sentence(role.summary)} Way in: {step_needs(kb, role)}."


def role_progression(kb: KnowledgeBase, role: Role, level: Level = "standard") -> str:
    """Where a job leads: each next job in a line, with what moving into it asks."""
    if level in plain.PLAIN_LEVELS:
        return plain.role_progression(kb, role, level)
    steps = [r for r in map(kb.role, role.progression) if r is not None][:5]
    came = kb.titles(role.entry_from, 6)
    parts = [f"Career steps for {plain.a_or_an(role.title)}"]
    if steps:
        parts += ["Where you can go next:", *(_step_line(kb, step) for step in steps)]
    else:
        parts.append("Where you can go next: senior and specialist posts in the same area.")
    if came:
        parts.append("People often come to this job from: " + "; ".join(came) + ".")
    return "\n".join(parts)


def career_path_text(kb: KnowledgeBase, path: list[Role], level: Level = "standard") -> str:
    """From the job someone has to the one they want, by the usual moves between jobs."""
    if level in plain.PLAIN_LEVELS:
        return plain.career_path_text(kb, path, level)
    start, goal = path[0], path[-1]
    parts = [f"From {start.title} to {goal.title}"]
    if len(path) == 2:
        parts.append(f"{goal.title} is a usual next step for {plain.a_or_an(start.title)}.")
    else:
        parts.append("A usual path: " + " → ".join(r.title for r in path) + ".")
        parts += ["The steps:", *(_step_line(kb, step) for step in path[1:-1])]
    parts += [f"About the {goal.title} job: {first_sentence(goal.summary)}",
              f"Qualifications to start: {QUALIFICATION_LABELS[goal.qualifications_needed]}.",
              f"Way in: {step_needs(kb, goal)}."]
    if goal.training_time:
        parts.append(f"Training: {goal.training_time}.")
    return "\n".join(parts)


def route_text(route: Route, level: Level) -> str:
    if level in plain.PLAIN_LEVELS:
        return plain.route_text(route, level)
    parts = [route.title, summary(route, level)]
    if route.status == "closed":
        parts.append(f"This scheme is closed (since {route.closed_on:%B %Y}). Instead: {route.replaced_by}")
    if route.length:
        parts.append(f"Length: {route.length}.")
    if route.eligibility:
        parts.append("Who can do it:\n" + _bullets(route.eligibility, 4))
    parts.append("How to apply:\n" + _bullets(route.how_to_apply, 3))
    return "\n".join(parts)


def programme_text(p: Programme, level: Level, borough: str | None = None) -> str:
    if level in plain.PLAIN_LEVELS:
        return plain.programme_text(p, level, borough)
    status = {"current": "", "closed": " (now closed)", "unknown": " (check it is still running)"}
    boroughs = "all of London" if len(p.boroughs) >= 30 else ", ".join(p.boroughs)
    return "\n".join([f"{p.title}{status[p.status]}", summary(p, level),
                      "What it offers:\n" + _bullets(p.offers, 4), f"Where: {boroughs}.",
                      f"How to join: {p.how_to_join}"])


def term_text(term: GlossaryTerm, level: Level) -> str:
    definition = term.definition if level == "standard" else term.definition_simple
    also = f" (also: {', '.join(term.also)})" if term.also else ""
    return f"{term.term}{also}: {definition}"


def record_text(kb: KnowledgeBase, record: AnyRecord, level: Level) -> str:
    if isinstance(record, Role):
        return role_about(kb, record, level)
    if isinstance(record, Route):
        return route_text(record, level)
    return programme_text(record, level)


def compare_text(kb: KnowledgeBase, roles: list[Role], level: Level = "standard") -> str:
    if level in plain.PLAIN_LEVELS:
        return plain.compare_text(kb, roles, level)
    parts = ["Side by side:"]
    for role in roles[:3]:
        lines = band_lines(kb.pay, role)
        pay = (f"{role.afc_band.label()}, from {money(lines[0].entry)} a year basic ({kb.pay.current_year})"
               if role.afc_band and lines else "set by the employer")
        parts.append(f"- {role.title}: {QUALIFICATION_LABELS[role.qualifications_needed].lower()}; "
                     f"training: {role.training_time or 'on the job'}; pay: {pay}.")
    return "\n".join(parts)


def suggestions_for(record: AnyRecord | None, borough: str | None) -> list[str]:
    if isinstance(record, Role):
        where = f" in {borough}" if borough else " in London"
        return [f"How do I become a {record.title.lower()}?",
                f"How much does a {record.title.lower()} earn{where}?",
                f"What can a {record.title.lower()} move on to?"]
    if isinstance(record, Route):
        return [f"Who can do {record.title}?", "Which jobs need no qualifications?"]
    return ["What jobs need no qualifications?", "What is an apprenticeship?",
            "Where can I get help finding a job in Hackney?"]
