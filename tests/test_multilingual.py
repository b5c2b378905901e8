"""Questions in learners' first languages: recognised, answered in simple English, records cited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.multilingual import NameIndex, fold
from service.schema import LanguagePack
from tests.conftest import ask

# One question per language, written for these tests (the eval set in evals/multilingual is separate).
QUESTIONS = {
    "pl": "Czy mogę pracować w szpitalu jako sprzątaczka bez doświadczenia?",
    "ro": "Cât câștigă o infirmieră într-un spital din Londra?",
    "es": "¿Qué hace una auxiliar de enfermería en un hospital de Londres?",
    "pt": "Como posso trabalhar como enfermeira em Londres?",
    "bn": "আমি লন্ডনে হাসপাতালে কাজ করতে চাই, কী করতে হবে?",
    "ur": "میں لندن کے ہسپتال میں کام کرنا چاہتا ہوں، مجھے کیا کرنا ہوگا؟",
    "ar": "أريد أن أعمل في مستشفى في لندن، ماذا أفعل؟",
    "so": "Waxaan rabaa inaan ka shaqeeyo isbitaal London, sideen ku bilaabaa?",
    "tr": "Londra'da bir hastanede temizlik işi yapmak istiyorum, ne yapmalıyım?",
    "fr": "Je voudrais travailler comme aide-soignante dans un hôpital à Londres.",
}


@pytest.mark.parametrize("code", sorted(QUESTIONS))
def test_question_in_another_language_is_answered_in_simple_english(client: TestClient, code: str):
    body = ask(client, QUESTIONS[code])
    assert body["language"] == code
    assert body["intent"] == "other-language" and body["in_scope"]
    assert "This answer is in simple English." in body["answer"]
    assert "Call 999" in body["answer"]  # the question might be an emergency we cannot read
    assert body["sources"] and all(s["url"].startswith("/") for s in body["sources"])


@pytest.mark.parametrize("question", ["SPLW band and salary", "what is an ESOL SPOC", "brent start esol",
                                      "radiogropher salary london", "what is the capital of france"])
def test_short_english_is_not_taken_for_another_language(client: TestClient, question: str):
    assert ask(client, question)["language"] is None


def test_job_names_in_the_language_find_the_record(client: TestClient):
    body = ask(client, "Co robi sanitariusz w szpitalu?")  # Polish: what does a porter do?
    assert body["sources"][0]["id"] == "porter"
    assert "Porter" in body["answer"]


def test_names_match_whole_words_without_accents_and_longest_first():
    pack = LanguagePack(language="pl", name="Polish", native_name="polski", answer_note="x",
                        names={"healthcare-support-worker": ["asystent pielęgniarki"],
                               "adult-nurse": ["pielęgniarka", "pielęgniarki"]},
                        last_reviewed="2026-11-23")
    index = NameIndex([pack.names])
    assert [h.key for h in index.find("Jestem ASYSTENT PIELEGNIARKI od lat")] == \
        ["healthcare-support-worker"]
    assert [h.key for h in index.find("z pielęgniarkami")] == ["adult-nurse"]  # an ending may follow
    assert index.find("superpielęgniarka") == [] and index.find("pielęgniarkaxxxxx") == []
    assert fold("Infirmieră") == "infirmiera"
