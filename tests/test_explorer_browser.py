"""The explorer in Debian chromium: keyboard-only flows, axe-core checks and screenshots for review."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "evals" / "results" / "screenshots"
PAGES = {
    "roles": "/roles?family=hotel-services",
    "role": "/roles/healthcare-support-worker",
    "compare": "/compare?ids=porter,care-worker,phlebotomist",
    "pathway": "/pathways/domestic-assistant",
    "match": "/match?pick=retail-assistant",
    "quiz": "/quiz?people=yes&interests=caring&have=none&study=earn",
    "chat": "/",
}


def axe_violations(page) -> list[str]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})""")
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})"
            for v in result["violations"]]


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_axe_violations_and_is_screenshotted(browser, base_url, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        # bypass_csp only lets the test inject axe-core; the page itself runs under its real CSP.
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.goto(base_url + PAGES[name])
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways page scroll"
        else:
            assert axe_violations(page) == []
        context.close()


def test_filters_update_counts_by_keyboard_and_keep_focus(browser, base_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "/roles")
    before = page.locator("#result-count").inner_text()
    page.locator("details summary").first.focus()
    page.keyboard.press("Enter")  # open "Job family"
    box = page.locator("input[name=family][value=nursing]")
    box.focus()
    page.keyboard.press("Space")
    # The page's CSP forbids eval, so waits use Playwright's locators rather than JS predicates.
    expect(page.locator("#result-count")).not_to_have_text(before)
    assert "family=nursing" in page.url
    assert page.evaluate("document.activeElement.value") == "nursing", "focus stays on the ticked box"
    count = int(page.locator("#result-count").inner_text().split()[0])
    assert count == page.locator(".results-list li").count()
    assert page.locator("#live").inner_text().startswith(str(count))
    # Another family's count now says what ticking it would add; a qualification count narrows.
    page.locator("summary", has_text="Qualifications needed").focus()
    page.keyboard.press("Enter")
    quals = page.locator("#c-qualifications-degree").inner_text()
    page.locator("input[name=qualifications][value=degree]").focus()
    page.keyboard.press("Space")
    expect(page.locator("#result-count")).to_have_text(re.compile(rf"^\s*{quals.strip('()')} job"))
    assert "qualifications=degree" in page.url
    page.close()


def test_compare_three_roles_by_keyboard(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + "/roles?family=hotel-services")
    for title in ("Porter", "Cook", "Ward host"):
        page.locator("label.compare-pick", has_text=title).first.locator("input").focus()
        page.keyboard.press("Space")
    page.locator("button[form=compare-form]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/compare?**")
    headers = page.locator("table.compare thead th").all_inner_texts()
    assert sorted(headers) == ["Cook", "Porter", "Ward host"]
    assert "2026/27" in page.locator("table.compare caption").inner_text()
    page.close()


def test_follow_a_step_on_the_pathway_map(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + "/roles/domestic-assistant")
    step = page.locator("ul.steps a", has_text="Healthcare support worker").first
    step.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/pathways/healthcare-support-worker")
    assert "Healthcare support worker" in page.locator("h1").inner_text()
    assert page.locator("svg.map rect.current").count() == 1
    page.close()


def test_finish_the_quiz_by_keyboard(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + "/quiz")
    for name, value in (("people", "yes"), ("interests", "caring"), ("shifts", "yes"), ("have", "none"),
                        ("study", "earn")):
        page.locator(f"input[name={name}][value={value}]").focus()
        page.keyboard.press("Space")
    page.locator("form.quiz button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/quiz?**")
    results = page.locator(".ranked > li")
    assert results.count() >= 5
    assert "Why it could suit you" in results.first.inner_text()
    shared = page.url
    again = browser.new_page()
    again.goto(shared)  # the URL alone brings back the same results
    assert again.locator(".ranked h3").all_inner_texts() == page.locator(".ranked h3").all_inner_texts()
    again.close()
    page.close()


def test_match_a_typed_previous_job_by_keyboard(browser, base_url):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(base_url + "/match")
    page.locator("#job-text").focus()
    page.keyboard.type("I used to be a cleaner in offices")
    page.keyboard.press("Enter")
    page.wait_for_url("**/match?**")
    titles = page.locator(".ranked h3").all_inner_texts()
    assert "Domestic assistant" in titles[:5]
    assert page.locator(".ranked .why li").count() >= len(titles)
    page.close()
