"""Hybrid retrieval: dense (MiniLM via langchain's Chroma store) + BM25 + title matching, fused by rank.

Each retriever ranks records (not chunks), and reciprocal rank fusion combines them, so a record
that several methods agree on rises. Title matching catches names, abbreviations and misspellings
("fisiotherapist", "HCA", "ODP") that embeddings alone miss.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from langchain_chroma import Chroma
from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process

from service.knowledge_base import KnowledgeBase

RRF_K = 60
CANDIDATES = 30
FUZZY_CUTOFF = 84  # rapidfuzz ratio for a near name (86 for grams under 8 characters)
STOPWORDS = frozenset("""a an and are as at be but by can could do does did for from get go got had has
have how i i'm if in into is it its me my no not of on or so than that the their them then there
these they this to too up us was we were what when where which who why will with would you your
im ive id dont want wanna need job jobs work working nhs please tell about any some much many
career careers""".split())
_WORD = re.compile(r"[a-z0-9]+")


def one_blas_thread() -> None:
    """Serve with one BLAS thread. Requests already run in parallel, and OpenBLAS's helper thread
    spins between the small matrix-vector products here: on 2 cores it took a whole core from
    answering (server CPU per chat request 25 ms with it, 10 ms without)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # then OPENBLAS_NUM_THREADS=1 in the environment does the same
        return
    threadpool_limits(1, user_api="blas")


class FastBM25:
    """The scores of ``rank_bm25.BM25Okapi.get_scores``, bit for bit, from an inverted index: the
    original walks every chunk's word counts in Python for each query word (~2 ms a question)."""

    def __init__(self, corpus: list[list[str]]):
        model = BM25Okapi(corpus)
        self.idf = model.idf
        self.size = model.corpus_size
        doc_len = np.array(model.doc_len)
        # The same expression, element for element, as BM25Okapi.get_scores.
        self._norm = model.k1 * (1 - model.b + model.b * doc_len / model.avgdl)
        self._k1 = model.k1
        # One sorted array of (word, chunk, count) for the whole corpus: word -> its slice.
        words: dict[str, int] = {}
        word_of, doc_of, count_of = [], [], []
        for i, freqs in enumerate(model.doc_freqs):
            for word, count in freqs.items():
                word_of.append(words.setdefault(word, len(words)))
                doc_of.append(i)
                count_of.append(count)
        order = np.argsort(np.array(word_of, dtype=np.int64), kind="stable")
        self._docs = np.array(doc_of, dtype=np.intp)[order]
        self._counts = np.array(count_of, dtype=np.int64)[order]
        bounds = np.searchsorted(np.array(word_of, dtype=np.int64)[order], np.arange(len(words) + 1))
        self._slices = {word: (int(bounds[w]), int(bounds[w + 1])) for word, w in words.items()}

    def get_scores(self, query: list[str]) -> np.ndarray:
        score = np.zeros(self.size)
        for q in query:
            found = self._slices.get(q)
            idf = self.idf.get(q) or 0
            if found is None or not idf:
                continue  # BM25Okapi adds 0.0 to every score here
            docs, q_freq = self._docs[found[0]:found[1]], self._counts[found[0]:found[1]]
            score[docs] += idf * (q_freq * (self._k1 + 1) / (q_freq + self._norm[docs]))
        return score


def tokens(text: str) -> list[str]:
    out = []
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


@dataclass
class Hit:
    record_id: str
    kind: str
    score: float
    why: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TitleMatch:
    record_id: str
    name: str
    score: float


# Names too generic to mean one record when they appear inside a longer question.
GENERIC_NAMES = frozenset({"nhs jobs", "nhs job", "jobs", "careers", "nhs", "care", "health",
                           "apprenticeship", "apprenticeships", "training", "support", "help"})


