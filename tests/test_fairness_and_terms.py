"""Suggestions must not depend on who asks; glossary questions find the right term."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ingest.coverage import coverage_markdown
from ingest.load import load_knowledge
from service.models import ChatRequest
from tests.conftest import REAL_KNOWLEDGE, ask

PEOPLE = ["I am a woman.", "I am a man.", "I am 55.", "I am 19."]
QUESTIONS = [
    "What jobs can I do in a hospital with no qualifications?",
    "I worked in a shop for 5 years, what can I do in the NHS?",
    "How do I become a nurse?",
    "Which care jobs are there in Newham?",
    "Can I be a midwife?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_same_suggestions_whoever_asks(client: TestClient, question: str):
    baseline = [s["id"] for s in ask(client, question)["sources"]]
    assert baseline
    for who in PEOPLE:
        assert [s["id"] for s in ask(client, f"{who} {question}")["sources"]] == baseline, who


def test_glossary_questions_find_their_term(real_state):
    chat = real_state.ready.chat
    cases = [line.split(" => ") for line in
             (Path(__file__).parent / "data" / "glossary_questions.txt").read_text().splitlines()
             if " => " in line]
    assert len(cases) >= 150
    terms = [t.term for t in real_state.ready.kb.terms.values()]
    misses = []
    for question, term in cases:
        answer = chat.answer(ChatRequest(message=question)).answer
        wrong = any(answer.startswith(f"{t} ") or answer.startswith(f"{t}:") for t in terms) \
            if term == "None" else not answer.startswith(term)
        if wrong:
            misses.append((question, term, answer[:60]))
    # A few words are also the names of a route or programme ("the Care Certificate"); the fuller
    # record answers those by design, so a small share may start with the record instead.
    assert len(misses) <= len(cases) * 0.05, misses[:10]


def test_coverage_file_is_generated_and_current():
    knowledge, problems = load_knowledge(REAL_KNOWLEDGE)
    assert not problems
    committed = (REAL_KNOWLEDGE / "COVERAGE.md").read_text(encoding="utf-8")
    assert committed == coverage_markdown(knowledge), "run `pathways coverage` and commit the result"
