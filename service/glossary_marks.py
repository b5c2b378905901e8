"""Find glossary words in a piece of text, so pages and answers can explain them where they appear."""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.schema import GlossaryTerm

MIN_LENGTH = 2  # "OT" and "GP" are real terms; single letters never are


@dataclass(frozen=True)
class TermMark:
    start: int
    end: int
    term: GlossaryTerm

    def definition(self, level: str) -> str:
        return self.term.definition if level == "standard" else self.term.definition_simple


class TermFinder:
    """All the glossary's terms and their other names in one pattern, longest first, so "Agenda for
    Change" wins over "Change". Short capitalised terms ("OT") match only in capitals."""

    def __init__(self, terms: list[GlossaryTerm]):
        self._by_name: dict[str, GlossaryTerm] = {}
        for term in terms:
            for name in (term.term, *term.also):
                if len(name) >= MIN_LENGTH:
                    self._by_name.setdefault(name.casefold(), term)
        names = sorted(self._by_name, key=len, reverse=True)
        self._pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])",
                                   re.IGNORECASE) if names else None
        self._acronyms = {n for t in terms for n in (t.term, *t.also) if n.isupper() and len(n) <= 4}

    def marks(self, text: str) -> list[TermMark]:
        """The first place each term appears, in reading order, never overlapping."""
        if self._pattern is None:
            return []
        seen: set[str] = set()
        out = []
        for match in self._pattern.finditer(text):
            said = match.group(1)
            if said.casefold() in {a.casefold() for a in self._acronyms} and not said.isupper():
                continue  # "ot" inside a sentence is not the abbreviation OT
            term = self._by_name[said.casefold()]
            if term.term in seen:
                continue
            seen.add(term.term)
            out.append(TermMark(match.start(1), match.end(1), term))
        return out

    def terms_in(self, text: str) -> list[GlossaryTerm]:
        return [mark.term for mark in self.marks(text)]
