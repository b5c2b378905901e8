"""The role explorer over the real knowledge: filters and counts, compare, pathway maps, match, quiz."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

HTML = {"accept": "text/html"}


def roles(client: TestClient, **params: object) -> dict:
    response = client.get("/api/roles", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_filters_combine_and_counts_agree_with_results(client: TestClient):
    everything = roles(client)
    assert everything["count"] == everything["total"] >= 150
    # Each facet's counts, without its own filter, add up to the whole list (one value per role).
    assert sum(everything["facets"]["family"].values()) == everything["count"]
    nursing = roles(client, family="nursing")
    assert nursing["count"] == everything["facets"]["family"]["nursing"]
    assert all(r["family"] == "nursing" for r in nursing["roles"])
    # Within a filter values widen; across filters they narrow.
    two = roles(client, family=["nursing", "midwifery"])
    assert two["count"] == nursing["count"] + everything["facets"]["family"]["midwifery"]
    narrow = roles(client, family=["nursing", "midwifery"], qualifications="gcse", apprenticeship="true")
    assert 0 < narrow["count"] < two["count"]
    assert narrow["count"] == two["facets"]["qualifications"]["gcse"] - sum(
        1 for r in roles(client, family=["nursing", "midwifery"], qualifications="gcse")["roles"]
        if not r["apprenticeship_available"])
    assert all(r["qualifications_needed"] == "gcse" and r["apprenticeship_available"] for r in narrow["roles"])


def test_band_and_pattern_filters(client: TestClient):
    banded = roles(client, band_min="2", band_max="3")
    assert banded["count"] > 5
    assert all(r["afc_band"] and r["afc_band"].split()[-1] in {"2", "3", "4", "5", "6", "7", "8a", "9"}
               for r in banded["roles"])
    assert "porter" in {r["id"] for r in banded["roles"]}
    assert "adult-nurse" not in {r["id"] for r in banded["roles"]}
    part_time = roles(client, patterns="part-time", clinical="false", patient_facing="false")
    assert all("part-time" in r["working_patterns"] and not r["clinical"] and not r["patient_facing"]
               for r in part_time["roles"])


def test_search_finds_words_and_misspellings(client: TestClient):
    nurse = roles(client, q="nurse")
    assert not nurse["closest"] and "adult-nurse" in {r["id"] for r in nurse["roles"]}
    typo = roles(client, q="fisiotherapist")
    assert typo["closest"] and typo["roles"][0]["id"] == "physiotherapist"


def test_bad_filters_get_clear_messages(client: TestClient):
    response = client.get("/api/roles", params={"band_min": "12"})
    assert response.status_code == 422 and "'8a'" in response.json()["detail"]
    page = client.get("/roles?family=astronaut", headers=HTML)
    assert page.status_code == 422 and "family" in page.text and "<h1>" in page.text


def test_roles_page_holds_filter_state_in_the_url_and_works_without_js(client: TestClient):
    page = BeautifulSoup(client.get("/roles?family=hotel-services&qualifications=none").text, "html.parser")
    assert page.select_one("input[name=family][value=hotel-services]").has_attr("checked")
    assert page.select_one("form#filters")["method"] == "get"
    titles = [a.get_text() for a in page.select(".results-list li > a")]
    assert "Porter" in titles and "Adult nurse" not in titles
    assert page.select_one("#c-qualifications-gcse") is not None  # counts shown per value


def test_compare_three_roles_and_errors(client: TestClient):
    body = client.get("/api/compare", params={"ids": "porter,care-worker,phlebotomist"}).json()
    assert [c["role"]["id"] for c in body["roles"]] == ["porter", "care-worker", "phlebotomist"]
    porter = body["roles"][0]
    assert any("2026/27" in line and "inner London" in line for line in porter["pay"])
    assert client.get("/api/compare", params={"ids": "a,b,c,d"}).status_code == 400
    bad = client.get("/api/compare", params={"ids": "porter,astronaut"})
    assert bad.status_code == 400 and "astronaut" in bad.json()["detail"]
    page = BeautifulSoup(client.get("/compare?ids=porter&ids=care-worker").text, "html.parser")
    assert [th.get_text(strip=True) for th in page.select("table.compare thead th")] == ["Porter", "Care worker"]


def _reachable(edges: list[dict], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        here = todo.pop()
        for e in edges:
            if e["source"] == here and e["target"] not in seen:
                seen.add(e["target"])
                todo.append(e["target"])
    return goal in seen


def test_pathway_map_follows_the_progression_graph(client: TestClient):
    body = client.get("/api/pathways/domestic-assistant").json()
    steps = {n["id"]: n["step"] for n in body["nodes"]}
    assert steps["domestic-assistant"] == 0 and steps["healthcare-support-worker"] == 1
    assert _reachable(body["edges"], "domestic-assistant", "adult-nurse")
    assert all(steps[e["target"]] == steps[e["source"]] + 1 and e["needs"] for e in body["edges"])
    nurse = client.get("/api/pathways/adult-nurse").json()
    assert any(n["step"] < 0 for n in nurse["nodes"]), "a nurse map shows where people start"
    assert client.get("/api/pathways/astronaut").status_code == 404


def test_pathway_page_has_drawing_and_equal_text_list(client: TestClient):
    page = BeautifulSoup(client.get("/pathways/healthcare-support-worker").text, "html.parser")
    svg = page.select_one("svg.map")
    assert svg["aria-hidden"] == "true"
    drawn = {a["href"] for a in svg.select("a")}
    listed = {a["href"] for a in page.select(".steps a")} | {"/pathways/healthcare-support-worker"}
    assert drawn == listed, "every job in the drawing is in the text list, and back"
    assert all(a.get("tabindex") == "-1" for a in svg.select("a"))


def test_role_page_has_the_whole_profile(client: TestClient):
    page = BeautifulSoup(client.get("/roles/healthcare-support-worker").text, "html.parser")
    headings = {h.get_text(strip=True) for h in page.select("h2")}
    assert {"What you do", "How to get in", "Career map", "Related jobs", "Sources"} <= headings
    assert any(h.startswith("Pay in London (2026/27)") for h in headings)
    assert page.select_one('a[href="/?about=healthcare-support-worker"]')
    assert page.select_one('a[href^="/routes/"]') and "Last reviewed" in page.get_text()


def match(client: TestClient, job: str, **extra: object) -> dict:
    response = client.post("/api/match", json={"job": job, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def test_match_explains_every_suggestion(client: TestClient):
    body = match(client, "I worked on the tills at Tesco for 6 years")
    assert body["job"]["id"] == "retail-assistant"
    assert len(body["results"]) == 10 and all(r["reasons"] for r in body["results"])
    cleaner = match(client, "cleaner")
    assert "domestic-assistant" in [r["role"]["id"] for r in cleaner["results"][:5]]


@pytest.mark.parametrize("said, job", [
    ("I drove an Uber for 4 years, I know London roads really well", "taxi-driver"),  # not "Well" pharmacy
    ("I was a PA for a disabled man, helping him at home", "care-personal-assistant"),
    ("I was a PA to the finance director", "personal-assistant"),
    ("secuirty guard", "security-officer"),
    ("laundry worker", None),  # close in meaning to several jobs, named by none: no guess
])
def test_match_understands_the_job_from_names_and_meaning(client: TestClient, said: str, job: str | None):
    found = match(client, said)["job"]
    assert (found["id"] if found else None) == job


def test_match_is_stable_and_ignores_gender_and_age(client: TestClient):
    base = [r["role"]["id"] for r in match(client, "I worked as a cleaner in an office")["results"]]
    assert base == [r["role"]["id"] for r in match(client, "I worked as a cleaner in an office")["results"]]
    for said in ("I am a woman and I worked as a cleaner in an office",
                 "I'm a man, I worked as a cleaner in an office", "I am 55 and I worked as a cleaner in an office"):
        assert [r["role"]["id"] for r in match(client, said)["results"]] == base, said


def test_match_interests_reorder_and_unknown_interest_is_named(client: TestClient):
    plain = [r["role"]["id"] for r in match(client, "security guard")["results"]]
    caring = match(client, "security guard", interests=["mental-health"])["results"]
    assert [r["role"]["id"] for r in caring] != plain
    assert any("Fits what you enjoy" in reason for r in caring[:3] for reason in r["reasons"])
    bad = client.post("/api/match", json={"job": "cleaner", "interests": ["astronomy"]})
    assert bad.status_code == 422 and "astronomy" in bad.json()["detail"]
    assert client.post("/api/match", json={"job": ""}).status_code == 422


def test_quiz_ranks_by_answers_with_reasons_and_is_shareable(client: TestClient):
    answers = {"people": "no", "interests": ["technology"], "have": "gcse", "study": "earn"}
    body = client.post("/api/quiz", json=answers).json()
    top = body["results"]
    assert top and all(r["reasons"] for r in top)
    assert all(not r["role"]["patient_facing"] for r in top[:5])
    assert all(any("Computers, technology and data" in why for why in r["reasons"]) for r in top[:5])
    again = client.post("/api/quiz", json=answers).json()
    assert again == body
    page = BeautifulSoup(client.get("/quiz", params={**answers, "interests": "technology"}).text, "html.parser")
    shown = [a["href"].rsplit("/", 1)[1] for a in page.select(".ranked h3 a")]
    assert shown == [r["role"]["id"] for r in top]
    questions = client.get("/api/quiz").json()
    assert 5 <= len(questions) <= 12


def test_quiz_changes_with_answers(client: TestClient):
    caring = client.post("/api/quiz", json={"people": "yes", "interests": ["caring"], "have": "none",
                                            "study": "no"}).json()["results"]
    assert all(r["role"]["qualifications_needed"] in ("none", "gcse") for r in caring[:5])
    assert client.post("/api/quiz", json={"people": "sometimes"}).status_code == 422