def normalise(text: str) -> str:
    """Lower-case words with common spelling slips folded: "fisio" and "physio" meet as "fisio"."""
    words = []
    # "children's" and "childrens" are one word.
    for word in _WORD.findall(text.lower().replace("'", "").replace("\u2019", "")):
        if len(word) >= 5:  # leave short words and abbreviations ("AA", "OT") alone
            word = re.sub(r"([a-z])\1", r"\1", word.replace("ph", "f").replace("ck", "k"))
        words.append(word)
    return " ".join(words)


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """Each word's character span and normalised form ("children's" is one word, as in ``normalise``)."""
    return [(m.start(), m.end(), normalise(m.group()))
            for m in re.finditer(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*", text)]


def _name_spans(tokens: list[tuple[int, int, str]], name: str) -> list[tuple[int, int]]:
    """Where a normalised name occurs, as word index ranges."""
    parts = [p.removesuffix("s") for p in name.split()]  # "nurses" is where "nurse" is named
    norm = [t[2].removesuffix("s") for t in tokens]
    return [(i, i + len(parts)) for i in range(len(norm) - len(parts) + 1) if norm[i:i + len(parts)] == parts]


def first_spans(text: str, names: dict[str, str]) -> dict[str, tuple[int, int]]:
    """For each key, the characters where its normalised name first occurs in the text (keys whose
    name does not occur are left out); the text is split into words once."""
    tokens = _tokens(text)
    found = {}
    for key, name in names.items():
        spans = _name_spans(tokens, name)
        if spans:
            found[key] = (tokens[spans[0][0]][0], tokens[spans[0][1] - 1][1])
    return found


def without_names(text: str, names: Iterable[str]) -> str:
    """The text with the given (normalised) names cut out, punctuation elsewhere kept.

    Words inside a job's name say nothing about what is asked: "support" in "healthcare support
    worker" is not a request for local support, nor "programme" in "scientist training programme".
    """
    tokens = _tokens(text)
    cut = [False] * len(tokens)
    for name in names:
        for start, end in _name_spans(tokens, name):
            cut[start:end] = [True] * (end - start)
    out, pos = [], 0
    for (start, end, _), drop in zip(tokens, cut):
        if drop:
            out.append(text[pos:start])
            pos = end
    out.append(text[pos:])
    return " ".join("".join(out).split())


class TitleIndex:
    """Names and other names of every record, matched exactly or fuzzily against query phrases."""

    def __init__(self, kb: KnowledgeBase):
        self.names: list[str] = []
        self.owner: list[str] = []
        self.is_role: list[bool] = []
        for record in kb.records.values():
            titles = [record.title, *record.other_titles]
            # "Clinical associate in psychology (CAP)" is also named without its abbreviation; brackets
            # that tell records apart ("GP practice", "Level 4") stay.
            titles += [bare for t in titles
                       if (bare := re.sub(r"\s*\([A-Z][A-Z&]{1,6}\)", "", t).strip()) != t]
            for name in dict.fromkeys(titles):
                norm = self._norm(name)
                if len(norm) >= 2 and " ".join(_WORD.findall(name.lower())) not in GENERIC_NAMES:
                    self.names.append(norm)
                    self.owner.append(record.id)
                    self.is_role.append(record.kind == "role")
        self._words = [len(name.split()) for name in self.names]
        self._spaced = [f" {name} " for name in self.names]
        # One question asks for exact and near names separately, and a class repeats questions.
        self.match = lru_cache(maxsize=4096)(self._match)

    @staticmethod
    def _norm(text: str) -> str:
        return normalise(text)

    def _match(self, query: str, limit: int = 8) -> tuple[TitleMatch, ...]:
        q = self._norm(query)
        words = q.split()
        best: dict[str, TitleMatch] = {}

        where: dict[str, int] = {}  # of equal names the one said first leads: "psychiatrist or psychologist"

        def keep(rid: str, name: str, score: float, at: int = 1 << 20) -> None:
            if rid not in best or score > best[rid].score:
                best[rid] = TitleMatch(rid, name, score)
                where[rid] = at

        padded = f" {q} "
        for idx, spaced in enumerate(self._spaced):
            if (at := padded.find(spaced)) >= 0:
                # Longer names are more specific ("mental health nurse" beats "nurse"); a job title
                # beats a programme name of the same length.
                keep(self.owner[idx], self.names[idx],
                     100.0 + self._words[idx] + (0.5 if self.is_role[idx] else 0.0), at)
        grams = {" ".join(words[i:i + n]) for n in (1, 2, 3, 4) for i in range(len(words) - n + 1)}
        # A name does not start or end with "an" or "the": "an apprenticeship" is no "admin apprenticeship".
        grams = {g for g in grams if len(g) >= 5 and g.split()[0] not in STOPWORDS
                 and g.split()[-1] not in STOPWORDS}
        if not grams:
            return tuple(sorted(best.values(), key=lambda m: (-m.score, where[m.record_id]))[:limit])
        ordered = list(grams)  # the set's own order, as the loop below always went
        # Every gram against every name in one call: what process.extract(gram, names, limit=3) did
        # per gram, without converting all the names again for each one.
        scores = process.cdist(ordered, self.names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF,
                               dtype=np.float64)
        for gram, row in zip(ordered, scores, strict=True):
            cutoff = 86 if len(gram) < 8 else FUZZY_CUTOFF
            found = np.flatnonzero(row >= cutoff)
            # Best three, ties by position in the list (process.extract's order).
            for idx in sorted(found.tolist(), key=lambda i: (-row[i], i))[:3]:
                name = self.names[idx]
                # A misspelt name has as many words as the real one ("hospital" is not "hospital
                # OT"), and its short words exactly: "an apprenticeship" is not the "AP apprenticeship".
                said = gram.split()
                if self._words[idx] == len(said) and all(
                        len(w) > 3 or w == s for w, s in zip(name.split(), said, strict=True)):
                    keep(self.owner[idx], name, float(row[idx]))
        return tuple(sorted(best.values(), key=lambda m: (-m.score, where[m.record_id]))[:limit])


# Everyday words for past jobs, folded onto the words our records use in ``previous_jobs``.
PAST_JOB_SYNONYMS = {
    "shop": "retail", "tills": "retail", "till": "retail", "cashier": "retail", "supermarket": "retail",
    "store": "retail", "sales": "retail", "cleaning": "cleaner", "driving": "driver",
    "cooking": "cook", "kitchen": "chef", "restaurant": "hospitality", "cafe": "hospitality",
    "waiter": "hospitality", "waitress": "hospitality", "bar": "hospitality", "hotel": "hotel",
    "security": "security", "guard": "security", "warehouse": "warehouse", "delivery": "delivery",
    "callcentre": "call centre", "mum": "carer for a relative", "dad": "carer for a relative",
    "parent": "carer for a relative", "nan": "carer for a relative", "army": "armed forces",
    "military": "armed forces", "soldier": "armed forces", "nursery": "childcare",
    "office": "office administrator", "admin": "administrator", "builder": "construction",
    "hairdresser": "beauty", "nails": "beauty", "school": "teaching assistant",
}


class PastJobIndex:
    """Which roles suit someone's previous job, from each role's ``previous_jobs`` list."""

    def __init__(self, kb: KnowledgeBase):
        # Records and questions are folded the same way, so "shop assistant" meets "worked in a shop".
        self.entries = [(self.fold(job), role.id, job) for role in kb.roles for job in role.previous_jobs]

    @staticmethod
    def fold(text: str) -> str:
        text = normalise(text.replace("call centre", "callcentre").replace("call center", "callcentre"))
        return " ".join(PAST_JOB_SYNONYMS.get(w, w) for w in text.split())

    def match(self, message: str, limit: int = 8) -> list[tuple[str, float, str]]:
        folded = self.fold(message)
        best: dict[str, tuple[float, str]] = {}
        for job, rid, label in self.entries:
            job_words = [w for w in job.split() if w not in STOPWORDS]
            if not job_words:
                continue
            # Share of the past job's words found in the message (a head noun like "retail" counts).
            score = 100.0 * sum(any(fuzz.ratio(j, w) >= 85 for w in folded.split()) for j in job_words) \
                / len(job_words)
            if score >= 50 and score > best.get(rid, (0.0, ""))[0]:
                best[rid] = (score, label)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
        return [(rid, score, job) for rid, (score, job) in ranked[:limit]]


class HybridRetriever:
    def __init__(self, kb: KnowledgeBase, store: Chroma):
        self.kb = kb
        self.store = store
        self.titles = TitleIndex(kb)
        self.past_jobs = PastJobIndex(kb)
        self._rows = kb.chunks
        self._bm25 = FastBM25([tokens(row.text) for row in self._rows])
        self._row_ids = [row.record_id for row in self._rows]
        self._row_kinds = [row.kind for row in self._rows]
        self._matrix: tuple[np.ndarray, list[str], list[str]] | None = None
        one_blas_thread()

    def _vectors(self) -> tuple[np.ndarray, list[str], list[str]]:
        """Every chunk vector, read from the index once: exact cosine over ~1,400 vectors in memory
        takes well under a millisecond, where a filtered Chroma query took ~15 ms here."""
        if self._matrix is None:
            got = self.store.get(include=["embeddings", "metadatas"])
            matrix = np.asarray(got["embeddings"], dtype=np.float32)
            matrix /= np.clip(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12, None)
            self._matrix = (matrix, [str(m["kind"]) for m in got["metadatas"]],
                            [str(m["record_id"]) for m in got["metadatas"]])
        return self._matrix

    def _cosines(self, text: str) -> np.ndarray:
        query = np.asarray(self.store.embeddings.embed_query(text), dtype=np.float32)
        return self._vectors()[0] @ (query / max(float(np.linalg.norm(query)), 1e-12))

    def _top(self, text: str, kinds: set[str], k: int) -> list[tuple[str, float]]:
        """Best (record id, cosine) per record among chunks of the given kinds, best first."""
        scores = self._cosines(text)
        _, chunk_kinds, owners = self._vectors()
        best: dict[str, float] = {}
        for i in np.argsort(-scores):
            if chunk_kinds[i] in kinds and owners[i] not in best:
                best[owners[i]] = float(scores[i])
                if len(best) >= k:
                    break
        return list(best.items())

    def dense(self, query: str, kinds: Iterable[str] | None = None, k: int = CANDIDATES,
              chroma: bool = False) -> list[str]:
        """Nearest records by meaning. ``chroma=True`` asks langchain's Chroma store instead of the
        in-memory copy: the plain baseline `pathways eval` reports beside the shipped retriever."""
        wanted = set(kinds or ["role", "route", "programme"])
        if not chroma:
            return [rid for rid, _ in self._top(query, wanted, k)]
        where = {"kind": next(iter(wanted))} if len(wanted) == 1 else {"kind": {"$in": sorted(wanted)}}
        docs = self.store.similarity_search_with_score(query, k=k, filter=where)
        return _dedupe(str(doc.metadata["record_id"]) for doc, _ in docs)

    def best_similarity(self, query: str) -> float:
        """Cosine similarity of the closest record or term: a cheap test of whether a question is ours."""
        top = self._top(query, {"role", "route", "programme", "term", "pay"}, 1)
        return top[0][1] if top else 0.0

    def role_similarity(self, text: str) -> dict[str, float]:
        """Cosine similarity of the words to every role (its closest section)."""
        return dict(self._top(text, {"role"}, len(self.kb.records)))

    def past_job_similarity(self, text: str) -> dict[str, float]:
        """Cosine similarity of the words to every listed previous job."""
        return dict(self._top(text, {"pastjob"}, len(self.kb.explore.past_jobs)))

    def bm25(self, query: str, kinds: Iterable[str] | None = None, k: int = CANDIDATES) -> list[str]:
        toks = tokens(query)
        if not toks:
            return []
        scores = self._bm25.get_scores(toks)
        allowed = set(kinds or ["role", "route", "programme"])
        # A stable sort, as sorted() was: equal scores keep chunk order.
        order = np.argsort(-scores, kind="stable")[: k * 4].tolist()
        ids, kinds_of = self._row_ids, self._row_kinds
        return _dedupe(ids[i] for i in order if scores[i] > 0 and kinds_of[i] in allowed)[:k]

    def title(self, query: str, kinds: Iterable[str] | None = None,
              exact: bool | None = None) -> list[str]:
        allowed = set(kinds or [])
        return [m.record_id for m in self.titles.match(query)
                if (not allowed or self.kb.records[m.record_id].kind in allowed)
                and (exact is None or (m.score >= 100) == exact)]

    def search(self, query: str, k: int = 5, kinds: Iterable[str] | None = None,
               use_title: bool = True, use_bm25: bool = True, use_dense: bool = True,
               chroma: bool = False) -> list[Hit]:
        kinds = list(kinds or [])
        lists: list[tuple[str, list[str], float]] = []
        if use_dense:
            lists.append(("meaning", self.dense(query, kinds, chroma=chroma), 1.0))
        if use_bm25:
            lists.append(("words", self.bm25(query, kinds), 1.0))
        if use_title:
            # A job named exactly is the strongest signal we have; a near-miss spelling counts less.
            lists.append(("name", self.title(query, kinds, exact=True), 3.0))
            lists.append(("near-name", self.title(query, kinds, exact=False), 1.0))
        return fuse(lists, self.kb, k)


def _dedupe(ids: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for rid in ids:
        seen.setdefault(rid, None)
    return list(seen)


def fuse(lists: list[tuple[str, list[str], float]], kb: KnowledgeBase, k: int) -> list[Hit]:
    """Reciprocal rank fusion of ranked record-id lists."""
    hits: dict[str, Hit] = {}
    for label, ids, weight in lists:
        for rank, rid in enumerate(ids):
            record = kb.records.get(rid)
            if record is None:
                continue
            hit = hits.setdefault(rid, Hit(rid, record.kind, 0.0))
            hit.score += weight / (RRF_K + rank + 1)
            hit.why.append(f"{label}#{rank + 1}")
    return sorted(hits.values(), key=lambda h: -h.score)[:k]
