"""Redacted questions and 👍/👎 feedback for the adviser view, in any SQLAlchemy database.

SQLite (a real file) by default; PostgreSQL or anything else SQLAlchemy speaks by URL, so only
portable SQL is used here. One engine per store and one connection per call, which is safe from
FastAPI's thread pool. Times are stored as naive UTC, because SQLite has no time zones.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ColumnElement,
    DateTime,
    ForeignKey,
    MetaData,
    String,
    Table,
    Text,
    and_,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError

from service.adviser.redact import redact

Vote = Literal["up", "down"]
REPORT_DAYS = 30
PURGE_EVERY = timedelta(hours=1)
MAX_TEXT = 2000

metadata = MetaData()
questions = Table(
    "adviser_questions", metadata,
    Column("id", String(32), primary_key=True),
    Column("site", String(40), nullable=False, index=True),
    Column("asked_at", DateTime, nullable=False, index=True),
    Column("question", Text, nullable=False),
    Column("normalised", Text, nullable=False),  # what top_questions groups by
    Column("intent", String(40), nullable=False),
    Column("in_scope", Boolean, nullable=False),
    Column("confident", Boolean, nullable=False),
    Column("sources", JSON, nullable=False),
    Column("level", String(20), nullable=False),
    Column("language", String(8)),
)
feedback_table = Table(
    "adviser_feedback", metadata,
    # The question id is the key: one vote per answer, and a later vote replaces the earlier one.
    Column("question_id", String(32), ForeignKey(questions.c.id), primary_key=True),
    Column("vote", String(4), nullable=False),
    Column("reason", String(20)),
    Column("comment", Text),
    Column("given_at", DateTime, nullable=False),
)


@dataclass(frozen=True)
class TopQuestion:
    text: str
    count: int


@dataclass(frozen=True)
class AskedQuestion:
    asked_at: datetime
    question: str
    intent: str
    in_scope: bool
    confident: bool
    sources: list[str]
    language: str | None


@dataclass(frozen=True)
class Feedback:
    given_at: datetime
    question: str
    vote: Vote
    reason: str | None
    comment: str | None


@dataclass(frozen=True)
class Day:
    day: date
    asked: int
    unanswered: int
    up: int
    down: int


@dataclass(frozen=True)
class SiteSummary:
    site: str
    questions: int
    unanswered: int
    up: int
    down: int
    last_asked: datetime | None


def normalise(text: str) -> str:
    """Lower case, no punctuation, single spaces: "How do I apply??" and "how do i apply" count as one."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _naive_utc(moment: datetime | None) -> datetime:
    if moment is None:
        return _utcnow()
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the admin pages read while the chat writes; busy_timeout waits out the other writer.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


UNANSWERED = or_(not_(questions.c.in_scope), not_(questions.c.confident))


