"""One object the routes use: the explorer features over a loaded knowledge base and retriever."""

from __future__ import annotations

from functools import lru_cache

from service.explorer.compare import CompareColumn, compare
from service.explorer.filters import RoleFilters, RoleListing, filter_roles, searchable_words
from service.explorer.match import JobFinder, MatchResult, generic_words, match_roles, rank_roles, resolve_job
from service.explorer.pathway_map import PathwayMap, build_map
from service.explorer.quiz import QuizAnswers, QuizQuestion, questions, score_quiz
from service.explorer.ranking import RankedRole
from service.knowledge_base import KnowledgeBase
from service.retrieval import HybridRetriever


class UnknownChoice(ValueError):
    """An interest or other choice the knowledge does not have; the message lists the valid ones."""


class Explorer:
    def __init__(self, kb: KnowledgeBase, retriever: HybridRetriever):
        self.kb = kb
        self.retriever = retriever
        self._words = {role.id: searchable_words(role) for role in kb.roles}
        self.jobs = JobFinder(kb.explore.past_jobs, generic_words(kb.roles))
        self.pathway_map = lru_cache(maxsize=256)(self._map)

    def list_roles(self, filters: RoleFilters) -> RoleListing:
        return filter_roles(self.kb.roles, filters, self.retriever, self._words)

    def compare(self, ids: list[str]) -> list[CompareColumn]:
        return compare(self.kb, ids)

    def _map(self, role_id: str) -> PathwayMap | None:
        role = self.kb.role(role_id)
        return build_map(self.kb, role) if role else None

    def check_interests(self, interests: list[str]) -> None:
        known = [i.id for i in self.kb.explore.interests]
        unknown = [i for i in interests if i not in known]
        if unknown:
            raise UnknownChoice(f"unknown interest '{unknown[0]}'; use any of: {', '.join(known)}")

    def match(self, job: str, interests: list[str], limit: int = 10) -> MatchResult:
        self.check_interests(interests)
        return match_roles(self.kb, self.retriever, self.jobs, job, interests, limit)

    def suggest_for_past_job(self, text: str, limit: int = 5) -> MatchResult | None:
        """The match ranking for a question that names a listed previous job; None if it names none.
        ``text`` is already neutralised by the caller."""
        job = resolve_job(self.jobs, self.retriever, text)
        return rank_roles(self.kb, self.retriever, text, job, [], limit) if job else None

    def quiz_questions(self) -> list[QuizQuestion]:
        return questions(self.kb)

    def quiz(self, answers: QuizAnswers, limit: int = 10) -> list[RankedRole]:
        self.check_interests(answers.interests)
        return score_quiz(self.kb, answers, limit)
