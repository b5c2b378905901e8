"""The real knowledge base must be publishable; the checks must catch what they claim to catch."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from ingest.checks import check_knowledge
from ingest.load import load_knowledge
from ingest.validate import validate
from tests.conftest import FIXTURE_KNOWLEDGE, REAL_KNOWLEDGE


def test_real_knowledge_has_no_problems():
    knowledge, problems = validate(REAL_KNOWLEDGE)
    assert problems == [], "\n".join(map(str, problems[:20]))
    assert len(knowledge.roles) >= 40
    assert len({r.family for r in knowledge.roles}) >= 10
    assert len(knowledge.of_kind("route")) >= 12
    assert len(knowledge.of_kind("programme")) >= 12
    assert knowledge.glossary is not None and len(knowledge.glossary.terms) >= 40


def test_entry_level_roles_need_no_qualifications():
    knowledge, _ = load_knowledge(REAL_KNOWLEDGE)
    for rid in ("porter", "domestic-assistant", "catering-assistant", "healthcare-support-worker",
                "care-worker"):
        assert knowledge.records[rid].qualifications_needed == "none", rid


def test_closed_schemes_are_marked_closed_with_replacement():
    knowledge, _ = load_knowledge(REAL_KNOWLEDGE)
    for rid in ("kickstart", "traineeships"):
        route = knowledge.records[rid]
        assert route.status == "closed" and route.closed_on and route.replaced_by


def test_no_unverified_pay_is_marked_verified():
    knowledge, _ = load_knowledge(REAL_KNOWLEDGE)
    table = knowledge.pay.table("2026/27")
    unverified = {b.band for b in table.bands if not b.verified}
    assert unverified == {"8c", "8d"}  # facts.md B2 marks only these as unconfirmed
    assert all(z.minimum is None and z.maximum is None for z in knowledge.pay.hcas.zones)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(FIXTURE_KNOWLEDGE, root)
    return root


def _edit(root: Path, rel: str, change) -> None:
    path = root / rel
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data))


def test_checks_catch_broken_links_money_in_prose_and_stale_dates(tmp_path: Path):
    root = _copy(tmp_path)
    _edit(root, "roles/porter.yaml", lambda d: d.update(progression=["no-such-role"],
                                                        summary="Porters earn £25,000 at band 5."))
    _edit(root, "roles/care-worker.yaml", lambda d: d.update(last_reviewed=dt.date(2024, 1, 1)))
    knowledge, problems = load_knowledge(root)
    problems += check_knowledge(knowledge, today=dt.date(2026, 11, 23))
    found = {(p.record, p.field.split(".")[0], p.message.split(" ")[0]) for p in problems}
    assert ("porter", "progression", "links") in found
    assert ("porter", "summary", "£") in found
    assert ("porter", "summary", "mentions") in found  # band 5 vs afc_band 2
    assert ("care-worker", "last_reviewed", "2024-01-01") in found


def test_duplicate_ids_and_titles_are_reported(tmp_path: Path):
    root = _copy(tmp_path)
    text = (root / "roles" / "care-worker.yaml").read_text()
    (root / "roles" / "carer.yaml").write_text(text.replace("id: care-worker", "id: carer"))
    knowledge, problems = load_knowledge(root)
    problems += check_knowledge(knowledge)
    assert any(p.field == "title" and "duplicate" in p.message for p in problems)


def test_unknown_field_is_rejected_with_its_name(tmp_path: Path):
    root = _copy(tmp_path)
    _edit(root, "roles/porter.yaml", lambda d: d.update(salary="lots"))
    _, problems = load_knowledge(root)
    assert [(p.record, p.field) for p in problems] == [("porter", "salary")]


def test_every_record_reads_at_its_level():
    """Issue #5's bars over the whole knowledge base: each plain summary meets its level's bar, and
    the standard summaries meet theirs on average (job titles and glossary terms count as one word)."""
    import statistics

    from evals.readability_eval import knowledge_names
    from service.readability import TARGETS, measure

    knowledge, _ = load_knowledge(REAL_KNOWLEDGE)
    names = knowledge_names(knowledge)
    for level, field in (("simple", "summary_simple"), ("first-steps", "summary_first_steps")):
        least_ease, most_words = TARGETS[level]
        readings = {r.id: measure(getattr(r, field), names) for r in knowledge.records.values()}
        hard = {rid: round(m.ease) for rid, m in readings.items() if m.ease < least_ease}
        assert not hard, f"{field} below reading ease {least_ease}: {hard}"
        assert statistics.mean(m.words_per_sentence for m in readings.values()) <= most_words, field
        assert max(m.words_per_sentence for m in readings.values()) <= most_words + 1, field
    standard = [measure(r.summary, names).ease for r in knowledge.records.values()]
    assert statistics.mean(standard) >= TARGETS["standard"][0]
