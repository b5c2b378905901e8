"""Classroom tools in Debian chromium: glossary disclosures by keyboard, terms in chat answers, classroom
mode, read aloud (with a stub speechSynthesis, as headless chromium has no voices) and axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.test_explorer_browser import SHOTS, axe_violations

pytestmark = pytest.mark.browser

ROLE = "/roles/healthcare-support-worker?level=simple"

# Records every utterance instead of speaking, and fires one word boundary so the highlight runs.
STUB_SPEECH = """
window.__spoken = [];
window.__cancelled = 0;
Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: {
  speaking: false, pending: false, paused: false,
  getVoices() { return []; },
  speak(u) {
    window.__spoken.push({ text: u.text, rate: u.rate, lang: u.lang });
    setTimeout(() => { if (u.onboundary) u.onboundary({ name: 'word', charIndex: 0, charLength: 0 }); }, 0);
  },
  cancel() { window.__cancelled += 1; }, pause() {}, resume() {},
}});
"""
NO_SPEECH = "Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: undefined });"


def focused(page, prop: str = "className") -> str:
    return page.evaluate(f"document.activeElement.{prop}")


def tab_to(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def ask(page, question: str, nth: int) -> object:
    page.locator("#message").fill(question)
    page.locator("#message").press("Enter")
    answer = page.locator(".msg.bot").nth(nth)
    answer.wait_for(timeout=15000)
    return answer


def test_glossary_term_on_role_page_by_keyboard_only(browser, base_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + ROLE)
    tab_to(page, "button.term")
    term = page.locator("button.term").first
    expect(term).to_be_focused()
    definition = page.locator("#" + term.get_attribute("aria-controls"))
    # Focus alone shows the definition (as hover does); Esc hides it without moving focus.
    expect(definition).to_be_visible()
    page.keyboard.press("Escape")
    expect(definition).to_be_hidden()
    expect(term).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(definition).to_be_visible()
    expect(term).to_have_attribute("aria-expanded", "true")
    assert definition.inner_text().strip()
    page.keyboard.press("Escape")
    expect(definition).to_be_hidden()
    expect(term).to_have_attribute("aria-expanded", "false")
    expect(term).to_be_focused()
    page.keyboard.press("Space")  # Space works like Enter
    expect(definition).to_be_visible()
    page.keyboard.press("Tab")  # moving on closes it
    expect(definition).to_be_hidden()
    # Hover shows it too, and the bubble never pushes the page sideways.
    term.hover()
    expect(definition).to_be_visible()
    page.mouse.move(0, 0)
    expect(definition).to_be_hidden()
    page.close()


def test_level_switcher_keeps_the_page(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + "/roles/porter")
    page.locator(".levels a", has_text="First steps").click()
    page.wait_for_url("**/roles/porter?level=first-steps")
    expect(page.locator('.levels a[aria-current="page"]')).to_have_text(re.compile("First steps"))
    expect(page.locator("a", has_text="Worksheet for class")).to_have_attribute(
        "href", "/roles/porter/worksheet?level=first-steps")
    page.close()


def test_term_in_a_chat_answer_is_marked_and_opens(browser, base_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "/")
    page.locator("#level").select_option("simple")
    answer = ask(page, "What jobs are there in a hospital?", 1)
    term = answer.locator("button.term").first
    expect(term).to_be_visible()
    glossary = page.request.get(base_url + "/api/glossary?level=simple").json()["terms"]
    said = term.inner_text()
    entry = next(t for t in glossary if said.lower() in [n.lower() for n in [t["term"], *t["also"]]])
    definition = answer.locator("#" + term.get_attribute("aria-controls"))
    expect(definition).to_be_hidden()
    term.focus()
    page.keyboard.press("Enter")
    expect(definition).to_be_visible()
    expect(definition).to_have_text(entry["definition"])
    page.keyboard.press("Escape")
    expect(definition).to_be_hidden()
    expect(term).to_be_focused()
    page.close()


def test_classroom_mode_big_text_one_answer_and_lesson_starters(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/")
    before = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.msg')).fontSize)")
    page.locator("#classroom").focus()
    page.keyboard.press("Space")
    expect(page.locator("body")).to_have_class(re.compile(r"\bclassroom\b"))
    after = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.msg')).fontSize)")
    assert after >= before * 1.3
    assert page.locator("#starters .chip").all_inner_texts() == [
        "What jobs are there in a hospital?", "What does a porter do?", "Which jobs need no exams?",
        "What is an apprenticeship?"]
    page.locator("#starters .chip", has_text="What does a porter do?").click()
    first = page.locator(".msg.bot").nth(1)
    first.wait_for(timeout=15000)
    page.locator("#starters .chip", has_text="What is an apprenticeship?").click()
    page.locator(".msg.bot").nth(2).wait_for(timeout=15000)
    # Earlier messages stay in the log but are clipped off screen; one answer is on screen.
    assert page.locator("#log .msg").count() == 5
    expect(first).to_have_class(re.compile(r"\bearlier\b"))
    on_screen = [b for b in page.locator(".msg.bot").all() if (b.bounding_box() or {"width": 0})["width"] > 2]
    assert len(on_screen) == 1 and on_screen[0].inner_text() == page.locator(".msg.bot").last.inner_text()
    assert page.locator("#log").get_attribute("role") == "log"
    assert first.locator("a, button").first.get_attribute("tabindex") == "-1", "no invisible Tab stops"
    show = page.locator("#show-earlier")
    expect(show).to_be_visible()
    show.click()
    expect(first).not_to_have_class(re.compile(r"\bearlier\b"))
    assert first.bounding_box()["width"] > 100
    show.click()
    expect(first).to_have_class(re.compile(r"\bearlier\b"))
    # The setting is kept, and high contrast is an option of classroom mode.
    page.reload()
    expect(page.locator("#classroom")).to_be_checked()
    page.locator("#contrast").check()
    expect(page.locator("body")).to_have_class(re.compile(r"\bcontrast\b"))
    page.locator("#classroom").uncheck()
    expect(page.locator("body")).not_to_have_class(re.compile(r"classroom|contrast"))
    expect(page.locator("#contrast")).to_be_hidden()
    expect(page.locator("#starters .chip").first).to_have_text("What jobs need no qualifications?")
    context.close()


def test_read_aloud_speaks_the_answer_slower_and_stops(browser, base_url):
    context = browser.new_context()
    context.add_init_script(STUB_SPEECH)
    page = context.new_page()
    page.goto(base_url + "/")
    answer = ask(page, "What does a porter do?", 1)
    body = page.request.post(base_url + "/api/chat", data={"message": "What does a porter do?"}).json()
    slower = answer.locator("button.read-slow")
    expect(slower).to_be_visible()
    slower.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[-1]["rate"] == pytest.approx(0.7)
    for line in body["answer"].splitlines():
        line = line.removeprefix("- ").strip()
        if line:
            assert line in spoken[-1]["text"]
    assert "Sources" not in spoken[-1]["text"] and "Read aloud" not in spoken[-1]["text"]
    assert page.evaluate("CSS.highlights.has('read-aloud')"), "the word being read is highlighted"
    stop = answer.locator("button.read-stop")
    expect(stop).to_be_visible()
    stop.click()
    expect(stop).to_be_hidden()
    assert not page.evaluate("CSS.highlights.has('read-aloud')")
    answer.locator("button.read-normal").click()
    assert page.evaluate("window.__spoken")[-1]["rate"] == 1
    context.close()


def test_read_aloud_on_record_page_sections_and_hidden_without_speech(browser, base_url):
    context = browser.new_context()
    context.add_init_script(STUB_SPEECH)
    page = context.new_page()
    page.goto(base_url + ROLE)
    sections = page.locator("section[data-read]")
    assert page.locator("section[data-read] .read-controls").count() == sections.count() >= 4
    tasks = page.locator('section[data-read="What you do"]')
    tasks.locator("button.read-normal").click()
    text = page.evaluate("window.__spoken")[-1]["text"]
    assert text.startswith("What you do") and tasks.locator("li").first.inner_text() in text
    context.close()
    for path in ("/", ROLE):
        context = browser.new_context()
        context.add_init_script(NO_SPEECH)
        page = context.new_page()
        page.goto(base_url + path)
        if path == "/":
            ask(page, "What does a porter do?", 1)
        assert page.locator(".read-controls, button.read-button").count() == 0
        context.close()


def test_no_axe_violations_role_page_simple_and_chat_in_classroom_mode(browser, base_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        # bypass_csp only lets the test inject axe-core; the page itself runs under its real CSP.
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        context.add_init_script(STUB_SPEECH)
        page = context.new_page()
        page.goto(base_url + ROLE)
        term = page.locator("button.term").first
        term.focus()
        page.keyboard.press("Enter")  # a definition open, as a learner would have it
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scroll"
        page.screenshot(path=str(SHOTS / f"role-simple-{width}.png"), full_page=True)
        assert axe_violations(page) == []

        page.goto(base_url + "/")
        page.locator("#classroom").check()
        page.locator("#contrast").check()
        page.locator("#level").select_option("simple")
        ask(page, "What jobs are there in a hospital?", 1)
        ask(page, "What does a porter do?", 2)
        page.locator(".msg.bot").last.locator("button.term").first.click()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scroll"
        page.screenshot(path=str(SHOTS / f"chat-classroom-{width}.png"), full_page=True)
        assert axe_violations(page) == []
        page.locator("#contrast").uncheck()
        assert axe_violations(page) == []
        context.close()
