"""Printable classroom worksheets: one role at a reading level, built only from the knowledge base.

Pure data in, a `Worksheet` out; the templates turn it into HTML. Every question can be answered from
the sheet's own text, and the matching exercise is shuffled the same way every time (seeded by role id),
so a tutor who prints it twice gets the same sheet and the same key.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from service import compose, compose_plain
from service.explorer.compare import parse_ids
from service.knowledge_base import KnowledgeBase
from service.pay import band_lines, band_range_text, money
from service.schema import QUALIFICATION_LABELS, Role

LEVELS: dict[str, str] = {"standard": "Standard English", "simple": "Simple English",
                          "first-steps": "First steps (very simple)"}
MAX_PACK = 6
MATCH_OTHERS = 4
MAX_TERMS = 8
# Tasks and skills shown at each level: fewer lines for newer readers.
SHOWN: dict[str, tuple[int, int]] = {"standard": (5, 4), "simple": (3, 4), "first-steps": (2, 3)}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


class WorksheetError(ValueError):
    """A worksheet request that cannot be met; the message says what to change."""


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]
    as_list: bool = False


@dataclass(frozen=True)
class Word:
    word: str
    meaning: str


@dataclass(frozen=True)
class Question:
    text: str
    answer: str


@dataclass(frozen=True)
class Pair:
    number: int
    title: str
    letter: str
    does: str


@dataclass(frozen=True)
class Matching:
    titles: tuple[str, ...]   # numbered 1, 2, 3... in this order
    does: tuple[str, ...]     # lettered A, B, C... in shuffled order
    key: tuple[Pair, ...]


@dataclass(frozen=True)
class Worksheet:
    role: Role
    level: str
    year: str
    about: tuple[Section, ...]
    vocabulary: tuple[Word, ...]
    questions: tuple[Question, ...]
    matching: Matching

    def text(self) -> str:
        """The reading text (part 1) as plain text: what the vocabulary list is drawn from."""
        return "\n".join(line for s in self.about for line in s.lines)


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise WorksheetError(f"There is no reading level called '{level}'. "
                             f"Choose one of: {', '.join(LEVELS)}.")
    return level


def _a(title: str) -> str:
    """'a porter', 'an adult nurse', 'an HR adviser': lower-case unless it starts with an acronym."""
    title = re.sub(r"\s*\(.*?\)", "", title)  # "Hospital consultant (doctor)" reads better without
    if title[1:2].isupper():  # said letter by letter: "an HR", "an NHS", "a GP"
        return ("an " if title[0] in "AEFHILMNORSX" else "a ") + title
    return ("an " if title[0].lower() in "aeiou" else "a ") + title[0].lower() + title[1:]


def _sentence(text: str) -> str:
    return text.rstrip(".") + "."


def _plain(level: str) -> bool:
    return level != "standard"


def _how_to_start(role: Role, level: str) -> tuple[str, ...]:
    qual = compose_plain.qualification(role, level) if _plain(level) else _sentence(
        QUALIFICATION_LABELS[role.qualifications_needed])
    yes = {"standard": "An apprenticeship route is available.",
           "simple": "You can learn and get paid at the same time (an apprenticeship).",
           "first-steps": "There is an apprenticeship. You learn and get paid."}
    no = {"standard": "No apprenticeship route is listed for this job.",
          "simple": "There is no apprenticeship listed for this job.",
          "first-steps": "There is no apprenticeship."}
    return qual, (yes if role.apprenticeship_available else no)[level]


def _pay(kb: KnowledgeBase, role: Role, level: str) -> tuple[str, ...]:
    year = kb.pay.current_year
    if role.afc_band:
        system = "NHS pay" if _plain(level) else "Agenda for Change"
        out = [f"{system} {role.afc_band.label()} (pay year {year})."]
        lines = band_lines(kb.pay, role)
        out += [f"Band {b.band} basic pay: {band_range_text(b)} a year." for b in lines[:1]]
        return tuple(out)
    out = [f"The employer sets the pay (pay year {year})."]
    rates = [r for r in (kb.pay.rate(i) for i in role.pay_rates) if r]
    out += [f"{r.label}: {money(r.amount)} {'an hour' if r.unit == 'hour' else 'a year'}." for r in rates[:1]]
    return tuple(out)


def _skills(role: Role, level: str) -> tuple[str, ...]:
    return tuple(role.skills[:SHOWN[level][1]])


def _next_titles(kb: KnowledgeBase, role: Role) -> tuple[str, ...]:
    return tuple(r.title for r in (kb.role(i) for i in role.progression) if r)[:3]


def _about(kb: KnowledgeBase, role: Role, level: str) -> tuple[Section, ...]:
    sections = [Section("About the job", tuple(_SENTENCE.split(compose.summary(role, level)))),  # type: ignore[arg-type]
                Section("What you do", tuple(_sentence(t) for t in role.tasks[:SHOWN[level][0]]), as_list=True),
                Section("Skills that help", _skills(role, level), as_list=True),
                Section("How to start", _how_to_start(role, level)),
                Section("Pay", _pay(kb, role, level))]
    if _next_titles(kb, role):
        sections.append(Section("Where it can lead", _next_titles(kb, role), as_list=True))
    return tuple(sections)


def _questions(kb: KnowledgeBase, role: Role, level: str) -> tuple[Question, ...]:
    """Five questions the sheet's text answers; optional ones drop out when the record has no answer."""
    std = not _plain(level)
    how = _how_to_start(role, level)
    nexts = _next_titles(kb, role)
    candidates = [
        Question(f"What does {_a(role.title)} do? Write one thing.", f"For example: {_sentence(role.tasks[0])}"),
        Question("What qualifications do you need to start?" if std else "Do you need exams to start?", how[0]),
        Question("Name one skill that helps in this job." if std else "Name one skill for this job.",
                 "Any one of: " + ", ".join(_skills(role, level)) + "."),
        Question("Where can this job lead? Name one job." if std else "What job can you do next?",
                 "Any one of: " + ", ".join(nexts) + ".") if nexts else None,
        Question("Is there an apprenticeship for this job?" if std else "Is there an apprenticeship?",
                 ("Yes. " if role.apprenticeship_available else "No. ") + how[1]),
        Question("What pay band is this job?" if std else "What is the NHS pay band?",
                 _pay(kb, role, level)[0]) if role.afc_band else None,
        Question("Who sets the pay for this job?", _pay(kb, role, level)[0]),
    ]
    return tuple(q for q in candidates if q)[:5]


