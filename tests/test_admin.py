"""/admin: the token, the reports on a real SQLite store, and a CSV export that is safe to open."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.adviser.store import AdviserStore
from service.config import Settings
from service.routes import admin
from service.sites import SiteRegistry

TOKEN = "correct horse battery staple"
SITES = """
sites:
  - id: hackney-jobclub
    name: Hackney Job Club
    origins: [https://jobclub.example.org]
    record_questions: true
  - id: barnet-college
    name: Barnet College
    origins: [https://barnet.example.ac.uk]
"""


def basic(password: str, user: str = "adviser") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


BEARER = {"Authorization": f"Bearer {TOKEN}"}


def make_app(tmp_path: Path, token: str | None) -> FastAPI:
    sites_file = tmp_path / "sites.yaml"
    sites_file.write_text(SITES)
    settings = Settings(_env_file=None, admin_token=token, sites_file=sites_file)  # type: ignore[call-arg]
    app = FastAPI()
    app.include_router(admin.router)
    app.state.pathways = SimpleNamespace(settings=settings)
    app.state.sites = SiteRegistry(sites_file)
    app.state.adviser = AdviserStore(f"sqlite:///{tmp_path / 'adviser.db'}", retention_days=90)
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    made = make_app(tmp_path, TOKEN)
    yield made
    made.state.adviser.close()


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def ask(app: FastAPI, question: str, *, in_scope: bool = True, site: str = "hackney-jobclub") -> str:
    return app.state.adviser.record_question(site, question, intent="pay", in_scope=in_scope,
                                             sources=["band-5-pay"], level="simple", language=None,
                                             confident=True)


def test_switched_off_without_a_token(tmp_path: Path):
    app = make_app(tmp_path, None)
    response = TestClient(app).get("/admin", headers=BEARER)
    assert response.status_code == 404
    assert response.json()["detail"] == "The adviser view is switched off: set PATHWAYS_ADMIN_TOKEN."
    app.state.adviser.close()


@pytest.mark.parametrize("headers", [
    {}, basic("wrong"), basic(TOKEN + "x"), basic(""), {"Authorization": "Bearer wrong"},
    {"Authorization": "Bearer"}, {"Authorization": "Basic not-base64!!"},
    {"Authorization": "Basic " + base64.b64encode(TOKEN.encode()).decode()},  # no colon
    {"Authorization": "Basic " + base64.b64encode(b"\xff:\xfe").decode()}, {"Authorization": f"Token {TOKEN}"},
])
def test_wrong_or_missing_token_is_401_with_a_basic_prompt(client: TestClient, headers: dict[str, str]):
    response = client.get("/admin/sites/hackney-jobclub/export.csv", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Pathways admin"'
    assert "token" in response.json()["detail"]


def test_every_admin_address_needs_the_token_before_anything_else(client: TestClient):
    for path in ["/admin", "/admin/sites/hackney-jobclub", "/admin/sites/nowhere", "/admin/sites/nowhere?days=abc",
                 "/admin/sites/hackney-jobclub/export.csv"]:
        for headers in ({}, basic("wrong")):
            assert client.get(path, headers=headers).status_code == 401, (path, headers)


@pytest.mark.parametrize("headers", [basic(TOKEN), basic(TOKEN, user=""), BEARER])
def test_basic_or_bearer_token_opens_it(client: TestClient, headers: dict[str, str]):
    response = client.get("/admin", headers=headers)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_overview_lists_every_site_even_without_questions(app: FastAPI, client: TestClient):
    ask(app, "What is band 5 pay?")
    ask(app, "Can you fix my car?", in_scope=False)
    ask(app, "Old site question", site="removed-site")
    page = BeautifulSoup(client.get("/admin", headers=BEARER).text, "html.parser")
    rows = {row.th.a.get_text(): [td.get_text(" ", strip=True) for td in row.find_all("td")]
            for row in page.select("tbody tr")}
    assert rows["Hackney Job Club"][:3] == ["Yes", "2", "1"]
    assert rows["Barnet College"] == ["No", "0", "0", "0", "0", "No questions yet"]
    assert rows["removed-site"][0] == "No longer in the sites file"
    assert page.find("a", href="/admin/sites/barnet-college")


def test_site_page_shows_redacted_questions_and_every_report(app: FastAPI, client: TestClient):
    ask(app, "My name is Sarah Jones, call 07700 900123. Can I be a porter?")
    ask(app, "How do I become a nurse?")
    ask(app, "how do I become a  nurse")
    lost = ask(app, "Can you fix my car?", in_scope=False)
    app.state.adviser.record_feedback("hackney-jobclub", lost, "down", "too-hard", "email me at a@b.com")
    response = client.get("/admin/sites/hackney-jobclub", headers=basic(TOKEN))
    assert response.status_code == 200
    html = response.text
    assert "Sarah" not in html and "07700" not in html and "a@b.com" not in html
    assert "My name is [name], call [phone]. Can I be a porter?" in html
    page = BeautifulSoup(html, "html.parser")
    tables = {t.caption.get_text(): t for t in page.find_all("table")}
    top = next(t for c, t in tables.items() if c.startswith("Most asked"))
    assert [td.get_text() for td in top.find_all("td")][:2] == ["How do I become a nurse?", "2"]
    feedback = next(t for c, t in tables.items() if c.startswith("Votes on answers")).get_text(" ", strip=True)
    assert "Not helpful Too hard to read" in feedback and "email me at [email]" in feedback
    unanswered = next(t for c, t in tables.items() if c.startswith("Questions Pathways could not"))
    assert "Can you fix my car?" in unanswered.get_text() and "nurse" not in unanswered.get_text()
    bars = page.select("table.trend progress")
    assert len(bars) == 30 and bars[0]["value"] == "4" and bars[0]["max"] == "4"
    assert page.find("link", href="/static/admin.css")
    # The site's CSP allows no inline styles or scripts.
    assert not page.select("[style]") and not page.find("style")
    assert all(script.get("src") for script in page.find_all("script"))


def test_period_can_be_chosen_and_bad_periods_are_422(client: TestClient):
    page = BeautifulSoup(client.get("/admin/sites/hackney-jobclub?days=7", headers=BEARER).text, "html.parser")
    assert len(page.select("table.trend progress")) == 7
    assert page.find("a", attrs={"aria-current": "page"}).get_text() == "Last 7 days"
    for bad in ("0", "366", "abc", "-1"):
        assert client.get(f"/admin/sites/hackney-jobclub?days={bad}", headers=BEARER).status_code == 422


@pytest.mark.parametrize("path", ["/admin/sites/nowhere", "/admin/sites/nowhere/export.csv",
                                  "/admin/sites/%3Cscript%3E", "/admin/sites/" + "x" * 500])
def test_unknown_site_is_a_404_page(client: TestClient, path: str):
    response = client.get(path, headers=BEARER)
    assert response.status_code == 404 and "Page not found" in response.text


def test_csv_export_has_header_rows_and_no_formulas(app: FastAPI, client: TestClient):
    first = ask(app, "=HYPERLINK(\"http://evil.example\", \"click\") my number is 07700 900123")
    app.state.adviser.record_feedback("hackney-jobclub", first, "down", "other", "+SUM(A1:A2)")
    ask(app, "@cmd what jobs are there?", in_scope=False)
    ask(app, "-1 is my score, band 5?")
    ask(app, "Another site's question", site="barnet-college")
    response = client.get("/admin/sites/hackney-jobclub/export.csv", headers=BEARER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="pathways-hackney-jobclub-') and disposition.endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == admin.EXPORT_COLUMNS and len(rows) == 4
    by_column = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert by_column[0]["question"] == "'=HYPERLINK(\"http://evil.example\", \"click\") my number is [phone]"
    assert (by_column[0]["vote"], by_column[0]["reason"], by_column[0]["comment"]) == ("down", "other", "'+SUM(A1:A2)")
    assert by_column[1]["question"] == "'@cmd what jobs are there?" and by_column[1]["in_scope"] == "no"
    assert by_column[2]["question"] == "'-1 is my score, band 5?"
    assert by_column[2]["sources"] == "band-5-pay" and by_column[2]["vote"] == ""
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_no_database_is_a_clear_404(app: FastAPI, client: TestClient):
    store, app.state.adviser = app.state.adviser, None
    response = client.get("/admin", headers=BEARER)
    assert response.status_code == 404 and "database" in response.json()["detail"]
    app.state.adviser = store
