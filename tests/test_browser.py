"""A real browser (Debian chromium) asks a question and sees a cited answer."""

from __future__ import annotations

import shutil
import socket
import threading
import time

import pytest
import uvicorn

from service.app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(real_settings, real_state):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(real_settings, real_state), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium"):
        pytest.fail("Debian chromium is missing: run scripts/install-chromium.sh")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


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
