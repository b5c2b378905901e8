"""How the assistant behaves on the real knowledge base, category by category."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ask


def ids(body: dict) -> list[str]:
    return [s["id"] for s in body["sources"]]


def test_what_is_a_role_cites_it(client: TestClient):
    body = ask(client, "what does a hospital porter actually do")
    assert ids(body)[0] == "porter" and "Porter" in body["answer"]


def test_misspelling_and_casual_phrasing(client: TestClient):
    assert ids(ask(client, "fisiotherapist"))[0] == "physiotherapist"
    assert ids(ask(client, "wat do u need to be a midwfe"))[0] == "midwife"
    assert ids(ask(client, "how do i become a HCA"))[0] == "healthcare-support-worker"


def test_pay_answer_states_year_and_london_supplement(client: TestClient):
    body = ask(client, "how much does a porter earn in Hackney")
    assert ids(body)[0] == "porter"
    assert "2026/27" in body["answer"] and "£25,272" in body["answer"]
    assert "inner London" in body["answer"]


def test_pay_for_social_care_uses_hourly_rates(client: TestClient):
    body = ask(client, "how much do care workers get paid")
    assert ids(body)[0] == "care-worker"
    assert "don't list an NHS Agenda for Change band" in body["answer"]
    assert re.search(r"£\d+\.\d\d an hour", body["answer"])


def test_follow_up_uses_history(client: TestClient):
    history = [{"role": "user", "content": "what does a porter do"},
               {"role": "assistant", "content": "A porter moves patients and equipment."}]
    body = ask(client, "how much does it pay?", history=history)
    assert ids(body)[0] == "porter" and body["intent"] == "pay"


def test_entry_question_cites_routes(client: TestClient):
    body = ask(client, "how can I become a nursing associate")
    assert ids(body)[0] == "nursing-associate" and body["intent"] == "entry"
    assert any(s["kind"] == "route" for s in body["sources"])


def test_emergency_is_signposted_not_answered(client: TestClient):
    body = ask(client, "I have chest pain and can't breathe")
    assert body["in_scope"] is False and body["intent"] == "emergency"
    assert "999" in body["answer"] and "111" in body["answer"] and body["sources"] == []


def test_unrelated_question_is_out_of_scope(client: TestClient):
    body = ask(client, "who won the football last night")
    assert body["in_scope"] is False and body["intent"] == "out-of-scope" and body["sources"] == []


def test_previous_job_suggests_entry_roles(client: TestClient):
    body = ask(client, "I worked in a shop for 5 years - what can I do in the NHS?")
    assert body["in_scope"] and body["intent"] == "suggest"
    assert len(body["sources"]) >= 3 and all(s["kind"] == "role" for s in body["sources"])


def test_local_help_is_in_the_borough(client: TestClient, real_state):
    body = ask(client, "where can I get help finding care work in Enfield")
    assert body["intent"] == "local"
    programmes = [s for s in body["sources"] if s["kind"] == "programme"]
    assert programmes
    for source in programmes:
        assert "Enfield" in real_state.ready.kb.records[source["id"]].boroughs


def test_simple_level_uses_simple_text(client: TestClient, real_state):
    body = ask(client, "what is a porter", level="simple")
    assert real_state.ready.kb.records["porter"].summary_simple in body["answer"]


PLAIN_QUESTIONS = ["what is a porter", "how do I become a healthcare assistant",
                   "how much does a porter earn in Hackney", "what can a care worker move on to",
                   "help finding work in Newham", "I worked in a shop, what NHS jobs could I do",
                   "what is an apprenticeship"]


@pytest.mark.parametrize("level", ["simple", "first-steps"])
def test_plain_levels_read_easily_and_keep_the_numbers(client: TestClient, real_state, level: str):
    from evals.readability_eval import knowledge_names
    from service.readability import TARGETS, measure

    names = knowledge_names(real_state.ready.kb)
    least_ease, most_words = TARGETS[level]
    for question in PLAIN_QUESTIONS:
        standard = ask(client, question)
        plain = ask(client, question, level=level)
        assert plain["answer"] != standard["answer"], question
        reading = measure(plain["answer"], names)
        # Per answer, allow some slack around the mean bars the eval gates on.
        assert reading.ease >= least_ease - 10 and reading.words_per_sentence <= most_words + 2, question
        figures = set(re.findall(r"£[\d,]+|\d+%", plain["answer"]))
        assert figures <= set(re.findall(r"£[\d,]+|\d+%", standard["answer"])), question
        assert [s["id"] for s in plain["sources"]][:1] == [s["id"] for s in standard["sources"]][:1], question
    pay = ask(client, "how much does a porter earn in Hackney", level=level)["answer"]
    assert "2026/27" in pay and re.search(r"£[\d,]+", pay)


def test_glossary_question(client: TestClient):
    body = ask(client, "what is a DBS check?")
    assert "DBS" in body["answer"] and body["in_scope"]


def test_html_in_question_is_just_text(client: TestClient):
    body = ask(client, "<script>alert(1)</script> porter")
    assert "<script>" not in body["answer"]


def test_job_names_are_not_emergencies_or_requests_for_local_help(client: TestClient):
    # "diagnostic" and "stroke patients" are careers words here; "support" is part of the job's name.
    body = ask(client, "how long is the diagnostic radiography degree apprenticeship")
    assert body["intent"] != "emergency" and ids(body)[0] == "appr-diagnostic-radiographer-l6"
    assert ask(client, "who helps stroke patients who cant swallow properly")["intent"] != "emergency"
    assert ask(client, "I think my dad is having a stroke")["intent"] == "emergency"
    body = ask(client, "mental health support worker what band in the NHS")
    assert body["intent"] == "pay" and ids(body)[0] == "mental-health-support-worker"


def test_asking_for_an_apprenticeship_leads_with_it(client: TestClient):
    body = ask(client, "is there a physiotherapy apprenticeship")
    assert ids(body)[:2] == ["appr-physiotherapist-l6", "physiotherapist"]
    # Without the word, the job itself leads.
    assert ids(ask(client, "how do i become a physiotherapist"))[0] == "physiotherapist"
    # "Paid training" asks for a way in, not for the pay table.
    body = ask(client, "paid training to be a pharmacy technician")
    assert body["intent"] != "pay" and ids(body)[0] == "appr-pharmacy-technician-l3"


def test_the_wanted_job_leads_over_the_one_they_have(client: TestClient):
    body = ask(client, "i am a podiatry assistant, can i become a podiatrist while working")
    assert ids(body)[0] == "appr-podiatrist-l6" and "podiatrist" in ids(body)
    # A job named in passing is not the subject.
    body = ask(client, "what is clinical coding and do you need to be a nurse")
    assert ids(body)[0] == "clinical-coder"


def test_what_is_question_about_a_job_answers_with_the_job(client: TestClient):
    assert ids(ask(client, "what is reablement work"))[0] == "reablement-worker"
    body = ask(client, "what does AfC mean")
    assert body["intent"] == "define" and "Agenda for Change" in body["answer"]
    # HCAS is a pay term, not the HCA job: no job is offered as further reading.
    assert ask(client, "what is HCAS")["sources"] == []


def test_named_job_in_a_place_leads_before_local_help(client: TestClient):
    body = ask(client, "hospital receptionist jobs in lewisham")
    assert ids(body)[0] == "hospital-receptionist" and body["intent"] == "local"
    assert any(s["kind"] == "programme" for s in body["sources"])
    body = ask(client, "which nhs area is barnet in now")
    assert ids(body)[0] == "north-central-london-ics"


def test_from_one_job_to_another_shows_the_usual_path(client: TestClient):
    body = ask(client, "what steps from HCA to registered nurse")
    assert body["intent"] == "progression"
    assert body["answer"].startswith("From Healthcare support worker to Adult nurse")
    assert ids(body)[0] == "adult-nurse" and "healthcare-support-worker" in ids(body)
    # Two moves away: every job on the way is named, and each step says how to make it.
    body = ask(client, "how do I get from domestic assistant to adult nurse, what are the steps")
    assert "Domestic assistant → Healthcare support worker → Adult nurse" in body["answer"]
    assert ids(body)[0] == "adult-nurse"
    assert {"healthcare-support-worker", "domestic-assistant"} <= set(ids(body))


def test_the_job_wanted_can_be_described_not_named(client: TestClient):
    # The job they have is where they start; what they describe is looked for by meaning.
    assert ids(ask(client, "I'm a midwife, can i train to do ultrasound scans"))[0] == "sonographer"
    body = ask(client, "finance assistant in nhs, how do I move up to accountant")
    assert ids(body)[0] == "management-accountant" and "finance-assistant" in ids(body)
    # The same job in another country is the job itself, not a move.
    body = ask(client, "i was a physiotherapist in syria, can i work as a physio in london")
    assert ids(body)[0] == "physiotherapist"


def test_what_next_cites_the_next_jobs_with_how_to_get_there(client: TestClient):
    body = ask(client, "I'm a pharmacy assistant, how can I move up")
    assert ids(body)[:2] == ["pharmacy-technician", "pharmacy-assistant"]
    assert "- Pharmacy technician:" in body["answer"] and "Way in:" in body["answer"]
    # Naming a job inside a longer name ("band 3 HCA") is one job, not a move between two.
    assert ids(ask(client, "i am a band 3 HCA, what can i do next to move up"))[-1] == \
        "senior-healthcare-support-worker"


def test_earning_while_training_asks_for_an_apprenticeship(client: TestClient):
    body = ask(client, "can I become a pharmacy technician without going to university")
    assert ids(body)[0] == "appr-pharmacy-technician-l3"
    body = ask(client, "I'm an HCA, how do I become a registered nurse without giving up my wage?")
    assert body["intent"] != "pay" and ids(body)[0] == "appr-registered-nurse-l6"


def test_articles_before_job_titles(client: TestClient):
    assert ask(client, "how do I become an adult nurse")["answer"].startswith("How to become an Adult nurse")


def test_what_someone_has_limits_the_jobs_suggested(client: TestClient, real_state):
    kb = real_state.ready.kb
    # "Without a degree": jobs needing GCSEs at most, the work they describe first.
    body = ask(client, "I love babies, what job can I do helping midwives without a degree")
    assert ids(body)[0] == "maternity-support-worker"
    assert all(kb.records[i].qualifications_needed in ("none", "gcse") for i in ids(body))
    # "No qualifications" with the work described: that work first, not the widest-open jobs.
    body = ask(client, "can i work in the hospital lab with no qualifications, i like science")
    assert ids(body)[0] == "medical-laboratory-assistant"
    assert all(kb.records[i].qualifications_needed == "none" for i in ids(body))
    # A past job keeps its own ranking, within what they have.
    body = ask(client, "I used to be a teaching assistant, what NHS jobs could I do without a degree")
    assert body["intent"] == "suggest" and len(ids(body)) >= 3
    assert all(kb.records[i].qualifications_needed in ("none", "gcse") for i in ids(body))
    # Nothing described: the jobs open to the widest range of people, as before.
    widest = {"porter", "domestic-assistant", "healthcare-support-worker"}
    assert ids(ask(client, "jobs in a hospital with no qualifications"))[0] in widest


def test_short_words_in_names_are_not_guessed(client: TestClient):
    # "an apprenticeship" is not the "AP apprenticeship": the follow-up is about the job asked before.
    history = [{"role": "user", "content": "what is an SLT"},
               {"role": "assistant", "content": "Speech and language therapists help people talk."}]
    body = ask(client, "is there an apprenticeship for it?", history=history)
    assert ids(body)[0] == "appr-speech-and-language-therapist-l6"


def test_meaning_question_offers_the_record_named_without_its_brackets(client: TestClient):
    body = ask(client, "what does bank work mean in the nhs")
    assert body["intent"] == "define" and ids(body) == ["bank-work"]
