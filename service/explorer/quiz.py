"""The interest quiz: a few plain questions, each answer scoring roles by their structured fields."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from service.explorer.ranking import QUALIFICATION_ORDER, RankedRole, interest_fit, ordered
from service.knowledge_base import KnowledgeBase
from service.schema import Qualification, Role


class QuizOption(BaseModel):
    value: str
    label: str


class QuizQuestion(BaseModel):
    id: str
    text: str
    options: list[QuizOption]
    many: bool = False


def _q(qid: str, text: str, *options: tuple[str, str], many: bool = False) -> QuizQuestion:
    return QuizQuestion(id=qid, text=text, options=[QuizOption(value=v, label=l) for v, l in options],
                        many=many)


# Interests come from knowledge/explore.yaml, so the second question is filled in at run time.
def questions(kb: KnowledgeBase) -> list[QuizQuestion]:
    return [
        _q("people", "Would you like to work with patients or people who need care?",
           ("yes", "Yes"), ("maybe", "Maybe"), ("no", "No, I prefer to work behind the scenes")),
        _q("interests", "What do you enjoy? Pick any.",
           *((i.id, i.label) for i in kb.explore.interests), many=True),
        _q("clinical", "Would you like to treat or examine patients yourself?",
           ("yes", "Yes"), ("either", "I don't mind"), ("no", "No, I want to support the people who do")),
        _q("body", "Are you OK with blood, and helping people wash or use the toilet?",
           ("yes", "Yes"), ("unsure", "I'm not sure"), ("no", "No")),
        _q("shifts", "Can you work shifts, nights or weekends?",
           ("yes", "Yes"), ("some", "Some"), ("no", "No, daytime on weekdays only")),
        _q("part_time", "Do you need part-time work?", ("yes", "Yes"), ("no", "No")),
        _q("have", "What is the highest qualification you have now?",
           ("none", "None yet"), ("gcse", "GCSEs or similar"), ("level3", "A levels or another Level 3"),
           ("degree", "A degree")),
        _q("study", "Would you like to study for a qualification?",
           ("no", "No, I want to start work now"), ("earn", "Yes, while I work and earn"),
           ("full", "Yes, even full time at college or university")),
    ]


Answer3 = Literal["yes", "maybe", "no"]


class QuizAnswers(BaseModel):
    """Answers to the quiz; any can be left out."""

    model_config = ConfigDict(extra="forbid")

    people: Literal["yes", "maybe", "no"] | None = None
    interests: list[str] = Field(default_factory=list, max_length=20)
    clinical: Literal["yes", "either", "no"] | None = None
    body: Literal["yes", "unsure", "no"] | None = None
    shifts: Literal["yes", "some", "no"] | None = None
    part_time: Literal["yes", "no"] | None = None
    have: Qualification | None = None
    study: Literal["no", "earn", "full"] | None = None


def _within_reach(role: Role, have: str) -> bool:
    return QUALIFICATION_ORDER.index(role.qualifications_needed) <= QUALIFICATION_ORDER.index(have)


def _score(role: Role, a: QuizAnswers, kb: KnowledgeBase) -> RankedRole:
    item = RankedRole(role)
    fits = interest_fit(kb.explore, a.interests, role)
    if fits:
        item.add(3.0, f"Fits what you enjoy: {', '.join(fits)}")
    if a.people == "yes" and role.patient_facing:
        item.add(1.0, "You work with patients or people who need care")
    elif a.people == "no":
        item.add(1.0 if not role.patient_facing else -2.0,
                 "Mostly away from patients" if not role.patient_facing else None)
    if a.clinical == "yes" and role.clinical:
        item.add(1.0, "Clinical: you help treat or examine patients")
    elif a.clinical == "no":
        item.add(1.0 if not role.clinical else -2.0,
                 "Non-clinical: you support the people who treat patients" if not role.clinical else None)
    if a.body == "no" and role.clinical:
        item.add(-2.0)
    shifty = {"shifts", "nights", "weekends", "on-call"} & set(role.working_patterns)
    if a.shifts == "no":
        item.add(1.0 if "office-hours" in role.working_patterns else -1.5,
                 "Usually daytime, weekday hours" if "office-hours" in role.working_patterns else None)
    elif a.shifts == "yes" and shifty:
        item.add(0.5, "Shift work, which suits you")
    if a.part_time == "yes":
        item.add(1.0 if "part-time" in role.working_patterns else -1.0,
                 "Part-time work is common" if "part-time" in role.working_patterns else None)
    if a.have:
        if _within_reach(role, a.have):
            item.add(1.5, "You have the qualifications to start")
        elif a.study in (None, "no"):
            item.add(-2.0)
    if a.study == "no" and role.qualifications_needed in ("none", "gcse") and not role.registration:
        item.add(1.5, "Training is given on the job")
    elif a.study == "earn" and role.apprenticeship_available:
        item.add(1.5, "You can train while you earn through an apprenticeship")
    elif a.study == "full" and role.qualifications_needed in ("level3", "degree") and role.registration:
        item.add(1.0, f"A course leads to registration with {role.registration}")
    return item


def score_quiz(kb: KnowledgeBase, answers: QuizAnswers, limit: int = 10) -> list[RankedRole]:
    scored = [_score(role, answers, kb) for role in kb.roles]
    return ordered([s for s in scored if s.reasons and s.score > 0], limit)
