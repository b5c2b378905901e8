"""A real browser (Debian chromium) asks a question and sees a cited answer."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_ask_by_keyboard_and_see_cited_answer(browser, base_url):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(base_url + "/")
    page.keyboard.press("Tab")  # skip link
    page.locator("#message").focus()
    page.keyboard.type("how do I become a porter?")
    page.keyboard.press("Enter")
    answer = page.locator(".msg.bot").nth(1)
    answer.wait_for(timeout=15000)
    assert "Porter" in answer.inner_text()
    link = answer.locator(".msg-sources a").first
    assert link.get_attribute("href") == "/roles/porter"
    # Works on a 320px phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.close()


def test_script_in_question_never_runs(browser, base_url):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base_url + "/")
    page.fill("#message", '<img src=x onerror="alert(1)"> porter')
    page.keyboard.press("Enter")
    page.locator(".msg.user").last.wait_for()
    page.locator(".msg.bot").nth(1).wait_for(timeout=15000)
    assert dialogs == [] and page.locator(".msg img").count() == 0
    page.close()
