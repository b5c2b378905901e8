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
FIRST_CHOICE = 3.0  # the knowledge's short list of first suggestions for a past job, best first
PER_SKILL = 1.0
MAX_SKILLS = 3
INTEREST = 2.0
APPRENTICESHIP = 0.5
MEANING = 6.0
MEANING_FLOOR = 0.3   # cosine below this says nothing about fit
SKILL_SIMILARITY = 85
JOB_SIMILARITY = 88
NEAR_JOB = 0.55  # cosine for a job no name matches ("laundry worker" is close to bar staff: 0.50)
NEAR_RIVAL = 0.4  # cosine for a job close in meaning to beat the jobs the words name
NEAR_CANDIDATES = 3

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

    def __init__(self, jobs: list[PastJob], generic: frozenset[str] = frozenset()):
        self.jobs = jobs
        self.generic = generic  # words too common in our own job names to point at one past job
        self.by_id = {job.id: job for job in jobs}
        self.names = [(job, _folded(name)) for job in jobs for name in (job.label, *job.also)]
        self.owners: dict[str, set[str]] = {}
        for job, folded in self.names:
            for word in tokens(folded):
                self.owners.setdefault(word, set()).add(job.id)

    def exact(self, text: str) -> PastJob | None:
        """The job whose id or one of whose names is exactly the text."""
        wanted = _folded(text)
        if text.strip() in self.by_id:
            return self.by_id[text.strip()]
        return next((job for job, folded in self.names if folded == wanted), None) if wanted else None

    def candidates(self, text: str) -> dict[str, float]:
        """Jobs the words name, each with the strength of that evidence (0.1-0.4): a name inside the
        text counts by how much of the text it covers ("PA" in a long sentence is weak), a name
        spelled close ("secuirty guard") as much as a whole name, shared words by their number."""
        wanted = _folded(text)
        said = set(tokens(wanted))
        found: dict[str, float] = {}

        def keep(job_id: str, strength: float) -> None:
            found[job_id] = max(found.get(job_id, 0.0), strength)

        for job, folded in self.names:
            if len(folded) < 2:
                continue
            level, _ = _name_score(folded, wanted)
            if level == 2:
                cover = len(set(tokens(folded)) & said) / max(len(said), 1)
                keep(job.id, 0.2 + 0.2 * min(cover, 1.0))
            elif level == 1:
                keep(job.id, 0.3)
            words = set(tokens(folded))
            shared = words & said
            distinctive = any(self.owners[w] == {job.id} and w not in self.generic for w in shared)
            if words and (len(shared) >= 2 or distinctive) and len(shared) / len(words) >= 0.5:
                keep(job.id, 0.1 * min(len(shared), 3))
        return found


def generic_words(roles: list[Role], at_least: int = 3) -> frozenset[str]:
    """Words in the names of several roles ("hospital", "care"): in "jobs in a hospital" they say
    where, not what someone used to do, so alone they must not pick "hospital volunteer"."""
    counts: dict[str, int] = {}
    for role in roles:
        for word in {w for name in (role.title, *role.other_titles) for w in tokens(_folded(name))}:
            counts[word] = counts.get(word, 0) + 1
    return frozenset(w for w, n in counts.items() if n >= at_least)


def resolve_job(finder: JobFinder, retriever: HybridRetriever, text: str) -> PastJob | None:
    """The listed job by exact name. Else, when the words name jobs, the best of those and the few
    closest in meaning, by meaning plus name evidence: meaning settles "well" (a pharmacy chain) in
    "I know London roads really well", and a job only close in meaning must be clearly close to win.
    When the words name no job, the closest in meaning if it is close enough."""
    job = finder.exact(text)
    if job is not None:
        return job
    closeness = retriever.past_job_similarity(text)
    near = sorted(closeness, key=closeness.get, reverse=True)[:NEAR_CANDIDATES]
    named = finder.candidates(text)
    if not named:
        return finder.by_id[near[0]] if near and closeness[near[0]] >= NEAR_JOB else None
    scores = {jid: closeness.get(jid, 0.0) + named.get(jid, 0.0) for jid in sorted(set(named) | set(near))}
    best = max(scores, key=scores.get)
    if best not in named and closeness[best] < NEAR_RIVAL:
        return None  # the names point one way and the meaning weakly another: don't guess
    return finder.by_id[best]


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
        if job and role.id in job.first_choices:
            place = job.first_choices.index(role.id)
            item.add(FIRST_CHOICE * (1 - place / (2 * len(job.first_choices))),
                     "One of the first jobs careers advisers suggest after this one")
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
