"""Printable worksheets and class packs over the real knowledge: parts, answers, levels, errors, print."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from service import compose, compose_plain, worksheet
from service.knowledge_base import KnowledgeBase
from service.routes.pages import TEMPLATES
from tests.test_explorer_browser import axe_violations

HTML = {"accept": "text/html"}
LEVELS = ("standard", "simple", "first-steps")
PARTS = ["1. Read about the job", "2. Words to know", "3. Answer the questions",
         "4. Match the job to what they do"]


def kb_of(client: TestClient) -> KnowledgeBase:
    return client.app.state.pathways.ready.kb  # type: ignore[attr-defined]


def get(client: TestClient, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url, headers=HTML)
    assert response.status_code == status, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


def squash(text: str) -> str:
    return " ".join(text.split())


def section(sheet: BeautifulSoup, heading: str) -> str:
    """The text under one part-1 heading, up to the next heading."""
    found = sheet.find(lambda tag: tag.name in ("h2", "h3", "h4") and tag.get_text() == heading)
    assert found is not None, heading
    return squash(found.find_next_sibling().get_text(" "))


@pytest.mark.parametrize("level", LEVELS)
def test_worksheet_has_five_parts_at_each_level(client: TestClient, level: str):
    kb, porter = kb_of(client), kb_of(client).role("porter")
    page = get(client, f"/roles/porter/worksheet?level={level}")
    sheet = page.select_one("article.sheet")
    assert sheet.select_one("h1").get_text() == "Porter"
    assert [h.get_text() for h in sheet.select("section.part > h2")] == PARTS
    assert section(sheet, "About the job") == squash(compose.summary(porter, level))  # type: ignore[arg-type]
    assert f"pay year {kb.pay.current_year}" in section(sheet, "Pay")
    questions = sheet.select("ol.questions > li")
    assert len(questions) == 5 and all(len(q.select(".answer-line")) >= 1 for q in questions)
    keys = page.select(".answer-key")
    assert len(keys) == 1 and keys[0].find_previous("article", class_="sheet") is sheet  # key comes last
    assert len(keys[0].select(".key-answers li")) == 5


@pytest.mark.parametrize("level", LEVELS)
def test_vocabulary_gives_glossary_definitions_at_the_level(client: TestClient, level: str):
    kb = kb_of(client)
    sheet = get(client, f"/roles/adult-nurse/worksheet?level={level}").select_one("article.sheet")
    words = [(div.dt.get_text(), div.dd.get_text()) for div in sheet.select(".vocab > div")]
    assert words[0][0] == "Adult nurse"  # the job title itself comes first
    by_name = {t.term: t for t in kb.terms.values()}
    glossary = [(w, d) for w, d in words[1:] if w in by_name]
    assert len(glossary) == len(words) - 1 >= 3
    for word, meaning in glossary:
        term = by_name[word]
        assert meaning == (term.definition if level == "standard" else term.definition_simple)
    # Every listed word is really in the sheet's own text.
    sheet_text = sheet.select_one(".part-about").get_text(" ") + sheet.select_one(".part-questions").get_text(" ")
    for word, _ in glossary:
        names = [by_name[word].term, *by_name[word].also]
        assert any(n.lower() in sheet_text.lower() for n in names), word


def test_answers_come_from_the_record(client: TestClient):
    kb = kb_of(client)
    for role_id, apprenticeship in (("porter", "No."), ("adult-nurse", "Yes.")):
        role = kb.role(role_id)
        page = get(client, f"/roles/{role_id}/worksheet?level=simple")
        answers = {squash(li.select_one(".key-q").get_text()): squash(li.select_one(".key-a").get_text())
                   for li in page.select(".key-answers li")}
        assert answers["Do you need exams to start?"] == compose_plain.qualification(role, "simple")
        assert answers["Is there an apprenticeship?"].startswith(apprenticeship)
        assert role.tasks[0] in answers[f"What does {'a porter' if role_id == 'porter' else 'an adult nurse'} do? "
                                        "Write one thing."]
        next_titles = [kb.role(i).title for i in role.progression if kb.role(i)]
        assert all(t in answers["What job can you do next?"] for t in next_titles[:3])


@pytest.mark.parametrize("role_id", ["porter", "adult-nurse", "communications-officer", "midwife"])
def test_matching_key_pairs_each_job_with_its_own_task(client: TestClient, role_id: str):
    kb = kb_of(client)
    role = kb.role(role_id)
    page = get(client, f"/roles/{role_id}/worksheet?level=first-steps")
    titles = [li.select_one(".match-title").get_text() for li in page.select(".match-jobs li")]
    does = {li.select_one(".mark").get_text().rstrip("."): li.select_one(".match-text").get_text()
            for li in page.select(".match-does li")}
    assert 4 <= len(titles) <= 5 and titles[0] == role.title and len(does) == len(titles)
    by_title = {r.title: r for r in kb.roles}
    if role.family != "communications":  # a family of one borrows jobs from elsewhere
        near = {*role.progression, *role.entry_from}
        assert all(by_title[t].family == role.family or by_title[t].id in near for t in titles[1:])
    key = page.select(".key-pairs li")
    assert sorted(li["data-does"] for li in key) == sorted(does)
    for li in key:
        job = by_title[titles[int(li["data-job"]) - 1]]
        assert does[li["data-does"]] in job.tasks
    assert [li["data-does"] for li in key] != sorted(does), "the answers are not printed in order"
    again = get(client, f"/roles/{role_id}/worksheet?level=first-steps")
    assert [li.get_text() for li in again.select(".match-does li")] == [
        li.get_text() for li in page.select(".match-does li")], "the same sheet every time"


def test_first_steps_text_differs_from_standard(client: TestClient):
    standard = get(client, "/roles/care-worker/worksheet?level=standard").select_one(".part-about")
    first = get(client, "/roles/care-worker/worksheet?level=first-steps").select_one(".part-about")
    assert squash(standard.get_text()) != squash(first.get_text())
    role = kb_of(client).role("care-worker")
    assert squash(role.summary_first_steps) in squash(first.get_text(" "))
    assert squash(role.summary) not in squash(first.get_text(" "))


def test_default_level_is_simple_with_switcher_print_button_and_no_inline_code(client: TestClient):
    page = get(client, "/roles/porter/worksheet")
    assert "Simple English" in page.select_one(".sheet-meta").get_text()
    current = page.select_one('.level-switch a[aria-current="page"]')
    assert current["href"] == "/roles/porter/worksheet?level=simple"
    assert len(page.select(".level-switch a")) == 3
    assert page.select_one("button[data-print]").get_text() == "Print or save as PDF"
    scripts = page.select("script")
    assert "/static/worksheet.js" in {s.get("src") for s in scripts}
    assert all(s.get("src") and not s.get_text().strip() for s in scripts)  # CSP: no inline code or styles
    assert not page.select("[style], style")
    assert page.select_one('head link[href="/static/worksheet.css"]') is not None
    assert "window.print()" in client.get("/static/worksheet.js").text
    css = client.get("/static/worksheet.css").text
    assert "size: A4" in css and re.search(r"\.answer-key\s*\{\s*break-before: page", css)


def test_class_pack_has_one_sheet_per_job_and_one_key(client: TestClient):
    page = get(client, "/worksheets?ids=porter,care-worker,cook&level=first-steps")
    sheets = page.select("article.sheet")
    assert [s.select_one(".sheet-title").get_text() for s in sheets] == ["Porter", "Care worker", "Cook"]
    assert all("level-first-steps" in s["class"] for s in sheets)
    keys = page.select(".answer-key")
    assert len(keys) == 1 and keys[0].find_previous("article", class_="sheet") is sheets[-1]
    assert [k.h3.get_text() for k in keys[0].select(".key")] == [
        f"{t} (First steps (very simple))" for t in ("Porter", "Care worker", "Cook")]
    assert all(len(s.select("ol.questions > li")) == 5 for s in sheets)
    switch = page.select_one('.level-switch a[href$="level=standard"]')["href"]
    assert switch == "/worksheets?ids=porter,care-worker,cook&level=standard"
    repeated = get(client, "/worksheets?ids=porter&ids=cook&ids=porter")  # repeats are dropped
    assert len(repeated.select("article.sheet")) == 2


def test_pack_form_without_ids_works_without_javascript(client: TestClient):
    page = get(client, "/worksheets")
    form = page.select_one("form.pack-form")
    assert form["method"] == "get" and form["action"] == "/worksheets"
    assert len(form.select('input[type=checkbox][name=ids]')) == len(kb_of(client).roles)
    assert len(form.select("details fieldset legend")) > 10  # grouped by family
    assert form.select_one('input[name=level][value=simple]').has_attr("checked")
    assert form.select_one("button[type=submit]") is not None and not page.select("article.sheet")


@pytest.mark.parametrize(("url", "status", "message"), [
    ("/worksheets?ids=porter,cook,care-worker,midwife,dentist,surgeon,driver", 400, "You chose 7 jobs"),
    ("/worksheets?ids=porter,astronaut", 400, "no job with the id 'astronaut'"),
    ("/worksheets?ids=porter&level=hard", 400, "no reading level called 'hard'"),
    ("/roles/porter/worksheet?level=hard", 400, "no reading level called 'hard'"),
    ("/roles/astronaut/worksheet", 404, "Page not found"),
])
def test_bad_requests_get_a_clear_html_message(client: TestClient, url: str, status: int, message: str):
    page = get(client, url, status)
    assert page.select_one("h1") is not None
    assert message.lower() in squash(page.get_text()).lower()


def test_html_escapes_content(client: TestClient):
    page = client.get("/worksheets?ids=<script>alert(1)</script>", headers=HTML)
    assert page.status_code == 400
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    kb = kb_of(client)
    hostile = kb.role("porter").model_copy(update={  # type: ignore[union-attr]
        "title": "<b>Porter</b> & co", "tasks": ["<img src=x onerror=alert(1)>", "Lift", "Carry"]})
    sheet = worksheet.build(kb, hostile, "simple")
    html = TEMPLATES.get_template("_worksheet.html").render(sheet=sheet, h=1, levels=worksheet.LEVELS)
    parsed = BeautifulSoup(html, "html.parser")
    assert parsed.select_one("h1").get_text() == "<b>Porter</b> & co" and not parsed.select("b, img")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.browser
def test_worksheet_prints_cleanly_and_passes_axe(browser, base_url):
    # The real CSP first: the external script must be allowed to wire up the print button.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script("window.print = () => { window.__printed = true; };")
    page = context.new_page()
    page.goto(base_url + "/roles/porter/worksheet?level=simple")
    page.locator("button[data-print]").click()
    assert page.evaluate("window.__printed === true"), "the button calls window.print()"
    context.close()

    # bypass_csp only lets the test inject axe-core.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(base_url + "/roles/porter/worksheet?level=simple")
    for shown in ("header.site", "button[data-print]", ".level-switch"):
        expect(page.locator(shown)).to_be_visible()
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    for hidden in ("header.site", "nav[aria-label=Main]", ".level-switch", "footer.site", "button[data-print]",
                   ".back-links"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("article.sheet")).to_be_visible()
    assert page.locator(".answer-key").evaluate("el => getComputedStyle(el).breakBefore") == "page"
    assert page.locator("body").evaluate("el => getComputedStyle(el).color") == "rgb(0, 0, 0)"
    assert page.locator("body").evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 255, 255)"
    pdf = page.pdf(format="A4")  # the key really lands on its own page
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2
    context.close()
