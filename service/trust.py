"""The trust check: every £ figure, percentage, band, duration and age in an answer must come from the
knowledge (the cited records, or the pay table when it is cited)."""

from __future__ import annotations

import re

from service.knowledge_base import KnowledgeBase
from service.pay import allowed_figures
from service.schema import AnyRecord, Role

_MONEY = re.compile(r"£\d[\d,]*(?:\.\d\d)?")
_PERCENT = re.compile(r"\b\d+(?:\.\d+)?%")
_BAND = re.compile(r"\bbands? (\d[abcd]?)\b", re.I)
_WORD_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                 "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "eighteen": "18",
                 "twenty": "20", "twenty-four": "24"}
_NUMBER = r"\b(\d+(?:\.\d+)?|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")"
# "3 years", "12 to 24 months", "two or three days", "37.5 hours": each number with its unit.
_DURATION = re.compile(_NUMBER + r"(?:\s*(?:-|–|to|or|and)\s*" + _NUMBER + r")?[\s-]*"
                       r"(year|month|week|day|hour)s?\b", re.I)
# "aged 16 to 24", "16-24 year olds", "18+", "over 18", "under 25", "19 or over".
_AGE = re.compile(r"\b(?:aged?|ages|over|under|at least|older than|younger than)\s+(\d{1,2})\b"
                  r"(?:\s*(?:-|–|to|and)\s*(\d{1,2})\b)?|"
                  r"\b(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})[- ]?(?:year[- ]?olds?|years? old)\b|"
                  r"\b(\d{1,2})[- ]?(?:year[- ]?olds?|years? old)\b|\b(\d{1,2})\+|"
                  r"\b(\d{1,2}) (?:or|and) (?:over|older|under|younger)\b", re.I)
_ANY_NUMBER = re.compile(r"\d+")


def _number(text: str) -> str:
    return _WORD_NUMBERS.get(text.lower(), text)


def durations(text: str) -> set[tuple[str, str]]:
    """Every (number, unit) a text states as a length of time."""
    found = set()
    for m in _DURATION.finditer(text):
        unit = m.group(3).lower()
        found |= {(_number(n), unit) for n in m.group(1, 2) if n}
    return found


def ages(text: str) -> set[str]:
    """Every number a text states as an age."""
    return {n for m in _AGE.finditer(text) for n in m.groups() if n}


class FigureChecker:
    def __init__(self, kb: KnowledgeBase):
        self.money = allowed_figures(kb.pay)
        self.percents = {f"{z.percent}%" for z in kb.pay.hcas.zones}
        self.table_bands = {b.band for t in kb.pay.afc for b in t.bands}
        self.pay_text = kb.pay.model_dump_json()

    def unsupported(self, answer: str, used: list[AnyRecord], pay_cited: bool,
                    cited: str = "") -> list[str]:
        """Figures in ``answer`` that neither the cited records nor the cited pay table contain."""
        cited = " ".join([cited, *(r.model_dump_json() for r in used), self.pay_text if pay_cited else ""])
        money = set(_MONEY.findall(cited)) | (self.money if pay_cited else set())
        percents = set(_PERCENT.findall(cited)) | (self.percents if pay_cited else set())
        bands = {b for r in used if isinstance(r, Role) and r.afc_band for b in r.afc_band.bands()}
        bands |= {b.lower() for b in _BAND.findall(cited)}
        if pay_cited:
            bands |= self.table_bands
        bad = [m for m in _MONEY.findall(answer) if m not in money]
        bad += [p for p in _PERCENT.findall(answer) if p not in percents]
        bad += [f"band {b}" for b in _BAND.findall(answer) if b.lower() not in bands]
        cited_durations = durations(cited)
        bad += [f"{n} {unit}s" for n, unit in sorted(durations(answer)) if (n, unit) not in cited_durations]
        # An age may be worded differently in the record ("16 to 24" / "aged 16-24"): the number is enough.
        numbers = set(_ANY_NUMBER.findall(cited))
        bad += [f"age {n}" for n in sorted(ages(answer)) if n not in numbers]
        return bad
