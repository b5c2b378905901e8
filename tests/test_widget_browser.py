"""The embeddable widget in Debian chromium, embedded by host pages served from other loopback origins.

One Pathways server (with its own sites.yaml listing the first host origin for `test-site`) and two
static host servers (one listed, one not) are shared by the whole module. Mocks (`page.route`) are
used only where they are the point: a 429 on demand and an answer that contains HTML.
"""

from __future__ import annotations

import functools
import json
import socket
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn
import yaml
from playwright.sync_api import expect

from service.app import create_app
from service.config import Settings
from tests.test_explorer_browser import axe_violations

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "evals" / "results" / "screenshots"
QUESTION = "how do I become a porter?"
HOSTILE = ("* {color:red !important; font-size:40px !important} div {display:none !important} "
           "button {background:lime !important; width:3px !important}")
BRAND = "#00703c"
W = "pathways-widget"  # the shadow host; playwright's CSS locators pierce its open shadow root


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_dir(directory: Path) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def host_page(base: str, *, site: str = "test-site", head: str = "", attrs: str = "") -> str:
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>A job club</title>{head}</head>
<body><h1>Hackney-ish Job Club</h1><p>Welcome to our page.</p>
<script src="{base}/widget.js" data-pathways-site="{site}" {attrs} async></script>
</body></html>"""


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    """Two static host servers on their own loopback ports; only the first is listed for test-site."""
    pages = tmp_path_factory.mktemp("host-pages")
    servers = [serve_dir(pages), serve_dir(pages)]
    yield pages, [f"http://127.0.0.1:{s.server_port}" for s in servers]
    for s in servers:
        s.shutdown()


@pytest.fixture(scope="module")
def base(hosts, real_settings, real_state, tmp_path_factory):
    """A Pathways server whose sites.yaml lists the first host origin, plus the host pages."""
    pages, (allowed, _) = hosts
    tmp = tmp_path_factory.mktemp("widget-app")
    sites = tmp / "sites.yaml"
    common = {"origins": [allowed], "colour": BRAND}
    sites.write_text(yaml.safe_dump({"sites": [
        {"id": "test-site", "name": "Test Job Club", **common, "greeting": "Hello from the test job club!",
         "starters": ["What does a porter do?", "What jobs need no qualifications?"],
         "handoff": {"label": "Talk to an adviser", "url": "https://example.org/contact", "phone": "020 7946 0000"},
         "limits": {"per_ip_per_minute": 1000, "per_site_per_minute": 10000}, "record_questions": True},
        {"id": "tiny-site", "name": "Tiny Club", **common, "limits": {"per_ip_per_minute": 1}},
    ]}))
    settings = Settings(knowledge_dir=real_settings.knowledge_dir, data_dir=real_settings.data_dir,  # type: ignore[call-arg]
                        sites_file=sites, adviser_db=f"sqlite:///{tmp}/adviser.db", admin_token=None,
                        _env_file=None)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, real_state), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    csp = (f'<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
           f'script-src \'self\' {url}; connect-src {url}; style-src \'self\'">')
    files = {
        "plain.html": host_page(url),
        "hostile.html": host_page(url, head=f"<style>{HOSTILE}</style>"),
        "csp.html": host_page(url, head=csp),
        "unknown.html": host_page(url, site="no-such-site"),
        "tiny.html": host_page(url, site="tiny-site"),
    }
    for name, html in files.items():
        (pages / name).write_text(html)
    yield url
    server.should_exit = True
    thread.join(5)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.dialogs, p.console, p.failed = [], [], []
    p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))
    p.on("console", lambda m: p.console.append((m.type, m.text)))
    p.on("pageerror", lambda e: p.console.append(("error", str(e))))
    p.on("response", lambda r: p.failed.append(f"{r.status} {r.url}")
         if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    yield p
    context.close()


def errors(page) -> list[str]:
    """Script errors and failed requests (a missing favicon is not the widget's)."""
    return [t for k, t in page.console if k == "error" and not t.startswith("Failed to load resource")] + page.failed


def open_host(page, hosts, name: str = "plain.html", which: int = 0, title: str | None = "Test Job Club"):
    """A host page; waits until the widget has its site's settings (title=None: when it cannot)."""
    page.goto(f"{hosts[1][which]}/{name}")
    page.locator(f"{W} .launcher").wait_for()
    if title:
        expect(page.locator(f"{W} .head h2")).to_have_text(title)


def ask(page, question: str) -> None:
    bots = page.locator(f"{W} .msg.bot")
    before = bots.count()
    box = page.locator(f"{W} textarea")
    box.fill(question)
    box.press("Enter")
    expect(bots).to_have_count(before + 1, timeout=15000)


def focused(page) -> str | None:
    """The id or class of the element focused inside the widget's shadow root (None: not in it)."""
    return page.evaluate("""() => { const h = document.activeElement;
        if (!h || h.tagName !== 'PATHWAYS-WIDGET') return null;
        const a = h.shadowRoot.activeElement; return a ? (a.id || a.className) : null; }""")


def test_keyboard_only_question_gets_a_cited_answer_and_escape_returns_focus(page, hosts, base):
    open_host(page, hosts)
    page.keyboard.press("Tab")
    assert focused(page) == "launcher"
    page.keyboard.press("Enter")
    panel = page.locator(f"{W} .panel")
    expect(panel).to_be_visible()
    assert panel.get_attribute("role") == "dialog" and panel.get_attribute("aria-modal") == "true"
    assert focused(page) == "pw-q"
    # Answers are added to the log once; nothing already there is removed or redrawn.
    page.evaluate("""() => { const log = document.querySelector('pathways-widget').shadowRoot.querySelector('[role=log]');
        window.__added = 0; window.__removed = 0;
        new MutationObserver(ms => ms.forEach(m => { window.__added += m.addedNodes.length;
            window.__removed += m.removedNodes.length; })).observe(log, {childList: true}); }""")
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    answer = page.locator(f"{W} .msg.bot").first
    answer.wait_for(timeout=15000)
    assert "porter" in answer.inner_text().lower()
    links = answer.locator(".src a")
    hrefs = links.evaluate_all("els => els.map(e => e.href)")
    assert f"{base}/roles/porter" in hrefs
    assert links.first.get_attribute("target") == "_blank" and links.first.get_attribute("rel") == "noopener"
    assert page.evaluate("[window.__added, window.__removed]") == [2, 0]
    log = page.locator(f"{W} [role=log]")
    assert log.get_attribute("aria-relevant") == "additions" and log.get_attribute("aria-live") == "polite"
    assert answer.locator(".chip").count() >= 1, "suggestion chips"
    assert answer.locator(".vote").count() == 2, "feedback buttons (the site records questions)"
    expect(page.locator(f"{W} .handoff a").first).to_have_attribute("href", "https://example.org/contact")
    expect(page.locator(f"{W} .handoff a[href^='tel:']")).to_have_attribute("href", "tel:02079460000")
    # The focus trap: Tab and Shift+Tab never leave the open panel.
    for key in ["Tab"] * 25 + ["Shift+Tab"] * 5:
        page.keyboard.press(key)
        assert focused(page) is not None, f"focus left the panel after {key}"
    # 👎 with a reason, by keyboard: the thanks takes the focus.
    answer.locator(".vote").nth(1).focus()
    page.keyboard.press("Enter")
    assert focused(page).startswith("pw-why-")
    page.keyboard.press("ArrowDown")  # "It was not accurate"
    page.keyboard.press("Tab")
    with page.expect_response(lambda r: r.url == f"{base}/api/feedback") as sent:
        page.keyboard.press("Enter")
    assert sent.value.status == 204
    assert json.loads(sent.value.request.post_data)["reason"] == "inaccurate"
    expect(answer.locator(".fb")).to_have_text("Thank you for your feedback.")
    assert focused(page) == ""  # the thanks paragraph (tabindex -1) holds the focus
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    assert focused(page) == "launcher"
    assert page.dialogs == [] and errors(page) == []


def test_origin_not_listed_and_unknown_site_say_so_in_console_and_widget(page, hosts, base):
    open_host(page, hosts, which=1, title=None)  # same page, but on the origin sites.yaml does not list
    bubble = page.locator(f"{W} .bubble")
    expect(bubble).to_be_visible()
    expect(bubble).to_contain_text("can't start on this website")
    said = [t for k, t in page.console if k == "error" and "Pathways widget" in t]
    assert said and hosts[1][1] in said[0] and "sites.yaml" in said[0], page.console
    page.locator(f"{W} .launcher").click()
    expect(page.locator(f"{W} [role=alert]")).to_contain_text("has not allowed pages on")

    page.console.clear()
    open_host(page, hosts, "unknown.html", title=None)
    expect(page.locator(f"{W} .bubble")).to_contain_text("Unknown site id 'no-such-site'")
    assert any("Pathways widget" in t and "no-such-site" in t for k, t in page.console if k == "error")


STYLE_PROBE = """sels => { const r = document.querySelector('pathways-widget').shadowRoot; const out = {};
  const props = ['color', 'font-size', 'font-family', 'font-weight', 'display', 'width', 'height', 'line-height',
                 'background-color', 'padding-top', 'padding-left', 'border-top-width', 'visibility'];
  for (const s of sels) { const cs = getComputedStyle(r.querySelector(s));
    out[s] = Object.fromEntries(props.map(p => [p, cs.getPropertyValue(p)])); }
  const host = getComputedStyle(r.host); out.host = {display: host.display, color: host.color, 'font-size': host.fontSize};
  return out; }"""
CLOSED = [".launcher", ".launcher span"]
OPENED = [".panel", ".head h2", ".x", ".greet", ".chip", "textarea", ".btn", ".link", "label", ".handoff a"]


def widget_styles(page, hosts, name: str) -> dict:
    open_host(page, hosts, name)
    styles = page.evaluate(STYLE_PROBE, CLOSED)
    page.locator(f"{W} .launcher").click()
    expect(page.locator(f"{W} .panel")).to_be_visible()
    styles.update(page.evaluate(STYLE_PROBE, OPENED))
    return styles


def test_hostile_host_css_does_not_change_the_widget(page, hosts, base):
    clean = widget_styles(page, hosts, "plain.html")
    hostile = widget_styles(page, hosts, "hostile.html")
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(255, 0, 0)", \
        "the hostile CSS is in force on the host page"
    assert hostile == clean
    assert clean[".launcher"]["background-color"] == "rgb(0, 112, 60)"  # the site's colour
    assert clean[".launcher"]["color"] == "rgb(255, 255, 255)"  # white on that green is 6.3:1


def test_axe_finds_no_violations_inside_the_shadow_root(browser, hosts, base):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does)")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    open_host(page, hosts)
    run = """() => axe.run(document.querySelector('pathways-widget'), {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    page.add_script_tag(path=str(AXE))

    def violations() -> list[str]:
        result = page.evaluate(run)
        assert result["passes"], "axe looked at nothing"
        return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:160]})"
                for v in result["violations"]]

    assert violations() == []  # closed: the launcher
    page.locator(f"{W} .launcher").click()
    ask(page, QUESTION)
    page.locator(f"{W} .msg.bot .vote").nth(1).click()  # 👎 opens the reason select
    page.locator(f"{W} .msg.bot select").wait_for()
    assert violations() == []
    context.close()


def test_rate_limit_is_shown_kindly(page, hosts, base):
    allowed = hosts[1][0]
    page.route(f"{base}/api/chat", lambda route: route.fulfill(
        status=429, content_type="application/json",
        headers={"Retry-After": "30", "Access-Control-Allow-Origin": allowed,
                 "Access-Control-Expose-Headers": "Retry-After"},
        body=json.dumps({"detail": "Too many questions."})))
    open_host(page, hosts)
    page.locator(f"{W} .launcher").click()
    box = page.locator(f"{W} textarea")
    box.fill("What does a nurse earn?")
    box.press("Enter")
    alert = page.locator(f"{W} [role=alert]")
    expect(alert).to_have_text("Lots of people are asking right now — please try again in 30 seconds.")
    expect(box).to_have_value("What does a nurse earn?")  # kept, so trying again is one key
    assert page.locator(f"{W} .msg").count() == 0
    page.unroute(f"{base}/api/chat")

    # The real limiter (1 question a minute on tiny-site) says the same, with its own wait.
    open_host(page, hosts, "tiny.html", title="Tiny Club")
    page.locator(f"{W} .launcher").click()
    ask(page, "What does a porter do?")
    box.fill("What does a nurse do?")
    box.press("Enter")
    expect(alert).to_contain_text("Lots of people are asking right now — please try again in ")
    assert "Pathways widget" not in " ".join(t for k, t in page.console if k == "error")


def test_html_typed_or_answered_is_shown_as_text_and_never_runs(page, hosts, base):
    open_host(page, hosts)
    page.locator(f"{W} .launcher").click()
    ask(page, "<img src=x onerror=alert(1)> porter")
    ask(page, "<script>alert(2)</script> nurse")
    users = page.locator(f"{W} .msg.user")
    expect(users.nth(0)).to_contain_text("<img src=x onerror=alert(1)> porter")
    expect(users.nth(1)).to_contain_text("<script>alert(2)</script> nurse")
    count = "() => document.querySelector('pathways-widget').shadowRoot.querySelectorAll('img, script, b, i').length"
    assert page.evaluate(count) == 0

    allowed = hosts[1][0]
    hostile = {"answer": "<img src=x onerror=alert(3)> <b>bold</b>\n- <i>a list item</i>", "in_scope": True,
               "intent": "role", "suggestions": ["<img src=y onerror=alert(5)>"], "feedback_id": None,
               "sources": [{"id": "x", "kind": "role", "title": "<i>Porter</i>", "url": "/roles/porter"},
                           {"id": "y", "kind": "role", "title": "Bad", "url": "javascript:alert(4)"}]}
    page.route(f"{base}/api/chat", lambda route: route.fulfill(
        status=200, content_type="application/json", headers={"Access-Control-Allow-Origin": allowed},
        body=json.dumps(hostile)))
    ask(page, "anything")
    answer = page.locator(f"{W} .msg.bot").last
    expect(answer.locator("p").first).to_have_text("<img src=x onerror=alert(3)> <b>bold</b>")
    expect(answer.locator("li").first).to_have_text("<i>a list item</i>")
    expect(answer.locator(".src a")).to_have_count(1)
    expect(answer.locator(".src a")).to_contain_text("<i>Porter</i>")
    expect(answer.locator(".chip")).to_have_text("<img src=y onerror=alert(5)>")
    assert page.evaluate(count) == 0
    page.wait_for_timeout(200)
    assert page.dialogs == []


def test_conversation_survives_reload_and_clear_empties_it(page, hosts, base):
    open_host(page, hosts)
    page.locator(f"{W} .launcher").click()
    ask(page, QUESTION)
    first_answer = page.locator(f"{W} .msg.bot").first.inner_text()
    stored = page.evaluate("sessionStorage.getItem('pathways:test-site')")
    assert stored and QUESTION in stored
    assert page.evaluate("document.cookie") == "" and page.evaluate("localStorage.length") == 0

    page.reload()
    page.locator(f"{W} .launcher").click()
    expect(page.locator(f"{W} .msg")).to_have_count(2)
    assert page.locator(f"{W} .msg.bot").first.inner_text() == first_answer
    expect(page.locator(f"{W} .msg.user")).to_contain_text(QUESTION)
    expect(page.locator(f"{W} .starters .chip")).to_have_count(0)

    page.locator(f"{W} .link", has_text="Clear conversation").click()
    expect(page.locator(f"{W} .msg")).to_have_count(0)
    expect(page.locator(f"{W} .starters .chip")).to_have_count(2)
    assert page.evaluate("sessionStorage.getItem('pathways:test-site')") is None
    assert focused(page) == "pw-q"
    page.reload()
    page.locator(f"{W} .launcher").click()
    expect(page.locator(f"{W} .msg")).to_have_count(0)


def test_fits_a_320px_screen_with_big_enough_targets(browser, hosts, base):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    open_host(page, hosts)
    launcher = page.locator(f"{W} .launcher").bounding_box()
    assert launcher["width"] >= 44 and launcher["height"] >= 44 and launcher["x"] + launcher["width"] <= 320
    page.locator(f"{W} .launcher").click()
    ask(page, QUESTION)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "widget-320.png"))
    panel = page.locator(f"{W} .panel").bounding_box()
    # Layout is in fractions of a pixel (Chromium 156.0.8078.129 gave a height of 640.00001).
    edge = 320 + 0.01
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= edge and panel["height"] <= 640 + 0.01
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.evaluate("""() => { const s = document.querySelector('pathways-widget').shadowRoot
        .querySelector('.scroll'); return s.scrollWidth <= s.clientWidth; }"""), "no sideways scroll in the panel"
    sizes = page.locator(f"{W} .panel button, {W} .panel textarea").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [e.className, r.width, r.height]; })")
    small = [s for s in sizes if s[1] < 24 or s[2] < 24]
    assert not small, small
    for cls in ("x", "btn", "vote"):
        assert all(w >= 44 and h >= 44 for c, w, h in sizes if c == cls), cls
    context.close()


def test_strict_csp_host_still_gets_a_styled_widget_that_answers(page, hosts, base):
    open_host(page, hosts, "csp.html")
    launcher = page.locator(f"{W} .launcher")
    assert launcher.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 112, 60)"
    assert launcher.evaluate("e => getComputedStyle(e).position") == "fixed"
    launcher.click()
    ask(page, QUESTION)
    expect(page.locator(f"{W} .msg.bot .src a").first).to_have_attribute("href", f"{base}/roles/porter")
    assert errors(page) == []


def test_embed_page_makes_the_tag_and_its_preview_answers(page, browser, base):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(base + "/embed")
    code = page.locator("#e-code")
    expect(code).to_contain_text(f'<script src="{base}/widget.js" data-pathways-site="')
    page.locator("#e-site").select_option("test-site")
    page.locator("#e-level").select_option("simple")
    expect(code).to_have_text(f'<script src="{base}/widget.js" data-pathways-site="test-site" '
                              'data-level="simple" async></script>')
    expect(page.locator("#e-iframe")).to_contain_text(f"{base}/embed/frame?site=test-site&amp;level=simple")
    page.locator("#e-mode-inline").check()
    expect(code).to_contain_text('<div id="pathways-chat"></div>')
    expect(code).to_contain_text('data-target="#pathways-chat"')
    preview = page.locator("#e-preview")
    expect(preview.locator(".head h2")).to_have_text("Test Job Club")
    box = preview.locator("textarea")
    box.fill(QUESTION)
    box.press("Enter")
    expect(preview.locator(".msg.bot")).to_have_count(1, timeout=15000)
    expect(preview.locator(".msg.bot .src a").first).to_have_attribute("href", f"{base}/roles/porter")
    page.screenshot(path=str(SHOTS / "embed-1280.png"), full_page=True)
    assert errors(page) == []

    # The iframe fallback: the same chat as a whole page.
    page.goto(base + "/embed/frame?site=test-site")
    page.locator(f"main {W} textarea").wait_for()
    frame_panel = page.locator(f"{W} .panel").bounding_box()
    assert frame_panel["height"] >= 800
    ask(page, QUESTION)  # the preview's conversation came along: same origin, same tab
    page.screenshot(path=str(SHOTS / "embed-frame-1280.png"))
    assert errors(page) == []

    # The generator page itself (with the widget previewed in it) passes axe too.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    checked = context.new_page()
    checked.goto(base + "/embed")
    checked.locator(f"#e-preview {W} .launcher").wait_for()
    assert axe_violations(checked) == []
    context.close()
