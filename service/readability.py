"""How easy a piece of text is to read: Flesch reading ease and words per sentence (textstat), and
for the first-steps level the share of words from the 800 most common English words (wordfreq)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import textstat
from wordfreq import top_n_list

# The bars issue #5 sets for each reading level; `pathways eval` gates on them.
TARGETS: dict[str, tuple[float, float]] = {  # level -> (least reading ease, most words per sentence)
    "standard": (60.0, 20.0),
    "simple": (80.0, 12.0),
    "first-steps": (90.0, 8.0),
}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_ENDS_SENTENCE = re.compile(r"[.!?:]$")


class Names:
    """Job titles and other names from the knowledge. A learner meets "phlebotomist" as a word to
    learn (the glossary explains it), so readability is measured on the sentences around the names:
    each name counts as one short word, and as a common one."""

    def __init__(self, names: list[str]):
        unique = sorted({n.strip() for n in names if len(n.strip()) > 2}, key=len, reverse=True)
        self._pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in unique) + r")\b", re.I) \
            if unique else None

    def neutral(self, text: str) -> str:
        return self._pattern.sub("Job", text) if self._pattern else text


@dataclass(frozen=True)
class Reading:
    ease: float
    words_per_sentence: float
    common_share: float
    words: int


def as_sentences(text: str) -> str:
    """Lines of an answer are read one at a time (headings, bullets), so each ends as a sentence:
    textstat would otherwise read a list as one long sentence."""
    lines = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•").strip()
        if line:
            lines.append(line if _ENDS_SENTENCE.search(line) else line + ".")
    return " ".join(lines)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(top_n_list("en", 800))


def measure(text: str, names: Names | None = None) -> Reading:
    prose = as_sentences(names.neutral(text) if names else text)
    words = [w.lower().strip("'’-") for w in _WORD.findall(prose)]
    sentences = max(textstat.sentence_count(prose), 1)
    common = _common() | {"job"}
    known = sum(w in common for w in words)
    return Reading(ease=textstat.flesch_reading_ease(prose) if words else 100.0,
                   words_per_sentence=len(words) / sentences,
                   common_share=known / len(words) if words else 1.0, words=len(words))