def _vocabulary(kb: KnowledgeBase, role: Role, level: str, text: str) -> tuple[Word, ...]:
    """The job title first (its glossary entry if it has one, else the start of its summary)."""
    finder = kb.term_finder
    own = [m for m in finder.marks(role.title) if m.end - m.start == len(role.title)]  # not "Ward" in "Ward host"
    if own:
        meaning = own[0].definition(level)
    else:
        first = _SENTENCE.split(compose.summary(role, level))  # type: ignore[arg-type]
        meaning = " ".join(first[:2 if level == "first-steps" else 1])
    words = [Word(role.title, meaning)]
    skip = {m.term.term for m in own}
    words += [Word(m.term.term, m.definition(level)) for m in finder.marks(text) if m.term.term not in skip]
    return tuple(words[:MAX_TERMS + 1])


def _related(kb: KnowledgeBase, role: Role) -> list[Role]:
    """Where the role leads first (the career story), then its family, then where people come from."""
    ids = [*role.progression, *(r.id for r in kb.roles if r.family == role.family), *role.entry_from]
    if len(set(ids) - {role.id}) < 3:  # a family of one: add jobs on the same clinical/non-clinical side
        ids += [r.id for r in kb.roles if r.clinical == role.clinical]
    unique = [i for i in dict.fromkeys(ids) if i != role.id and kb.role(i)]
    return [kb.role(i) for i in unique[:MATCH_OTHERS]]  # type: ignore[misc]


def _matching(kb: KnowledgeBase, role: Role) -> Matching:
    roles = [role, *_related(kb, role)]
    does: list[str] = []
    for r in roles:  # first task, unless an earlier job in the set already has the same words
        does.append(next((t for t in r.tasks if t not in does), r.tasks[0]))
    order = list(range(len(roles)))
    # A str seed is hashed with SHA-512, not hash(), so the order survives restarts (PYTHONHASHSEED).
    random.Random(f"worksheet:{role.id}").shuffle(order)
    if order == sorted(order):
        order = order[1:] + order[:1]  # never print the answers in order
    letters = "ABCDEFGH"
    key = tuple(Pair(i + 1, r.title, letters[order.index(i)], does[i]) for i, r in enumerate(roles))
    return Matching(tuple(r.title for r in roles), tuple(does[i] for i in order), key)


def build(kb: KnowledgeBase, role: Role, level: str) -> Worksheet:
    check_level(level)
    about = _about(kb, role, level)
    questions = _questions(kb, role, level)
    text = "\n".join([*(line for s in about for line in s.lines), *(q.text for q in questions)])
    return Worksheet(role, level, kb.pay.current_year, about, _vocabulary(kb, role, level, text), questions,
                     _matching(kb, role))


def build_pack(kb: KnowledgeBase, raw_ids: list[str], level: str) -> list[Worksheet]:
    """Up to six roles for one class; ids may come comma-separated or repeated."""
    check_level(level)
    ids = parse_ids(raw_ids)
    if len(ids) > MAX_PACK:
        raise WorksheetError(f"You chose {len(ids)} jobs. A class pack can have up to {MAX_PACK} jobs.")
    unknown = [i for i in ids if kb.role(i) is None]
    if unknown:
        raise WorksheetError("There is no job with the id " + ", ".join(f"'{i}'" for i in unknown) + ".")
    return [build(kb, kb.role(i), level) for i in ids]  # type: ignore[arg-type]
