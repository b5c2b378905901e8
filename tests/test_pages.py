"""Pages render from the schema, are escaped, and carry the accessibility hooks the chat needs."""

from __future__ import annotations

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient


def soup(client: TestClient, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.text, "html.parser")


def test_chat_page_is_accessible_and_self_contained(client: TestClient):
    page = soup(client, "/")
    log = page.select_one("#log")
    assert log["role"] == "log" and log["aria-relevant"] == "additions"
    assert page.select_one("label[for=message]") and page.select_one("#message")
    assert page.select_one("[role=alert]") is not None
    for tag in page.select("script[src], link[href]"):
        assert (tag.get("src") or tag.get("href")).startswith("/"), "no external assets"
    assert page.select_one("meta[name=viewport]")


def test_role_page_shows_profile_pay_and_sources(client: TestClient):
    page = soup(client, "/roles/porter")
    assert page.h1.get_text() == "Porter"
    text = page.get_text(" ")
    assert "2026/27" in text and "£25,272" in text
    assert page.select(".sources a[href^=http]")
    assert page.select_one('a[href="/?about=porter"]')


def test_route_programme_glossary_pay_and_list_pages(client: TestClient, real_state):
    kb = real_state.ready.kb
    assert soup(client, f"/routes/{kb.routes[0].id}").h1
    assert soup(client, f"/programmes/{kb.programmes[0].id}").h1
    assert len(soup(client, "/glossary").select("dl dt")) >= 40
    assert "2026/27" in soup(client, "/pay").h1.get_text()
    assert len(soup(client, "/roles").select(".cards a")) == len(kb.roles)


def test_unknown_page_is_a_friendly_404(client: TestClient):
    response = client.get("/roles/astronaut", headers={"accept": "text/html"})
    assert response.status_code == 404 and "Page not found" in response.text


def test_security_headers(client: TestClient):
    headers = client.get("/").headers
    assert headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in headers["content-security-policy"]
