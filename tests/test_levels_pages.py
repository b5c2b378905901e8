"""Record pages at three reading levels, glossary terms explained where they appear, /api/glossary."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from service import compose_plain
from service.schema import QUALIFICATION_LABELS

HTML = {"accept": "text/html"}
LEVELS = ("standard", "simple", "first-steps")
MONEY = re.compile(r"£[\d,]+(?:\.\d+)?")
YEAR = re.compile(r"\b\d{4}/\d{2}\b")


def page(client: TestClient, path: str, level: str | None = None) -> BeautifulSoup:
    response = client.get(path, params={"level": level} if level else None, headers=HTML)
    assert response.status_code == 200, (path, level, response.text[:300])
    return BeautifulSoup(response.text, "html.parser")


def plain_text(node) -> str:
    """What a reader sees with every definition closed: no bubbles, no no-JS word lists."""
    node = BeautifulSoup(str(node), "html.parser")
    for hidden in node.select(".term-def, details.words"):
        hidden.decompose()
    return re.sub(r"\s+", " ", node.get_text("")).strip()


def summary_at(record, level: str) -> str:
    return record.summary if level == "standard" else compose_plain.summary(record, level)


def figures(soup: BeautifulSoup) -> tuple[list[str], list[str], str]:
    text = plain_text(soup.select_one("article"))
    pay = soup.select_one('section[data-read="Pay"]')
    return MONEY.findall(text), YEAR.findall(text), plain_text(pay) if pay else ""


@pytest.fixture(scope="module")
def kb(real_state):
    return real_state.ready.kb


@pytest.mark.parametrize("role_id", ["porter", "healthcare-support-worker", "care-worker"])
def test_role_page_at_each_level_shows_its_summary_and_the_same_figures(client, kb, role_id):
    role = kb.role(role_id)
    seen = {}
    for level in LEVELS:
        soup = page(client, f"/roles/{role_id}", None if level == "standard" else level)
        text = plain_text(soup.select_one("article"))
        assert summary_at(role, level) in text
        for other in LEVELS:
            if summary_at(role, other) != summary_at(role, level):
                assert summary_at(role, other) not in text, (level, other)
        qualification = (compose_plain.qualification(role, level) if level != "standard"
                         else f"{QUALIFICATION_LABELS[role.qualifications_needed]}.")
        assert qualification in text
        seen[level] = figures(soup)
        current = soup.select_one('.levels a[aria-current="page"]')
        assert plain_text(current) and current["href"].startswith(f"/roles/{role_id}")
        assert {a["href"] for a in soup.select(".levels a")} == {
            f"/roles/{role_id}", f"/roles/{role_id}?level=simple", f"/roles/{role_id}?level=first-steps"}
        worksheet = soup.find("a", string="Worksheet for class")
        assert worksheet["href"] == f"/roles/{role_id}/worksheet?level={level}"
    assert seen["simple"] == seen["standard"] == seen["first-steps"]
    money, years, pay = seen["standard"]
    assert years and pay and (money or "employer" in pay)


def test_route_and_programme_pages_at_each_level(client, kb):
    for record, base in ((kb.routes[0], "/routes"), (kb.programmes[0], "/programmes")):
        texts = {}
        for level in LEVELS:
            soup = page(client, f"{base}/{record.id}", level)
            text = plain_text(soup.select_one("article"))
            assert summary_at(record, level) in text, (record.id, level)
            texts[level] = (MONEY.findall(text), YEAR.findall(text), re.findall(r"\d+", soup.h1.get_text()))
            assert soup.select_one('.levels a[aria-current="page"]')["href"].endswith(
                "" if level == "standard" else f"?level={level}")
        assert texts["standard"] == texts["simple"] == texts["first-steps"]


@pytest.mark.parametrize("path", ["/roles/porter", "/routes/direct-entry", "/programmes/x"])
@pytest.mark.parametrize("bad", ["hard", "SIMPLE", "", "<script>alert(1)</script>"])
def test_unknown_level_is_a_422_page_listing_the_allowed_values(client, path, bad):
    for headers in (HTML, {}):  # a page either way, never a 500 or a JSON body
        response = client.get(path, params={"level": bad}, headers=headers)
        assert response.status_code == 422, response.text[:200]
        assert response.headers["content-type"].startswith("text/html")
        message = BeautifulSoup(response.text, "html.parser").select_one("[role=alert]").get_text()
        assert all(level in message for level in LEVELS)
        assert "<script>alert" not in response.text


def test_glossary_term_on_a_role_page_is_a_disclosure_at_the_page_level(client, kb):
    finder = kb.term_finder
    role = kb.role("healthcare-support-worker")
    for level, wanted in (("standard", role.summary), ("simple", role.summary_simple),
                          ("first-steps", role.summary_first_steps)):
        marks = finder.marks(wanted)
        soup = page(client, "/roles/healthcare-support-worker", level)
        buttons = soup.select("button.term")
        assert buttons, level
        for button in buttons:
            assert button["type"] == "button" and button["aria-expanded"] == "false"
            definition = soup.find(id=button["aria-controls"])
            assert definition is not None and definition.has_attr("hidden")
            assert button.find_next_sibling() is definition, "the definition follows its term"
        if not marks:
            continue
        first = marks[0]
        button = soup.find("button", class_="term", string=wanted[first.start:first.end])
        assert button is not None, (level, first.term.term)
        shown = soup.find(id=button["aria-controls"]).get_text()
        assert shown == first.definition(level)
        assert shown == (first.term.definition if level == "standard" else first.term.definition_simple)
        # Reachable without JavaScript: the section's native <details> lists the same definition.
        words = button.find_parent("section").select_one("details.words")
        assert first.term.term in words.get_text() and shown in words.get_text()
    # Each term is explained once per page, however often it appears.
    soup = page(client, "/roles/healthcare-support-worker", "simple")
    names = [b.get_text() for b in soup.select("button.term")]
    ids = [b["aria-controls"] for b in soup.select("button.term")]
    assert len(ids) == len(set(ids))
    terms = [finder.marks(n)[0].term.term for n in names]
    assert len(terms) == len(set(terms))


def test_knowledge_text_is_escaped_around_marked_terms(client, kb, monkeypatch):
    porter = kb.role("porter")
    nasty = '<script>alert("x")</script> You need a DBS check & <b>bold</b> words.'
    monkeypatch.setitem(kb.records, "porter", porter.model_copy(update={"summary_simple": nasty}))
    response = client.get("/roles/porter?level=simple", headers=HTML)
    assert response.status_code == 200
    assert '<script>alert("x")' not in response.text and "<b>bold</b>" not in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text
    assert "&amp; &lt;b&gt;bold&lt;/b&gt;" in response.text
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.find("button", class_="term", string="DBS check") is not None
    assert not soup.select("article script")


def test_glossary_api_gives_definitions_at_the_level(client, kb):
    for level in LEVELS:
        response = client.get("/api/glossary", params={"level": level})
        assert response.status_code == 200
        body = response.json()
        assert body["level"] == level and len(body["terms"]) == len(kb.terms)
        by_id = {t["id"]: t for t in body["terms"]}
        for slug, term in kb.terms.items():
            entry = by_id[slug]
            assert entry["term"] == term.term and entry["also"] == list(term.also)
            assert entry["definition"] == (term.definition if level == "standard" else term.definition_simple)
    assert client.get("/api/glossary").json()["level"] == "standard"


@pytest.mark.parametrize("bad", ["hard", "SIMPLE", ""])
def test_glossary_api_rejects_unknown_levels(client, bad):
    response = client.get("/api/glossary", params={"level": bad})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert all(level in detail for level in LEVELS)
