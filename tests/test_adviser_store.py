"""The adviser store on a real SQLite file: recording, feedback, retention and the reports."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from service.adviser.store import AdviserStore, normalise

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "adviser.db"


@pytest.fixture
def store(db_path: Path) -> AdviserStore:
    made = AdviserStore(f"sqlite:///{db_path}", retention_days=90)
    yield made
    made.close()


def ask(store: AdviserStore, question: str, site: str = "hackney-jobclub", *, in_scope: bool = True,
        confident: bool = True, when: datetime = NOW) -> str:
    return store.record_question(site, question, intent="pay", in_scope=in_scope, sources=["band-5-pay"],
                                 level="simple", language=None, confident=confident, now=when)


def raw_rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def test_a_real_file_in_wal_mode_with_its_folder_made(store: AdviserStore, db_path: Path):
    ask(store, "How much does a porter earn?")
    assert db_path.is_file()
    assert raw_rows(db_path, "PRAGMA journal_mode") == [("wal",)]


def test_the_store_redacts_whatever_the_caller_passes(store: AdviserStore, db_path: Path):
    feedback_id = ask(store, "My name is Sarah Jones, 07700 900123, sara@example.com, E8 1DY. Band 5 pay?")
    assert store.record_feedback("hackney-jobclub", feedback_id, "down", "incomplete",
                                 "ring me on 020 7946 0000 please")
    stored = raw_rows(db_path, "SELECT question FROM adviser_questions")[0][0]
    assert stored == "My name is [name], [phone], [email], [postcode]. Band 5 pay?"
    assert raw_rows(db_path, "SELECT comment FROM adviser_feedback") == [("ring me on [phone] please",)]
    everything = " ".join(str(v) for row in store.export_rows("hackney-jobclub") for v in row.values())
    assert "07700" not in everything and "Sarah" not in everything and "7946" not in everything


def test_feedback_ids_are_opaque_and_unique(store: AdviserStore):
    ids = {ask(store, "What is a HCA?") for _ in range(20)}
    assert len(ids) == 20 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_feedback_only_for_a_known_id_of_the_same_site(store: AdviserStore):
    feedback_id = ask(store, "What is a HCA?")
    assert not store.record_feedback("other-site", feedback_id, "up", None, None)
    assert not store.record_feedback("hackney-jobclub", "0" * 32, "up", None, None)
    assert store.feedback("hackney-jobclub", now=NOW) == []
    with pytest.raises(ValueError):
        store.record_feedback("hackney-jobclub", feedback_id, "maybe", None, None)  # type: ignore[arg-type]


def test_a_later_vote_replaces_the_earlier_one(store: AdviserStore):
    feedback_id = ask(store, "What is a HCA?")
    assert store.record_feedback("hackney-jobclub", feedback_id, "down", "too-hard", "long words",
                                 now=NOW + timedelta(minutes=1))
    assert store.record_feedback("hackney-jobclub", feedback_id, "up", "too-hard", None,
                                 now=NOW + timedelta(minutes=2))
    [only] = store.feedback("hackney-jobclub", now=NOW + timedelta(minutes=3))
    assert (only.vote, only.reason, only.comment, only.question) == ("up", None, None, "What is a HCA?")
    assert only.given_at == (NOW + timedelta(minutes=2)).replace(tzinfo=None)


def test_purge_deletes_questions_and_feedback_past_retention(store: AdviserStore, db_path: Path):
    old = ask(store, "Old question", when=NOW - timedelta(days=91))
    store.record_feedback("hackney-jobclub", old, "up", None, None)
    ask(store, "Recent question", when=NOW - timedelta(days=89))
    assert store.purge(now=NOW) == 1
    assert raw_rows(db_path, "SELECT question FROM adviser_questions") == [("Recent question",)]
    assert raw_rows(db_path, "SELECT count(*) FROM adviser_feedback") == [(0,)]
    assert store.purge(now=NOW) == 0


def test_construction_purges_and_recording_purges_at_most_hourly(db_path: Path):
    first = AdviserStore(f"sqlite:///{db_path}", retention_days=30)
    ask(first, "Stored long ago", when=datetime.now(UTC) - timedelta(days=40))
    first.close()
    reopened = AdviserStore(f"sqlite:///{db_path}", retention_days=30)  # purges at start
    assert reopened.summary() == []
    reopened.purge(now=NOW)
    ask(reopened, "Old", when=NOW - timedelta(days=31))
    ask(reopened, "Soon after", when=NOW + timedelta(minutes=30))  # within the hour: no purge yet
    assert reopened.summary()[0].questions == 2
    ask(reopened, "Later", when=NOW + timedelta(hours=2))  # an hour on: purges "Old"
    assert [r["question"] for r in reopened.export_rows("hackney-jobclub")] == ["Soon after", "Later"]
    reopened.close()


def test_top_questions_group_case_spaces_and_punctuation(store: AdviserStore):
    for text in ["How do I become a nurse?", "how do i become a  nurse", "HOW DO I BECOME A NURSE!!",
                 "What is band 5 pay?", "what is band 5 pay", "Where is Hackney?"]:
        ask(store, text)
    ask(store, "how do i become a nurse", site="other-site")
    ask(store, "Where is Hackney?", when=NOW - timedelta(days=31))  # outside the 30 days
    top = store.top_questions("hackney-jobclub", now=NOW)
    assert [(normalise(t.text), t.count) for t in top] == [
        ("how do i become a nurse", 3), ("what is band 5 pay", 2), ("where is hackney", 1)]
    assert len(store.top_questions("hackney-jobclub", limit=1, now=NOW)) == 1


def test_unanswered_are_out_of_scope_or_low_confidence_newest_first(store: AdviserStore):
    ask(store, "Answered well")
    ask(store, "Can you fix my car?", in_scope=False, when=NOW - timedelta(hours=2))
    ask(store, "What is a band 9 porter?", confident=False, when=NOW - timedelta(hours=1))
    ask(store, "Out of scope elsewhere", site="other-site", in_scope=False)
    found = store.unanswered("hackney-jobclub", now=NOW)
    assert [q.question for q in found] == ["What is a band 9 porter?", "Can you fix my car?"]
    assert found[0].sources == ["band-5-pay"] and found[1].in_scope is False


def test_trend_has_every_day_including_empty_ones(store: AdviserStore):
    up = ask(store, "Today one", when=NOW)
    store.record_feedback("hackney-jobclub", up, "up", None, None)
    down = ask(store, "Today two", in_scope=False, when=NOW - timedelta(hours=3))
    store.record_feedback("hackney-jobclub", down, "down", "irrelevant", None)
    ask(store, "Three days ago", confident=False, when=NOW - timedelta(days=3))
    ask(store, "Too old for a week", when=NOW - timedelta(days=8))
    days = store.trend("hackney-jobclub", days=7, now=NOW)
    assert [d.day for d in days] == [date(2026, 3, 4) + timedelta(days=i) for i in range(7)]
    counts = {d.day: (d.asked, d.unanswered, d.up, d.down) for d in days}
    assert counts[date(2026, 3, 10)] == (2, 1, 1, 1)
    assert counts[date(2026, 3, 7)] == (1, 1, 0, 0)
    assert sum(c[0] for c in counts.values()) == 3 and counts[date(2026, 3, 5)] == (0, 0, 0, 0)


def test_summary_across_sites(store: AdviserStore):
    a = ask(store, "One", when=NOW - timedelta(days=1))
    store.record_feedback("hackney-jobclub", a, "up", None, None)
    ask(store, "Two", in_scope=False)
    b = ask(store, "Three", site="barnet-college", when=NOW - timedelta(days=2))
    store.record_feedback("barnet-college", b, "down", "other", "meh")
    summary = {s.site: s for s in store.summary()}
    assert list(summary) == ["barnet-college", "hackney-jobclub"]
    hackney = summary["hackney-jobclub"]
    assert (hackney.questions, hackney.unanswered, hackney.up, hackney.down) == (2, 1, 1, 0)
    assert hackney.last_asked == NOW.replace(tzinfo=None)
    assert (summary["barnet-college"].down, summary["barnet-college"].up) == (1, 0)


def test_export_rows_have_every_column(store: AdviserStore):
    first = ask(store, "What is a HCA?", when=NOW - timedelta(hours=1))
    store.record_feedback("hackney-jobclub", first, "down", "inaccurate", "wrong pay")
    ask(store, "Can you fix my car?", in_scope=False)
    ask(store, "Other site", site="other-site")
    rows = list(store.export_rows("hackney-jobclub"))
    assert list(rows[0]) == ["asked_at", "question", "intent", "in_scope", "confident", "sources", "level",
                             "language", "vote", "reason", "comment"]
    assert rows[0]["asked_at"] == "2026-03-10T11:00:00+00:00"
    assert (rows[0]["vote"], rows[0]["reason"], rows[0]["comment"]) == ("down", "inaccurate", "wrong pay")
    assert rows[1]["question"] == "Can you fix my car?" and rows[1]["in_scope"] is False
    assert rows[1]["vote"] is None and rows[1]["sources"] == ["band-5-pay"] and len(rows) == 2


def test_safe_from_many_threads(store: AdviserStore):
    def work(i: int) -> bool:
        feedback_id = ask(store, f"Question {i % 5}")
        return store.record_feedback("hackney-jobclub", feedback_id, "up" if i % 2 else "down", None, None)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(40)))
    [summary] = store.summary()
    assert (summary.questions, summary.up, summary.down) == (40, 20, 20)
    assert sum(t.count for t in store.top_questions("hackney-jobclub", now=NOW)) == 40
