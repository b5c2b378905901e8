"""The assistant: understand the question, retrieve the records it is about, compose a cited answer."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import Counter, OrderedDict

from rapidfuzz import fuzz

from service import compose, compose_plain
from service.explorer.core import Explorer
from service.explorer.pathway_map import career_path, reachable
from service.intent import (ASIDE, CURRENT_JOB, DEFINE, FROM_JOB, GOAL_WORDS, HELPING, NHS_AREA, NO_GOAL,
                            TARGET_AFTER, TO_JOB, WANTS_APPRENTICESHIP, Understanding, is_follow_up,
                            neutralise, understand)
from service.knowledge_base import KnowledgeBase
from service.llm import Rephraser
from service.models import ChatRequest, ChatResponse, ChatTurn, SourcePublic
from service.multilingual import CrossLingual
from service.retrieval import Hit, HybridRetriever, TitleMatch, first_spans, normalise, tokens, without_names
from service.schema import AnyRecord, GlossaryTerm, LanguagePack, Programme, Role, Route, record_url
from service.trust import FigureChecker

log = logging.getLogger("pathways")

EMERGENCY_TEXT = (
    "I can't give medical advice, and this sounds like it may need help now.\n"
    "- If someone's life is at risk, call 999.\n"
    "- For urgent help that is not life-threatening, call 111 or go to 111.nhs.uk.\n"
    "- If you are thinking about hurting yourself, you can call Samaritans free on 116 123, any time.\n"
    "I'm here to help with questions about jobs and training in health and care."
)
SCOPE_TEXT = (
    "Sorry, I can only help with jobs, training and pay in health and social care in London. "
    "Try asking about a job (for example a porter or a care worker), how to get in, or where to "
    "get local help."
)
GREETING_TEXT = (
    "Hello! I can tell you about jobs in the NHS and social care in London: what the work is, "
    "how to get in (often with no qualifications), pay, and local help. What would you like to know?"
)
NEAR_NAME = 90  # rapidfuzz ratio for "fisiotherapist" ~ 93; weaker near-misses go to fusion only
PAY_INTENTS = ("pay", "compare")  # answers that quote the pay table, and so cite it
QUAL_ORDER = ["none", "gcse", "level3", "degree", "postgraduate"]
RELATED_FIT = 90  # rapidfuzz ratio of a record's name to the defined words, to offer it as more reading
OURS_SIMILARITY = 0.5  # cosine; unrelated questions measured 0.13-0.44, ours 0.57-0.70
NOT_FOUND_TEXT = "I couldn't find anything on that yet. Try naming a job, or ask which jobs need no qualifications."

# The same messages at the plain reading levels (ESOL Entry 3 and below): short sentences, same numbers.
PLAIN_TEXTS = {
    "emergency": ("I can't give medical advice. You may need help now.\n"
                  "- If a life is in danger, call 999.\n"
                  "- For urgent help, call 111.\n"
                  "- If you want to hurt yourself, call Samaritans on 116 123. It is free."),
    "scope": ("Sorry, I can only help with jobs in health and care in London. "
              "Ask me about a job. For example: a porter or a care worker."),
    "greeting": "Hello! Ask me about jobs in the NHS and in care in London. What do you want to know?",
    "not-found": "Sorry, I can't find that. Try the name of a job.",
}


NO_QUALIFICATIONS = re.compile(r"\b(no|without|don'?t have( any)?|zero|few|not many) (qualifications?|"
                               r"quals|experience|exams|gcses|certificates?)\b", re.I)
# The most someone says they have: "without a degree", "never went to uni" (then A levels at most).
NO_DEGREE = re.compile(r"\b((no|without( a)?|don'?t have( a)?|not got( a)?) (degree|uni|university)|"
                       r"(never|didn'?t|did not|not) (been |go |went |gone )?(to )?(uni|university))\b", re.I)
# Words that say how qualified someone is, or where, not what kind of work: left out when looking
# for the work they describe ("hospital lab... with no qualifications" is lab work).
ASKING_WORDS = frozenset("""hospital qualification qualifications qual quals experience exam exams gcse
gcses certificate certificates degree uni university never went didnt without like love enjoy really
someone person people something anything thing kind type sort start starting nhs london""".split())
LIKES = re.compile(r"\bi (really )?(like|love|enjoy|am interested in|'?m interested in)\b", re.I)
PAST_TALK = re.compile(r"\b(worked|used to|i was|i'?ve been|my last job)\b", re.I)
FOREIGN_NOTE = "Your question is in {name}. This answer is in simple English."
FOREIGN_SAFETY = "Emergency? Call 999. Urgent but not an emergency? Call 111."
ANSWER_CACHE_SIZE = 1024  # grounded answers kept in memory (a few KB each)
_WORDS = re.compile(r"[a-z0-9&]+")
LEVEL = re.compile(r"\blevel (\d)\b", re.I)
HELPER_NAME = re.compile(r"\b(asistant|assistant|suport worker|support worker|helper)$")
# What someone says a job is not is no search term: "helps in theatre but is not a nurse".
NEGATED = re.compile(r"\b(not|isn'?t|aren'?t|instead of|rather than)( the| a| an)? [a-z]+", re.I)


class AnswerCache:
    """Grounded answers by the whole request (message, history, level, borough and every other
    field), least recently used dropped first. A class of 20 asks the same few things; the answer
    to the same request from the same index is always the same. One cache per ChatService, so a
    new index (a new service) starts empty. Entries are copied in and out: callers may change the
    reply they get (the LLM rephrasing, the adviser's feedback id)."""

    def __init__(self, size: int):
        self.size = size
        self.hits = self.misses = 0
        self._items: OrderedDict[bytes, tuple[ChatResponse, list[str], list[str]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> tuple[ChatResponse, list[str], list[str]] | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
        reply, ranked, unsupported = found
        return reply.model_copy(deep=True), list(ranked), list(unsupported)

    def put(self, key: bytes, value: tuple[ChatResponse, list[str], list[str]]) -> None:
        if self.size <= 0:
            return
        reply, ranked, unsupported = value
        with self._lock:
            self._items[key] = (reply.model_copy(deep=True), list(ranked), list(unsupported))
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class ChatService:
    def __init__(self, kb: KnowledgeBase, retriever: HybridRetriever, explorer: Explorer, top_k: int = 5,
                 crosslingual: CrossLingual | None = None, rephraser: Rephraser | None = None,
                 answer_cache_size: int = ANSWER_CACHE_SIZE):
        self.kb = kb
        self.retriever = retriever
        self.explorer = explorer
        self.top_k = top_k
        self.crosslingual = crosslingual
        self.rephraser = rephraser
        self.figures = FigureChecker(kb)
        self.answers = AnswerCache(answer_cache_size)
        # Words in the titles of three or more jobs ("nurse", "assistant"): a name too wide alone.
        counts = Counter(w for role in kb.roles for w in set(normalise(role.title).split()))
        self._shared_words = {w for w, n in counts.items() if n >= 3}
        # Support jobs by their folded names ("fisiotherapy asistant"), for "a job helping the physio".
        self._helper_names = [(name, role) for role in kb.roles
                              for name in map(normalise, [role.title, *role.other_titles])
                              if HELPER_NAME.search(name)]
        # Every glossary name, folded once (it was folded again for every question).
        self._term_names = [(term, norm, len(norm.split())) for term in kb.terms.values()
                            for name in [term.term, *term.also]
                            if (norm := " ".join(_WORDS.findall(name.lower())))]

    # -- finding what the question is about ---------------------------------------------------
    def named_records(self, text: str, matches: tuple[TitleMatch, ...] | None = None) -> list[AnyRecord]:
        """Records the text names: exact names, or one confident misspelling when none is exact."""
        matches = self.retriever.titles.match(text) if matches is None else matches
        exact = [m for m in matches if m.score >= 100]
        near = [m for m in matches if NEAR_NAME <= m.score < 100][:1]
        # A misspelt name longer than every exact one is the better reading: "emergancy care
        # asistant" is the emergency care assistant, not the "care assistant" inside it.
        if near and len(exact) == 1 and len(near[0].name.split()) > len(exact[0].name.split()) \
                and set(exact[0].name.split()) <= set(near[0].name.split()):
            chosen = near + exact
        else:
            chosen = exact or near
        return [self.kb.records[m.record_id] for m in chosen]

    @staticmethod
    def _name_spans(message: str, named: list[AnyRecord],
                    matches: tuple[TitleMatch, ...]) -> dict[str, tuple[int, int]]:
        """Where each named record is named in the message (absent when by a misspelling), found
        once per question."""
        names = {m.record_id: m.name for m in matches}
        return first_spans(message, {r.id: names[r.id] for r in named if r.id in names})

    def _wanted_first(self, message: str, named: list[AnyRecord], matches: tuple[TitleMatch, ...],
                      spans: dict[str, tuple[int, int]],
                      progression: bool) -> tuple[list[AnyRecord], list[str]]:
        """With the job someone has and the job they want both named, the wanted one leads:
        "I'm a podiatry assistant, can I become a podiatrist while working?" is about podiatrist.
        Asked what comes next, the job they have is the subject. Also returns the names set aside,
        which are left out of the search too."""
        names = {m.record_id: m.name for m in matches}
        where = {r.id: span[0] if (span := spans.get(r.id)) else None for r in named}
        # A job named only in passing is not the subject: "...but are not nurses", "instead of the
        # doctor", "do I need to be a nurse", "a job helping the physio".
        aside = [r for r in named if (at := where[r.id]) is not None and ASIDE.search(message[:at])]
        helped = [r for r in named if (at := where[r.id]) is not None and HELPING.search(message[:at])]
        named = [r for r in named if r not in aside and r not in helped]
        # "A job helping the physio": the assistant's job in the same field, when there is one.
        named = [*(a for r in helped if (a := self._assistant_for(r)) is not None), *named]
        aside_names = [names[r.id] for r in aside]
        if len(named) < 2:
            return named, aside_names
        targets = [m.end() for m in TARGET_AFTER.finditer(message)]
        current = set() if progression else {m.end() for m in CURRENT_JOB.finditer(message)}

        def order(record: AnyRecord) -> tuple[bool, bool]:
            at = where.get(record.id)
            wanted = at is not None and bool(targets) and at >= targets[0]
            return not wanted, at in current
        return sorted(named, key=order), aside_names  # stable: otherwise the order stays

    def _assistant_for(self, record: AnyRecord) -> Role | None:
        """The support job in a record's field: physiotherapist → a physiotherapy assistant's job.
        Found by names: a role named "<same field> assistant / support worker / helper"."""
        stem = normalise(record.title).split()[0][:4]
        found = [(len(name), role) for name, role in self._helper_names
                 if role.id != record.id and name.split()[0].startswith(stem)]
        return min(found, key=lambda f: f[0])[1] if found else None

    def _specialised(self, message: str, subject: list[AnyRecord],
                     matches: tuple[TitleMatch, ...]) -> list[AnyRecord]:
        """A one-word name shared by many jobs ("nurse") stands for the kind of it the rest of the
        question describes: "a nurse in the special care baby unit" is a neonatal nurse."""
        if not subject or not isinstance(subject[0], Role):
            return subject
        name = next((m.name for m in matches if m.record_id == subject[0].id), "")
        if len(name.split()) != 1 or name not in self._shared_words:
            return subject
        rest = without_names(message, [name])
        for hit in self.retriever.search(rest, k=3, kinds=["role"])[:1]:
            role = self.kb.records[hit.record_id]
            if role.id != subject[0].id and name in normalise(role.title).split():
                return [role, *subject]
        return subject

    def _career_move(self, message: str, subject: list[AnyRecord], matches: tuple[TitleMatch, ...],
                     spans: dict[str, tuple[int, int]], progression: bool) -> tuple[Role | None, Role | None]:
        """The job someone has and the job they want, where the question shows them.

        Two jobs named: the one after "I'm a" / "from" is where they start, the one after "become" /
        "to" where they want to go; failing words, the usual moves between jobs decide, then the
        order they were named in. One job named after "I'm a": what they want may be described
        instead ("...can I train to do ultrasound scans"), and is looked for by meaning, first
        among the jobs that job usually leads to."""
        roles = [r for r in subject if isinstance(r, Role)]
        spans = {r.id: spans[r.id] for r in roles if r.id in spans}
        where = {rid: span[0] for rid, span in spans.items()}

        def inside(rid: str) -> bool:
            a, b = spans[rid]
            return any(o != rid and c <= a and b <= d and d - c > b - a for o, (c, d) in spans.items())
        # "band 3 HCA" holds "HCA": the longer name is the job meant.
        roles = [r for r in roles if r.id not in spans or not inside(r.id)]
        starts = {m.end() for p in (CURRENT_JOB, FROM_JOB) for m in p.finditer(message)}
        goals = {m.end() for p in (TARGET_AFTER, TO_JOB) for m in p.finditer(message)}
        named_apart = [r for r in roles if r.id in spans]
        if len(named_apart) >= 2:
            a, b = named_apart[0], named_apart[1]
            if where.get(a.id) in starts or where.get(b.id) in goals:
                return a, b
            if where.get(b.id) in starts or where.get(a.id) in goals:
                return b, a
            if career_path(self.kb, a.id, b.id) is not None:
                return a, b
            if career_path(self.kb, b.id, a.id) is not None:
                return b, a
            ordered = sorted((a, b), key=lambda r: where.get(r.id) or 0)
            return ordered[0], ordered[1]
        if not roles:
            return None, None
        role, at = roles[0], where.get(roles[0].id)
        if at in goals:
            return None, role
        # Where they start: after "I'm a", or first in a question about moving on ("finance
        # assistant, how do I move up to accountant?").
        if at is None or (at not in starts and not (progression and at == 0)):
            return role, None
        wanted = GOAL_WORDS.search(message, spans[role.id][1])
        what = [w for w in tokens(wanted.group("what")) if w not in NO_GOAL] if wanted else []
        if not what:
            return role, None
        if any(m.record_id == role.id for m in self.retriever.titles.match(wanted.group("what"))):
            return None, role  # "I was a nurse in Syria, can I work as a nurse here?"
        found = [h.record_id for h in self.retriever.search(" ".join(what), k=8, kinds=["role"])
                 if h.record_id != role.id]
        near = reachable(self.kb, role.id)
        goal = next((rid for rid in found[:3] if rid in near), found[0] if found else None)
        return role, self.kb.role(goal) if goal else None

    def _from_history(self, history: list[ChatTurn]) -> list[AnyRecord]:
        # What the person asked about wins over words in our own earlier answers.
        for speaker in ("user", "assistant"):
            for turn in reversed(history):
                if turn.role == speaker:
                    named = self.named_records(turn.content)
                    if named:
                        return named[:2]
        # Nothing named: the best match for the last question stands in ("reception at a GP").
        last = next((t.content for t in reversed(history) if t.role == "user"), None)
        hits = self.retriever.search(last, k=1) if last else []
        return [self.kb.records[hits[0].record_id]] if hits else []

    def _term(self, message: str) -> tuple[GlossaryTerm | None, int]:
        """The glossary term a question asks to have explained, and its length in words.

        Only the thing being defined counts: "what is a DBS check", "what does AfC mean" — not a
        word in passing ("what does a domestic do on a hospital ward"). Whole words only, longest
        name first, so "Trac" never matches inside "contract".
        """
        text = " ".join(_WORDS.findall(message.lower()))
        asks_meaning = re.search(r"\b(mean|means|meaning|stand for|stands for)\b", text) is not None
        subject = re.sub(r"^(what s|what is|what are|what does|whats|meaning of|define|explain)"
                         r"( an?| the)? ", "", text)
        best, best_len = None, 0
        subject_, text_ = f"{subject} ", f" {text} "
        for term, norm, words in self._term_names:
            if words <= best_len:
                continue
            if subject_.startswith(f"{norm} ") or (asks_meaning and f" {norm} " in text_):
                best, best_len = term, words
        return best, best_len

    def _term_or_record(self, message: str, term: GlossaryTerm) -> tuple[AnyRecord | None, bool]:
        """The record closest to what a "what is..." question names, and whether the glossary term
        names it at least as closely. "What is domiciliary care work?" is the home care worker job
        more than the term "domiciliary care"; "what does bank work mean?" is the term, with the
        bank work route as further reading."""
        subject = normalise(re.sub(r"^\s*(what('?s| is| are| does| do)|meaning of|define|explain)"
                                   r"( an?| the)?\b|\b(mean|means|meaning|stand for|stands for)\b.*$"
                                   r"|\bin the nhs\b", " ", message, flags=re.I))
        term_fit = max(fuzz.ratio(subject, normalise(n)) for n in [term.term, *term.also])
        best, best_fit = None, 0.0
        for hit in self.retriever.search(message, k=3):
            record = self.kb.records[hit.record_id]
            # "Bank work (NHS staff bank)" is named "bank work" too.
            names = [record.title, re.sub(r"\s*\([^)]*\)", "", record.title), *record.other_titles]
            fit = max(fuzz.ratio(subject, normalise(n)) for n in names)
            if fit > best_fit:
                best, best_fit = record, fit
        if best is not None and best_fit > term_fit:
            return best, False
        # Short names are too close to each other to relate by spelling: HCAS is not an HCA.
        return (best if best_fit >= RELATED_FIT and len(subject) >= 6 else None), True

    # -- answering ------------------------------------------------------------------------------
    def answer(self, req: ChatRequest) -> ChatResponse:
        return self.answer_checked(req)[0]

    def answer_checked(self, req: ChatRequest,
                       use_llm: bool = True) -> tuple[ChatResponse, list[str], list[str]]:
        """The answer, every record considered in rank order (what evals score), and any figures
        the trust check had to remove (should be none). ``use_llm=False`` gives the grounded answer
        even when an LLM is configured (the streaming route rephrases it itself)."""
        # A digest, not the request: a key with 20 turns of history could be ~80 KB.
        key = hashlib.blake2b(req.model_dump_json().encode(), digest_size=16).digest()
        cached = self.answers.get(key)
        if cached is None:
            cached = self._grounded(req)
            self.answers.put(key, cached)
        reply, ranked, unsupported = cached
        if use_llm and self.rephraser is not None and reply.in_scope and reply.intent != "define":
            used, pay_cited = self.cited(reply)
            result = self.rephraser.rephrase(req.message, reply.answer, used, pay_cited)
            reply.answer, reply.rephrased = result.text, result.used_model
        return reply, ranked, unsupported

    def _grounded(self, req: ChatRequest) -> tuple[ChatResponse, list[str], list[str]]:
        message = neutralise(req.message)
        if self.crosslingual is not None:
            pack = self.crosslingual.language(message)
            if pack is not None:
                return self._foreign(message, pack, req)
        return self._english(req, message)

    def cited(self, reply: ChatResponse) -> tuple[list[AnyRecord], bool]:
        """The records an answer cites, and whether it cites the pay table."""
        return ([self.kb.records[s.id] for s in reply.sources if s.id in self.kb.records],
                any(s.kind == "pay" for s in reply.sources))

    def _english(self, req: ChatRequest, message: str) -> tuple[ChatResponse, list[str], list[str]]:
        matches = self.retriever.titles.match(message)
        named = self.named_records(message, matches)
        term, term_len = self._term(message) if DEFINE.search(message) else (None, 0)
        # Question words are read with job and route names cut out ("support" in "peer support
        # worker"); route names only when long, as short ones are everyday phrases ("step up").
        names = [m.name for m in matches if m.score >= 100 and (
            self.kb.records[m.record_id].kind == "role"
            or (self.kb.records[m.record_id].kind == "route" and len(m.name.split()) >= 3))]
        asked = without_names(message, names)
        u = understand(message, bool(named) or term is not None, asked)
        spans = self._name_spans(message, named, matches)
        named, aside = self._wanted_first(message, named, matches, spans, u.intent == "progression")
        named = self._specialised(message, named, matches)
        start, goal = self._career_move(message, named, matches, spans, u.intent == "progression") \
            if u.intent in ("progression", "entry") else (None, None)
        if goal is not None:
            named = [goal, *([start] if start else []), *(r for r in named if r not in (goal, start))]
        subject = named
        if not named and req.history and (is_follow_up(message) or u.intent in
                                          ("pay", "entry", "progression", "local", "out-of-scope")):
            subject = self._from_history(req.history)
            if subject:
                u = understand(message + " " + subject[0].title, True, asked)
        if u.intent == "out-of-scope" and self.retriever.best_similarity(message) >= OURS_SIMILARITY:
            # No career word, but the question sits close to our content ("people who do ECGs").
            u = understand(message, True, asked)
        borough = u.borough or req.borough
        plain = req.level != "standard"
        if u.intent == "emergency":
            return self._reply(PLAIN_TEXTS["emergency"] if plain else EMERGENCY_TEXT, [],
                               ["What jobs are there in a hospital?"], u, False), [], []
        if u.intent == "out-of-scope":
            return self._reply(PLAIN_TEXTS["scope"] if plain else SCOPE_TEXT, [],
                               compose.suggestions_for(None, borough), u, False), [], []
        if u.intent == "greeting":
            return self._reply(PLAIN_TEXTS["greeting"] if plain else GREETING_TEXT, [],
                               compose.suggestions_for(None, borough), u, True), [], []

        record_names = [len(m.name.split()) for m in matches if m.score >= 100]
        # Explain the word unless a job, route or programme is named at least as fully ("social work
        # england" is the regulator; "nursing associate" is the job; "care certificate" the route).
        related, defines = self._term_or_record(message, term) if term is not None else (None, False)
        if defines and term is not None and term_len > max(record_names, default=0):
            u = Understanding("define", u.borough, u.band, True)
            text, used = compose.term_text(term, req.level), [related] if related else []
            if related is not None:
                text += f"\n\n{'More about this' if req.level == 'standard' else 'Read more'}: " \
                        f"{related.title}.\n{compose.summary(related, req.level)}"
            text, unsupported = self._checked(text, used, False, cited=term.model_dump_json())
            return (self._reply(text, used, compose.suggestions_for(related, borough), u, True),
                    [r.id for r in used], unsupported)

        searched = NEGATED.sub(" ", without_names(message, aside) if aside else message)
        query = searched if named or not subject else f"{searched} {subject[0].title}"
        hits = self.retriever.search(query, k=self.top_k)
        composed = self._compose(u, message, subject, hits, borough, req.level, (start, goal))
        first = composed.used[0] if composed.used else None
        suggestions = composed.suggestions or compose.suggestions_for(first, borough)
        ranked = [r.id for r in composed.used] + [r.id for r in subject] + [h.record_id for h in hits]
        text, unsupported = self._checked(composed.text, composed.used,
                                          u.intent in PAY_INTENTS)
        return (self._reply(text, composed.used, suggestions, u, True), list(dict.fromkeys(ranked)),
                unsupported)

    def _foreign(self, message: str, pack: LanguagePack,
                 req: ChatRequest) -> tuple[ChatResponse, list[str], list[str]]:
        """A question in another language, answered in simple English (the learner is learning
        English) with one line saying so. When the language pack's words show what is asked, the
        question is put into plain English, shown to the learner, and answered like any other;
        otherwise the records closest across languages are described. Every such answer says
        where to get urgent help, in case it was an emergency we could not read."""
        assert self.crosslingual is not None
        plain: compose.Level = "first-steps" if req.level == "first-steps" else "simple"
        note = " ".join(filter(None, [pack.answer_note, FOREIGN_NOTE.format(name=pack.name)]))
        said = self.crosslingual.understand(message)
        english = [h.record_id for h in self.retriever.search(message, k=10)]
        across = self.crosslingual.search(message, said, english)
        question = self.crosslingual.english_question(said)
        if question is not None:
            reply, ranked, unsupported = self._english(
                ChatRequest(message=question, level=plain, borough=req.borough), question)
            reply.answer = f"{note}\nI understood: “{question}”\n\n{reply.answer}\n\n{FOREIGN_SAFETY}"
            reply.intent, reply.in_scope, reply.language = "other-language", True, pack.language
            return reply, list(dict.fromkeys(ranked + across)), unsupported
        records = [self.kb.records[rid] for rid in across if rid in self.kb.records][:3]
        if not records:
            body = PLAIN_TEXTS["not-found"]
        else:
            body = compose.record_text(self.kb, records[0], plain)
            if len(records) > 1:
                body += "\n\nAlso look at: " + "; ".join(r.title for r in records[1:]) + "."
        text, unsupported = self._checked(f"{note}\n\n{body}\n\n{FOREIGN_SAFETY}", records, False)
        u = Understanding("other-language", None, None, True)
        reply = self._reply(text, records, compose.suggestions_for(records[0] if records else None, None),
                            u, True)
        reply.language = pack.language
        return reply, across, unsupported

    def _checked(self, text: str, used: list[AnyRecord], pay_cited: bool,
                 cited: str = "") -> tuple[str, list[str]]:
        """Drop any line whose figure no cited record supports (a composer bug, never shown)."""
        unsupported = self.figures.unsupported(text, used, pay_cited, cited)
        if not unsupported:
            return text, []
        log.warning("trust check removed unsupported figures: %s", unsupported)
        kept = [line for line in text.splitlines()
                if not self.figures.unsupported(line, used, pay_cited, cited)]
        return "\n".join(kept + ["For pay, check the job advert."]), unsupported

    def _compose(self, u: Understanding, message: str, subject: list[AnyRecord], hits: list[Hit],
                 borough: str | None, level: compose.Level,
                 move: tuple[Role | None, Role | None] = (None, None)) -> compose.Composed:
        kb = self.kb
        ranked = subject + [kb.records[h.record_id] for h in hits
                            if kb.records[h.record_id] not in subject]
        roles = [r for r in ranked if isinstance(r, Role)]
        top = ranked[0] if ranked else None
        if u.intent == "pay" and roles:
            role = roles[0]
            return compose.Composed(compose.pay_text(kb, role, borough, level), [role])
        if u.intent == "pay" and not roles:
            return compose.Composed(compose.general_pay_text(kb, level), [])
        if u.intent == "compare" and len(roles) >= 2:
            chosen = [r for r in subject if isinstance(r, Role)][:3]
            chosen = chosen if len(chosen) >= 2 else roles[:2]
            return compose.Composed(compose.compare_text(kb, chosen, level), chosen)
        if u.intent == "local":
            return self._local(message, subject, ranked, borough, level, u.asks_help)
        if u.intent == "suggest" and WANTS_APPRENTICESHIP.search(message):
            found = self._apprenticeships_like(message)
            if found:
                text = compose.route_text(found[0], level)
                if len(found) > 1:
                    label = "Other apprenticeships" if level == "standard" else "Also look at"
                    text += f"\n\n{label}: " + "; ".join(r.title for r in found[1:3]) + "."
                return compose.Composed(text, found[:3])
        if u.intent == "suggest":
            return self._suggest(message, roles, level)
        most = self._most_qualified(message) if not subject and u.intent in ("entry", "about") else None
        if most is not None:
            # "Jobs on a psychiatric ward without a degree": no job named, so jobs they can start.
            return self._within_reach(message, most, level)
        if top is None:
            return compose.Composed(self._not_found(level), [])
        if isinstance(top, Role) and u.intent in ("entry", "about", "progression") and \
                WANTS_APPRENTICESHIP.search(message):
            start, goal = move
            steps = [goal] if goal is not None else [top] if u.intent != "progression" else \
                [r for r in map(kb.role, top.progression) if r is not None]
            found = [(role, route) for role in steps
                     for route in self._apprenticeships_for(role, message)][:1]
            if found:
                role, route = found[0]
                text = (f"{compose.route_text(route, level)}\n\n"
                        f"{'About the job' if level == 'standard' else 'The job'}: {role.title}.\n"
                        f"{compose.summary(role, level)}")
                return compose.Composed(text, [route, role] if role is top else [route, role, top])
        if isinstance(top, Role) and u.intent in ("entry", "progression"):
            return self._career_answer(u, top, move, subject, level)
        text = compose.record_text(kb, top, level)
        used = [top]
        more = [r for r in ranked[1:3] if r.kind == top.kind]
        if more and not subject:
            text += ("\n\nYou might also like: " if level == "standard" else "\n\nAlso look at: ") + \
                "; ".join(r.title for r in more) + "."
            used += more
        return compose.Composed(text, used)

    def _career_answer(self, u: Understanding, top: Role, move: tuple[Role | None, Role | None],
                       subject: list[AnyRecord], level: compose.Level) -> compose.Composed:
        """How to get in, how to get from one job to another, or where a job leads. The job the
        answer is about is cited first: the one wanted, or for "what next?" the next jobs."""
        kb = self.kb
        start, goal = move
        if goal is not None and start is not None:
            path = career_path(kb, start.id, goal.id)
            if path is not None and u.intent == "progression":
                return compose.Composed(compose.career_path_text(kb, path, level), [goal, *path[1:-1], start])
            text = compose.role_entry(kb, goal, level)
            if path is not None:
                # Arrows scan well on screen; learners' read-aloud says "then".
                text += ("\n\nA usual path: " + " → ".join(r.title for r in path) if level == "standard"
                         else "\n\nSteps: " + ", then ".join(r.title for r in path)) + "."
            return compose.Composed(text, [goal, *self._routes_of(goal), *path[1:-1], start]
                                    if path else [goal, *self._routes_of(goal), start])
        if u.intent == "entry" or goal is not None:
            return compose.Composed(compose.role_entry(kb, top, level), [top, *self._routes_of(top)])
        # Where the job leads: those next jobs are what the answer is about, one they named first.
        steps = sorted((r for r in map(kb.role, top.progression) if r is not None),
                       key=lambda r: r not in subject)
        return compose.Composed(compose.role_progression(kb, top, level), [*steps, top])

    def _apprenticeships_like(self, message: str) -> list[Route]:
        """Apprenticeships closest to the question ("I worked in a call centre - is there a customer
        service apprenticeship?"), for questions about a past job rather than a named one."""
        hits = self.retriever.search(message, k=12, kinds=["route"])
        found = [self.kb.records[h.record_id] for h in hits]
        return [r for r in found
                if isinstance(r, Route) and r.type == "apprenticeship" and r.status == "current"]

    def _apprenticeships_for(self, role: Role, message: str) -> list[Route]:
        """Apprenticeships that lead to the role: at the level asked for, then those its profile
        lists as ways in."""
        listed = {rid: i for i, rid in enumerate(role.entry_routes)}
        found = [r for r in self.kb.routes if r.type == "apprenticeship" and r.status == "current"
                 and role.id in r.leads_to]
        level = LEVEL.search(message)
        return sorted(found, key=lambda r: (level is not None and str(r.level) != level.group(1),
                                            listed.get(r.id, len(listed))))

    def _routes_of(self, role: Role) -> list[AnyRecord]:
        return [self.kb.records[r] for r in role.entry_routes[:3] if r in self.kb.records]

    def _local(self, message: str, subject: list[AnyRecord], ranked: list[AnyRecord],
               borough: str | None, level: compose.Level, asks_help: bool = True) -> compose.Composed:
        programmes = [p for p in self.kb.programmes if borough is None or borough in p.boroughs]
        role_ids = {r.id for r in subject if isinstance(r, Role)}
        hits = self.retriever.search(message, k=40, kinds=["programme"])
        relevance = {h.record_id: i for i, h in enumerate(hits)}
        area = NHS_AREA.search(message) is not None
        # The ICS first when asked which NHS area a place is in; then programmes leading to the
        # asked-about job, then the closest to what was asked, then local before pan-London, then
        # those known to be running.
        programmes.sort(key=lambda p: (area and p.type != "ics", not role_ids & set(p.leads_to),
                                       relevance.get(p.id, 999), len(p.boroughs) > 10,
                                       p.status != "current"))
        chosen: list[Programme] = programmes[:3]
        if not chosen:
            return compose.Composed(self._not_found(level), [])
        where = f"in {borough}" if borough else "in London"
        intro = f"Help to get into health and care jobs {where}:" if level == "standard" else \
            f"Help to find a job {where}:"
        body = "\n\n".join(compose.programme_text(p, level, borough) for p in chosen)
        # A job named or strongly implied in the question is worth a pointer alongside local help.
        jobs = [r for r in ranked[:3] if isinstance(r, Role)][:1]
        named_job = [r for r in subject if isinstance(r, Role)][:1]
        if named_job and not asks_help:
            # "Receptionist jobs in Lewisham": the job first, then who helps locally.
            job = named_job[0]
            text = (f"{compose.record_text(self.kb, job, level)}\n\n{intro}\n\n{body}")
            return compose.Composed(text, [job, *chosen])
        if jobs:
            body += f"\n\nAbout the job: {jobs[0].title}.\n{compose.summary(jobs[0], level)}"
        return compose.Composed(f"{intro}\n\n{body}", [*chosen, *jobs])

    def _suggest(self, message: str, roles: list[Role], level: compose.Level) -> compose.Composed:
        """Roles for someone's past job (from ``previous_jobs``), then by meaning; reasons shown."""
        reasons: dict[str, str] = {}
        by_id = {r.id: r for r in self.kb.roles}
        meaning = {r.id: i for i, r in enumerate(roles)}
        # "I like music... is there a job in care homes?" tells an interest, not a past job in care.
        interest_only = LIKES.search(message) and not (PAST_TALK.search(message)
                                                       or CURRENT_JOB.search(message))
        most = self._most_qualified(message)
        # With a limit on qualifications, more candidates to keep five within it.
        found = None if interest_only else \
            self.explorer.suggest_for_past_job(message, limit=5 if most is None else 40)
        if found is not None:
            # A job on the explorer's list: use the same explainable ranking as "I used to work as",
            # keeping to jobs they can start with what they say they have.
            allowed = QUAL_ORDER[: QUAL_ORDER.index(most) + 1] if most else QUAL_ORDER
            ranked = [r for r in found.ranked if r.role.qualifications_needed in allowed][:5] \
                or found.ranked[:5]
            return self._suggestion_text([r.role for r in ranked],
                                         {r.role.id: r.reasons[0].lower() for r in ranked if r.reasons},
                                         level)
        if most is not None and not PAST_TALK.search(message):
            return self._within_reach(message, most, level)
        # Best match on the past job first; among equals, jobs that are easier to start and
        # closer in meaning to the whole question.
        matches = sorted(self.retriever.past_jobs.match(message, limit=40),
                         key=lambda m: (-m[1], QUAL_ORDER.index(by_id[m[0]].qualifications_needed),
                                        meaning.get(m[0], 999)))
        for rid, _, job in matches:
            reasons.setdefault(rid, f"suits people who have worked as a {job}")
        chosen = [by_id[rid] for rid in reasons][:5]
        chosen += [r for r in roles if r not in chosen][: max(0, 5 - len(chosen))]
        return self._suggestion_text(chosen, reasons, level)

    def _within_reach(self, message: str, most: str, level: compose.Level) -> compose.Composed:
        """Jobs someone can start with what they say they have ("no qualifications", "without a
        degree"). When they describe the work ("in the hospital lab"), those closest to it first;
        otherwise those whose profiles welcome the widest range of past jobs (porter, domestic,
        catering...), and in a hospital question hospital jobs before care in people's homes."""
        allowed = QUAL_ORDER[: QUAL_ORDER.index(most) + 1]
        open_roles = [r for r in self.kb.roles if r.qualifications_needed in allowed]
        described = " ".join(w for w in tokens(message) if w not in ASKING_WORDS)
        closeness = {h.record_id: i for i, h in enumerate(
            self.retriever.search(described, k=40, kinds=["role"]))} if described else {}
        hospital = "hospital" in message.lower()
        open_roles.sort(key=lambda r: (closeness.get(r.id, 999), hospital and r.family == "social-care",
                                       -len(r.previous_jobs), r.title))
        why = "no qualifications needed to start" if most == "none" else "no degree needed to start"
        return self._suggestion_text(open_roles[:5], {r.id: why for r in open_roles}, level)

    @staticmethod
    def _most_qualified(message: str) -> str | None:
        """The highest qualification someone says they have, when they say so."""
        if NO_QUALIFICATIONS.search(message):
            return "none"
        # Most jobs listed as needing A levels need them to start a degree, so "without a degree"
        # leaves jobs needing GCSEs at most.
        return "gcse" if NO_DEGREE.search(message) else None

    def _suggestion_text(self, chosen: list[Role], reasons: dict[str, str],
                         level: compose.Level) -> compose.Composed:
        if not chosen:
            return compose.Composed(self._not_found(level), [])
        if level != "standard":
            lines = ["Jobs for you:" if level == "first-steps" else "Jobs that could suit you:"]
            for role in chosen:
                lines += [f"- {role.title}.", compose.summary(role, "first-steps"),
                          compose_plain.qualification(role, level)]
            return compose.Composed("\n".join(lines), list(chosen))
        lines = ["Jobs that could suit you:"]
        for role in chosen:
            start = compose.QUALIFICATION_LABELS[role.qualifications_needed].lower()
            why = reasons.get(role.id)
            why = None if why == start else why
            lines.append(f"- {role.title}: {compose.summary(role, 'simple')}"
                         f" ({start}{'; ' + why if why else ''}).")
        return compose.Composed("\n".join(lines), list(chosen))

    @staticmethod
    def _not_found(level: compose.Level) -> str:
        return NOT_FOUND_TEXT if level == "standard" else PLAIN_TEXTS["not-found"]

    def _reply(self, text: str, used: list[AnyRecord], suggestions: list[str], u: Understanding,
               in_scope: bool) -> ChatResponse:
        unique: dict[str, AnyRecord] = {}
        for record in used:
            unique.setdefault(record.id, record)
        sources = [SourcePublic(id=r.id, kind=r.kind, title=r.title, url=record_url(r.kind, r.id))
                   for r in unique.values()]
        if u.intent in PAY_INTENTS and in_scope:
            sources.append(SourcePublic(id="pay", kind="pay", title=f"NHS pay {self.kb.pay.current_year}",
                                        url="/pay"))
        return ChatResponse(answer=text, sources=sources, suggestions=suggestions[:4],
                            in_scope=in_scope, intent=u.intent)
