"""Answers at the two plain reading levels: `simple` (ESOL Entry 3 / CEFR B1) and `first-steps`
(Entry 1-2). Built from the same structured fields as the standard answers, plus each record's
own plain summaries: short sentences, one idea each, figures exactly as in the standard answer."""

from __future__ import annotations

from service.knowledge_base import KnowledgeBase
from service.pay import band_lines, band_range_text, money, zone_range_text
from service.schema import AnyRecord, Programme, Role, Route

PLAIN_LEVELS = ("simple", "first-steps")

# What each qualification level means, in words a learner knows; jargon explained in brackets once.
QUALIFICATIONS: dict[str, dict[str, str]] = {
    "simple": {
        "none": "You do not need any exams to start.",
        "gcse": "You need GCSEs (school exams), often in English and maths.",
        "level3": "You need A levels or a Level 3 course (college study after school).",
        "degree": "You need a degree (a university course).",
        "postgraduate": "You need a degree and then more study at university.",
    },
    "first-steps": {
        "none": "You do not need exams.",
        "gcse": "You need school exams.",
        "level3": "You need college exams.",
        "degree": "You need to go to university.",
        "postgraduate": "You need a lot of study.",
    },
}


def a_or_an(title: str) -> str:
    """The article for a job title: "an Adult nurse", "an ODP", "a Nurse"."""
    vowel = title[:1].lower() in "aeiou" or (title[:2].isupper() and title[:1] in "AEFHILMNORSX")
    return f"{'an' if vowel else 'a'} {title}"


def summary(record: AnyRecord, level: str) -> str:
    return record.summary_first_steps if level == "first-steps" else record.summary_simple


def qualification(role: Role, level: str) -> str:
    return QUALIFICATIONS[level][role.qualifications_needed]


def _band(role: Role) -> str:
    return f"NHS pay {role.afc_band.label()}." if role.afc_band else "The employer sets the pay."


def role_about(kb: KnowledgeBase, role: Role, level: str) -> str:
    parts = [f"{role.title}.", summary(role, level)]
    if level == "simple":
        parts += ["What you do:", *(f"- {task.rstrip('.')}." for task in role.tasks[:2])]
    parts += [qualification(role, level), f"{_band(role)} ({kb.pay.current_year})"]
    return "\n".join(parts)


def role_entry(kb: KnowledgeBase, role: Role, level: str) -> str:
    parts = [f"How to become {a_or_an(role.title)}.", qualification(role, level)]
    routes = kb.titles(role.entry_routes, 3)
    if routes:
        parts.append("Ways to start:" if level == "simple" else "Ways in:")
        parts += [f"- {title}." for title in routes]
    if role.apprenticeship_available:
        parts.append("You can learn and get paid at the same time (an apprenticeship)."
                     if level == "simple" else "You can learn and get paid.")
    if role.training_time and level == "simple":
        parts.append(f"Training: {role.training_time}.")
    if role.registration:
        parts.append("You must join a list of approved staff (registration)." if level == "simple"
                     else "You must register.")
    return "\n".join(parts)


def role_progression(kb: KnowledgeBase, role: Role, level: str) -> str:
    steps = [r for r in map(kb.role, role.progression) if r is not None][:4]
    lead = "Later, you can become:" if level == "simple" else "Next jobs:"
    if not steps:
        return f"{role.title}.\nYou can get more senior jobs in the same team."
    lines = [f"{role.title}.", lead]
    for step in steps:
        lines.append(f"- {step.title}. {qualification(step, level)}" if level == "simple"
                     else f"- {step.title}.")
    return "\n".join(lines)


def career_path_text(kb: KnowledgeBase, path: list[Role], level: str) -> str:
    start, goal = path[0], path[-1]
    lines = [f"From {start.title} to {goal.title}."]
    if len(path) > 2:
        lines += ["Steps:" if level == "simple" else "Jobs on the way:",
                  *(f"- {r.title}." for r in path[1:])]
    lines += [summary(goal, level), qualification(goal, level)]
    if goal.apprenticeship_available:
        lines.append("You can learn and get paid at the same time (an apprenticeship)."
                     if level == "simple" else "You can learn and get paid.")
    return "\n".join(lines)


def pay_text(kb: KnowledgeBase, role: Role, borough: str | None, zone: str | None) -> str:
    year = kb.pay.current_year
    lines = band_lines(kb.pay, role)
    if not lines:
        parts = [f"{role.title}.", _band(role)]
        for rate_id in role.pay_rates:
            rate = kb.pay.rate(rate_id)
            if rate:
                unit = "an hour" if rate.unit == "hour" else "a year"
                parts.append(f"{rate.label}: {money(rate.amount)} {unit}.")
        parts.append("Look at the pay on the job advert.")
        return "\n".join(parts)
    pcts = {z.zone: z.percent for z in kb.pay.hcas.zones}
    first = lines[0]
    parts = [f"{role.title}.", f"NHS pay band {first.band}.",
             f"Pay in {year}: {band_range_text(first)} a year.", "London pays more."]
    if zone in ("inner", "outer"):
        parts.append(f"In {borough}: about {zone_range_text(first, zone)} a year.")
    else:
        parts.append(f"Inner London: about {zone_range_text(first, 'inner')} a year "
                     f"({pcts['inner']}% more).")
        parts.append(f"Outer London: about {zone_range_text(first, 'outer')} a year "
                     f"({pcts['outer']}% more).")
    return "\n".join(parts)


def general_pay_text(kb: KnowledgeBase) -> str:
    table = kb.pay.table()
    rows = [f"- Band {b.band}: from {money(b.entry)} a year." for b in table.bands
            if b.verified and b.band in ("2", "3", "4", "5")]
    pcts = {z.zone: z.percent for z in kb.pay.hcas.zones}
    return "\n".join([f"NHS pay has bands. Pay in {table.year}:", *rows,
                      f"London pays more: about {pcts['inner']}% more in inner London.",
                      f"It is about {pcts['outer']}% more in outer London."])


def route_text(route: Route, level: str) -> str:
    parts = [f"{route.title}.", summary(route, level)]
    if route.status == "closed":
        parts.append("This is closed now.")
    if route.length and level == "simple":
        parts.append(f"How long: {route.length}.")
    if route.url:
        parts.append("Find out more on the website.")
    return "\n".join(parts)


def programme_text(p: Programme, level: str, borough: str | None = None) -> str:
    status = {"current": "", "closed": "It is closed now.", "unknown": "Check it is still open."}
    # The learner's own borough first: a list cut short must not hide the place they asked about.
    places = sorted(p.boroughs, key=lambda b: b != borough)
    more = f" and {len(places) - 3} more" if len(places) > 3 else ""
    where = "All of London." if len(p.boroughs) >= 30 else f"Where: {', '.join(places[:3])}{more}."
    parts = [f"{p.title}.", summary(p, level), where, status[p.status]]
    if level == "simple":
        parts.append(f"How to join: {p.how_to_join.rstrip('.')}.")
    return "\n".join(part for part in parts if part)


def compare_text(kb: KnowledgeBase, roles: list[Role], level: str) -> str:
    parts = ["Two or three jobs:"]
    for role in roles[:3]:
        parts += [f"{role.title}.", qualification(role, level), _band(role)]
    return "\n".join(parts)

