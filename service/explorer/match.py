"""'I used to work as...': rank roles for someone's previous job, with the reasons for each."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from service.explorer.ranking import EASE, RankedRole, ease_reason, interest_fit, ordered
from service.intent import neutralise
from service.knowledge_base import KnowledgeBase
from service.retrieval import HybridRetriever, normalise, tokens
from service.schema import PastJob, Role

# Weights: the knowledge saying "good for people who have worked as X" counts most; shared skills,
# an easy start and the person's interests follow; closeness in meaning only orders the rest.
DIRECT = 4.0
PER_SKILL = 1.0
MAX_SKILLS = 3
INTEREST = 2.0
APPRENTICESHIP = 0.5
MEANING = 6.0
MEANING_FLOOR = 0.3   # cosine below this says nothing about fit
SKILL_SIMILARITY = 85
JOB_SIMILARITY = 88
NEAR_JOB = 0.55  # cosine similarity for "I taught maths" -> Teacher when no name matches

# Skills and job names repeat across every request; fold each phrase once.
_folded = lru_cache(maxsize=16384)(normalise)


@dataclass
class MatchResult:
    past_job: PastJob | None
    ranked: list[RankedRole]


def _name_score(name: str, wanted: str) -> tuple[int, float]:
    """How well one name of a job fits the words: exact, contained either way, or spelled close."""
    if name == wanted:
        return (3, 0.0)
    if f" {name} " in f" {wanted} " or f" {wanted} " in f" {name} ":
        return (2, float(len(set(name.split()) & set(wanted.split()))))
    ratio = fuzz.ratio(name, wanted)
    return (1, ratio) if ratio >= JOB_SIMILARITY else (0, 0.0)


class JobFinder:
    """Finds the listed previous job that typed words mean. Names are folded, and the words that
    only one job uses are found, once when the knowledge loads rather than on every request."""

    def __init__(self, jobs: list[PastJob]):
        self.jobs = jobs
        self.names = [(job, _folded(name)) for job in jobs for name in (job.label, *job.also)]
        self.owners: dict[str, set[str]] = {}
        for job, folded in self.names:
            for word in tokens(folded):
                self.owners.setdefault(word, set()).add(job.id)

    def find(self, text: str) -> PastJob | None:
        """By id, label or another name, allowing small slips; else by shared words."""
        wanted = _folded(text)
        if not wanted:
            return None
        best: tuple[tuple[int, float], PastJob | None] = ((0, 0.0), None)
        for job in self.jobs:
            if text.strip() == job.id:
                return job
        for job, folded in self.names:
            if len(folded) < 2:
                continue
            score = _name_score(folded, wanted)
            if score > best[0]:
                best = (score, job)
        return best[1] or self._by_words(wanted)

    def _by_words(self, wanted: str) -> PastJob | None:
        """A job sharing two words of one of its names with the text ("registered nurse in the
        Philippines"), or one word that no other job uses ("Deliveroo")."""
        said = set(tokens(wanted))
        best: tuple[float, PastJob | None] = (0.0, None)
        for job, folded in self.names:
            words = set(tokens(folded))
            shared = words & said
            distinctive = any(self.owners[w] == {job.id} for w in shared)
            if words and (len(shared) >= 2 or distinctive) and len(shared) / len(words) >= 0.5:
                score = len(shared) + len(shared) / len(words)
                if score > best[0]:
                    best = (score, job)
        return best[1]


def _same_skill(a: str, b: str) -> bool:
    # "customer service" meets "good customer service"; a lone common word ("patience") must match whole.
    if fuzz.token_sort_ratio(a, b) >= SKILL_SIMILARITY:
        return True
    short, long = sorted((a, b), key=lambda t: len(t.split()))
    return len(short.split()) >= 2 and f" {short} " in f" {long} "


def shared_skills(job: PastJob, role: Role) -> list[str]:
    """Role skills that the previous job also builds (close wording counts)."""
    mine = [_folded(s) for s in (*job.skills, *job.knows)]
    return [skill for skill in role.skills if any(_same_skill(_folded(skill), m) for m in mine)]


def resolve_job(finder: JobFinder, retriever: HybridRetriever, text: str) -> PastJob | None:
    """The listed job by name, else the one closest in meaning if it is close enough."""
    job = finder.find(text)
    if job is None:
        near = retriever.nearest_past_job(text)
        if near and near[1] >= NEAR_JOB:
            job = next((j for j in finder.jobs if j.id == near[0]), None)
    return job


def _direct(kb: KnowledgeBase, retriever: HybridRetriever, job: PastJob | None,
            text: str) -> dict[str, str]:
    """Roles whose profile says it suits people from this job: role id -> the words it uses."""
    if job is not None:
        label = job.label.casefold()
        return {r.id: job.label for r in kb.roles if any(p.casefold() == label for p in r.previous_jobs)}
    # Unlisted job: only roles naming it in full count ("laundry worker" must not match every "worker").
    return {rid: said for rid, score, said in retriever.past_jobs.match(text, limit=40) if score >= 100}


def match_roles(kb: KnowledgeBase, retriever: HybridRetriever, finder: JobFinder, job_text: str,
                interests: list[str], limit: int = 10) -> MatchResult:
    text = neutralise(job_text)
    return rank_roles(kb, retriever, text, resolve_job(finder, retriever, text), interests, limit)


def rank_roles(kb: KnowledgeBase, retriever: HybridRetriever, text: str, job: PastJob | None,
               interests: list[str], limit: int = 10) -> MatchResult:
    """Every role linked to the job (or the words, if no listed job), scored with its reasons."""
    direct = _direct(kb, retriever, job, text)
    query = f"{job.label}: {', '.join(job.skills)}" if job else text
    closeness = retriever.role_similarity(query)
    results = []
    for role in kb.roles:
        item = RankedRole(role)
        if role.id in direct:
            item.add(DIRECT, f"Good for people who have worked as: {direct[role.id].lower()}")
        if job:
            skills = shared_skills(job, role)
            if skills:
                item.add(PER_SKILL * min(len(skills), MAX_SKILLS),
                         f"Skills you already have: {', '.join(skills[:MAX_SKILLS])}")
        fits = interest_fit(kb.explore, interests, role)
        if fits:
            item.add(INTEREST, f"Fits what you enjoy: {', '.join(fits)}")
        cosine = closeness.get(role.id, 0.0)
        if item.score == 0 and cosine < MEANING_FLOOR:
            continue  # nothing links this role to the person: leave it out rather than pad the list
        linked = bool(item.reasons)
        item.add(EASE[role.qualifications_needed], ease_reason(role))
        if role.apprenticeship_available:
            item.add(APPRENTICESHIP, "You can train while you earn through an apprenticeship")
        if cosine > MEANING_FLOOR:
            item.add(MEANING * (cosine - MEANING_FLOOR) / (1 - MEANING_FLOOR),
                     None if linked else "What you did is close to what this job involves")
        results.append(item)
    return MatchResult(job, ordered(results, limit))