class AdviserStore:
    def __init__(self, url: str, retention_days: int):
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        self.engine = make_engine(url)
        self.retention = timedelta(days=retention_days)
        metadata.create_all(self.engine)
        self._purge_lock = threading.Lock()
        self._last_purge = datetime.min
        self.purge()

    # --- writing ----------------------------------------------------------------------------------

    def record_question(self, site: str, question: str, *, intent: str, in_scope: bool, sources: list[str],
                        level: str, language: str | None, confident: bool, now: datetime | None = None) -> str:
        """Stores the question, redacted here whatever the caller did; returns its feedback id."""
        now = _naive_utc(now)
        text = redact(question)[:MAX_TEXT]  # redacted first, so a cut never leaves half a number
        question_id = uuid.uuid4().hex
        with self.engine.begin() as conn:
            conn.execute(insert(questions).values(
                id=question_id, site=site, asked_at=now, question=text, normalised=normalise(text),
                intent=intent[:40], in_scope=in_scope, confident=confident, sources=list(sources),
                level=level[:20], language=language[:8] if language else None))
        self._purge_now_and_then(now)
        return question_id

    def record_feedback(self, site: str, feedback_id: str, vote: Vote, reason: str | None,
                        comment: str | None, now: datetime | None = None) -> bool:
        """False when the id is unknown or was given to another site's visitor."""
        if vote not in ("up", "down"):
            raise ValueError(f"vote must be 'up' or 'down', not {vote!r}")
        values = {"vote": vote, "reason": reason if vote == "down" else None,
                  "comment": redact(comment)[:MAX_TEXT] if comment else None, "given_at": _naive_utc(now)}
        with self.engine.begin() as conn:
            owner = conn.scalar(select(questions.c.site).where(questions.c.id == feedback_id))
            if owner != site:  # unknown id (None) or another site's
                return False
            changed = conn.execute(update(feedback_table).where(feedback_table.c.question_id == feedback_id)
                                   .values(**values)).rowcount
            if changed:
                return True
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(feedback_table).values(question_id=feedback_id, **values))
        except IntegrityError:  # two first votes at once: the other one inserted, so this one replaces it
            with self.engine.begin() as conn:
                conn.execute(update(feedback_table).where(feedback_table.c.question_id == feedback_id)
                             .values(**values))
        return True

    def purge(self, now: datetime | None = None) -> int:
        """Deletes questions older than the retention period, with their feedback; returns how many."""
        cutoff = _naive_utc(now) - self.retention
        old = select(questions.c.id).where(questions.c.asked_at < cutoff)
        with self.engine.begin() as conn:
            conn.execute(delete(feedback_table).where(feedback_table.c.question_id.in_(old)))
            deleted = conn.execute(delete(questions).where(questions.c.asked_at < cutoff)).rowcount
        self._last_purge = _naive_utc(now)
        return deleted

    def _purge_now_and_then(self, now: datetime) -> None:
        # Retention has to hold even when nobody runs a scheduled job, so writes trigger it; once an
        # hour is enough for a period counted in days and keeps the DELETE off almost every request.
        if now - self._last_purge < PURGE_EVERY or not self._purge_lock.acquire(blocking=False):
            return
        try:
            if now - self._last_purge >= PURGE_EVERY:
                self.purge(now)
        finally:
            self._purge_lock.release()

    # --- reports ----------------------------------------------------------------------------------

    @staticmethod
    def _period(site: str, days: int, now: datetime | None) -> ColumnElement[bool]:
        since = _naive_utc(now) - timedelta(days=days)
        return and_(questions.c.site == site, questions.c.asked_at >= since)

    def top_questions(self, site: str, limit: int = 20, *, days: int = REPORT_DAYS,
                      now: datetime | None = None) -> list[TopQuestion]:
        """The most asked questions, counting ones that differ only in case, spaces or punctuation as one."""
        count = func.count().label("n")
        query = (select(func.min(questions.c.question), count).where(self._period(site, days, now))
                 .group_by(questions.c.normalised).order_by(count.desc(), func.max(questions.c.asked_at).desc())
                 .limit(limit))
        with self.engine.connect() as conn:
            return [TopQuestion(text, n) for text, n in conn.execute(query)]

    def unanswered(self, site: str, limit: int = 50, *, days: int = REPORT_DAYS,
                   now: datetime | None = None) -> list[AskedQuestion]:
        """Questions answered as out of scope or with low confidence, newest first."""
        c = questions.c
        query = (select(c.asked_at, c.question, c.intent, c.in_scope, c.confident, c.sources, c.language)
                 .where(self._period(site, days, now), UNANSWERED).order_by(c.asked_at.desc()).limit(limit))
        with self.engine.connect() as conn:
            return [AskedQuestion(*row) for row in conn.execute(query)]

    def feedback(self, site: str, limit: int = 50, *, days: int = REPORT_DAYS,
                 now: datetime | None = None) -> list[Feedback]:
        """Votes on answers, newest first, with the question they were about."""
        f = feedback_table.c
        query = (select(f.given_at, questions.c.question, f.vote, f.reason, f.comment)
                 .join_from(feedback_table, questions).where(self._period(site, days, now))
                 .order_by(f.given_at.desc()).limit(limit))
        with self.engine.connect() as conn:
            return [Feedback(*row) for row in conn.execute(query)]

    def trend(self, site: str, days: int = REPORT_DAYS, now: datetime | None = None) -> list[Day]:
        """One row per day, oldest first, days with no questions included; votes count on the day the
        question was asked. Counted here rather than in SQL because date functions differ by database."""
        today = _naive_utc(now).date()
        first = today - timedelta(days=days - 1)
        counts = {first + timedelta(days=i): [0, 0, 0, 0] for i in range(days)}
        query = (select(questions.c.asked_at, UNANSWERED, feedback_table.c.vote)
                 .outerjoin(feedback_table)
                 .where(questions.c.site == site, questions.c.asked_at >= datetime.combine(first, datetime.min.time())))
        with self.engine.connect() as conn:
            for asked_at, unanswered, vote in conn.execute(query):
                row = counts.get(asked_at.date())
                if row is None:  # later than `now` (only when a past `now` is given)
                    continue
                row[0] += 1
                row[1] += bool(unanswered)
                row[2] += vote == "up"
                row[3] += vote == "down"
        return [Day(day, *row) for day, row in counts.items()]

    def summary(self) -> list[SiteSummary]:
        """Every site with questions kept (within the retention period), in site order."""
        c, vote = questions.c, feedback_table.c.vote
        query = (select(c.site, func.count(), func.sum(case((UNANSWERED, 1), else_=0)),
                        func.count(case((vote == "up", 1))), func.count(case((vote == "down", 1))),
                        func.max(c.asked_at))
                 .outerjoin(feedback_table).group_by(c.site).order_by(c.site))
        with self.engine.connect() as conn:
            return [SiteSummary(site, n, int(unanswered or 0), up, down, last)
                    for site, n, unanswered, up, down, last in conn.execute(query)]

    def export_rows(self, site: str) -> Iterator[dict[str, object]]:
        """Every question kept for the site, oldest first, with its vote: the rows of the CSV export."""
        c, f = questions.c, feedback_table.c
        query = (select(c.asked_at, c.question, c.intent, c.in_scope, c.confident, c.sources, c.level,
                        c.language, f.vote, f.reason, f.comment)
                 .outerjoin(feedback_table).where(c.site == site).order_by(c.asked_at))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()  # read in one go so no connection stays open while streaming
        for row in rows:
            yield {"asked_at": row.asked_at.replace(tzinfo=UTC).isoformat(timespec="seconds"),
                   "question": row.question, "intent": row.intent, "in_scope": row.in_scope,
                   "confident": row.confident, "sources": list(row.sources), "level": row.level,
                   "language": row.language, "vote": row.vote, "reason": row.reason, "comment": row.comment}

    def close(self) -> None:
        self.engine.dispose()
