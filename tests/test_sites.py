"""Sites that embed the widget: the allowlist (deny by default), CORS, rate limits keyed by IP and
site, the sites file's reloading, feedback, and how the widget script is served."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

from ingest.build import run_ingest
from service.app import create_app
from service.config import Settings
from service.ratelimit import RateLimits
from service.sites import Site, SiteRegistry, read_sites
from service.state import AppState

HOST = "https://jobclub.example.org"
OTHER = "https://evil.example.com"
OWN = "http://testserver"  # what TestClient sends as Host

SITES = {"sites": [
    {"id": "jobclub", "name": "Job Club", "origins": [HOST], "borough": "hackney", "level": "simple",
     "handoff": {"url": "https://jobclub.example.org/contact", "phone": "020 7946 0000"},
     "record_questions": True},
    {"id": "tight", "name": "Tight Limits", "origins": [HOST],
     "limits": {"per_ip_per_minute": 2, "per_site_per_minute": 100}},
    {"id": "quiet", "name": "Records nothing", "origins": [HOST]},
]}


def write(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site_app(real_settings: Settings, real_state: AppState,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("sites")
    settings = real_settings.model_copy(update={
        "sites_file": write(folder / "sites.yaml", SITES),
        "adviser_db": f"sqlite:///{folder / 'adviser.db'}"})
    with TestClient(create_app(settings, real_state)) as client:
        yield client


def ask(client: TestClient, origin: str | None, **body: object):
    headers = {"Origin": origin} if origin else {}
    return client.post("/api/chat", json={"message": "how do I become a porter?", **body}, headers=headers)


# -- allowlist -----------------------------------------------------------------------------------

def test_own_pages_need_no_site(site_app):
    assert ask(site_app, None).status_code == 200
    assert ask(site_app, OWN).status_code == 200


def test_listed_origin_is_answered_and_may_read_the_answer(site_app):
    response = ask(site_app, HOST, site="quiet")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == HOST
    assert "credentials" not in " ".join(response.headers.keys()).lower()
    assert response.json()["feedback_id"] is None  # this site did not opt in


def test_other_origin_is_refused_with_a_reason_the_widget_can_read(site_app):
    response = ask(site_app, OTHER, site="jobclub")
    assert response.status_code == 403
    assert OTHER in response.json()["detail"] and "jobclub" in response.json()["detail"]
    assert response.headers["access-control-allow-origin"] == OTHER


def test_unknown_site_and_missing_site_are_refused(site_app):
    unknown = ask(site_app, HOST, site="nobody-here")
    assert unknown.status_code == 403 and "Unknown site id 'nobody-here'" in unknown.json()["detail"]
    missing = ask(site_app, HOST)
    assert missing.status_code == 403 and "data-pathways-site" in missing.json()["detail"]
    assert ask(site_app, "null", site="jobclub").status_code == 403


def test_same_origin_preview_may_use_any_known_site(site_app):
    assert ask(site_app, OWN, site="jobclub").status_code == 200
    assert ask(site_app, OWN, site="nobody-here").status_code == 403


def test_stream_follows_the_same_allowlist(site_app):
    headers = {"Origin": OTHER}
    response = site_app.post("/api/chat/stream", json={"message": "porter", "site": "jobclub"},
                             headers=headers)
    assert response.status_code == 403


def test_preflight_only_for_listed_origins(site_app):
    request = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = site_app.options("/api/chat", headers={"Origin": HOST, **request})
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == HOST
    assert "POST" in ok.headers["access-control-allow-methods"]
    refused = site_app.options("/api/chat", headers={"Origin": OTHER, **request})
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
    assert refused.headers["x-content-type-options"] == "nosniff"  # security headers still on


def test_site_settings_are_public_only_to_listed_origins(site_app):
    response = site_app.get("/api/sites/jobclub", headers={"Origin": HOST})
    assert response.status_code == 200
    body = response.json()
    assert body["borough"] == "Hackney" and body["level"] == "simple" and body["feedback"] is True
    assert body["handoff"]["phone"] == "020 7946 0000" and body["base_url"] == OWN
    assert "origins" not in body and "limits" not in body  # never shown to visitors
    assert site_app.get("/api/sites/jobclub", headers={"Origin": OTHER}).status_code == 403
    assert site_app.get("/api/sites/nope", headers={"Origin": HOST}).status_code == 403


def test_site_borough_is_the_default(site_app):
    question = "how much does a porter earn?"
    with_site = ask(site_app, HOST, site="jobclub", message=question).json()["answer"]
    with_borough = ask(site_app, None, message=question, borough="Hackney").json()["answer"]
    without = ask(site_app, None, message=question).json()["answer"]
    assert with_site == with_borough != without


# -- rate limits ---------------------------------------------------------------------------------

def test_rate_limit_is_per_visitor_and_says_when_to_come_back(site_app):
    statuses = [ask(site_app, HOST, site="tight") for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    last = statuses[-1]
    assert 1 <= int(last.headers["retry-after"]) <= 60
    assert "try again" in last.json()["detail"]
    assert last.headers["access-control-allow-origin"] == HOST  # the widget can read it...
    assert "Retry-After" in last.headers["access-control-expose-headers"]  # ...and the wait
    # Another site's visitors are not affected.
    assert ask(site_app, HOST, site="quiet").status_code == 200


def _site(**limits: int) -> Site:
    return Site(id="class", name="A class", origins=[HOST], limits=limits)


def test_each_ip_has_its_own_allowance_under_the_site_ceiling(real_settings):
    limits = RateLimits(real_settings)
    site = _site(per_ip_per_minute=3, per_site_per_minute=5)
    for _ in range(3):
        limits.admit(site, "10.0.0.1")
    with pytest.raises(Exception) as busy_visitor:
        limits.admit(site, "10.0.0.1")
    assert busy_visitor.value.status_code == 429
    limits.admit(site, "10.0.0.2")
    limits.admit(site, "10.0.0.2")  # the 11th-visitor problem: others still get in...
    with pytest.raises(Exception) as busy_site:
        limits.admit(site, "10.0.0.3")  # ...until the whole site reaches its ceiling
    assert busy_site.value.status_code == 429 and int(busy_site.value.headers["Retry-After"]) >= 1


# -- feedback ------------------------------------------------------------------------------------

def test_feedback_on_a_recorded_answer(site_app):
    answer = ask(site_app, HOST, site="jobclub", message="my name is Sam Jones, how do I become a porter?")
    feedback_id = answer.json()["feedback_id"]
    assert feedback_id and len(feedback_id) == 32
    send = {"site": "jobclub", "feedback_id": feedback_id, "vote": "down", "reason": "too-hard"}
    assert site_app.post("/api/feedback", json=send, headers={"Origin": HOST}).status_code == 204
    assert site_app.post("/api/feedback", json={**send, "site": "quiet"},
                         headers={"Origin": HOST}).status_code == 404
    assert site_app.post("/api/feedback", json={**send, "vote": "up"},
                         headers={"Origin": HOST}).status_code == 422
    assert site_app.post("/api/feedback", json={**send, "reason": "boring"},
                         headers={"Origin": HOST}).status_code == 422
    assert site_app.post("/api/feedback", json=send, headers={"Origin": OTHER}).status_code == 403
    stored = site_app.app.state.adviser.export_rows("jobclub")
    questions = [row["question"] for row in stored]
    assert any("porter" in q for q in questions) and not any("Sam Jones" in q for q in questions)


# -- the sites file ------------------------------------------------------------------------------

def test_sites_file_reloads_and_keeps_the_last_good_list(tmp_path):
    path = write(tmp_path / "sites.yaml", {"sites": [{"id": "one", "name": "One", "origins": [HOST]}]})
    registry = SiteRegistry(path)
    assert registry.get("one") is not None and registry.error is None
    write(path, {"sites": [{"id": "two", "name": "Two", "origins": ["https://two.example.org/path"]}]})
    time.sleep(1.1)
    assert registry.get("one") is not None  # broken edit: the last good list stays
    assert registry.error and "sites.yaml: sites.0.origins.0" in registry.error
    write(path, {"sites": [{"id": "two", "name": "Two", "origins": ["https://TWO.example.org:443/"]}]})
    registry.reload()  # what SIGHUP does
    assert registry.get("one") is None and registry.get("two").origins == ["https://two.example.org"]


def test_missing_sites_file_lets_no_site_in(tmp_path):
    assert read_sites(tmp_path / "absent.yaml") == []
    assert SiteRegistry(tmp_path / "absent.yaml").all() == []


@pytest.mark.parametrize("bad, field", [
    ({"sites": [{"id": "x", "name": "X"}]}, "sites.0.id"),
    ({"sites": [{"id": "abc", "name": "X", "origins": ["*"]}]}, "sites.0.origins.0"),
    ({"sites": [{"id": "abc", "name": "X", "borough": "Narnia"}]}, "sites.0.borough"),
    ({"sites": [{"id": "abc", "name": "X", "colour": "red"}]}, "sites.0.colour"),
    ({"sites": [{"id": "abc", "name": "X", "handoff": {"label": "Call us"}}]}, "sites.0.handoff"),
    ({"sites": [{"id": "abc", "name": "X", "allow_all": True}]}, "sites.0.allow_all"),
    ({"sites": [{"id": "abc", "name": "X"}, {"id": "abc", "name": "Y"}]}, "unique"),
])
def test_broken_sites_file_names_the_field(tmp_path, bad, field):
    with pytest.raises(ValueError) as error:
        read_sites(write(tmp_path / "sites.yaml", bad))
    assert field in str(error.value) and "sites.yaml" in str(error.value)


def test_the_shipped_sites_file_is_valid():
    sites = read_sites(Path(__file__).resolve().parent.parent / "sites.yaml")
    assert [s.id for s in sites] == ["demo"] and sites[0].origins == []


# -- the script and the frame --------------------------------------------------------------------

def test_widget_script_is_served_as_javascript_with_a_hash(site_app):
    response = site_app.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "max-age" in response.headers["cache-control"]
    etag = response.headers["etag"]
    assert site_app.get("/widget.js", headers={"If-None-Match": etag}).status_code == 304
    pinned = site_app.get(f"/widget/{etag.strip(chr(34))}.js")
    assert pinned.status_code == 200 and "immutable" in pinned.headers["cache-control"]
    assert pinned.content == response.content
    assert site_app.get("/widget/0000000000000000.js").status_code == 404


def test_frame_may_only_be_framed_by_the_site(site_app):
    response = site_app.get("/embed/frame?site=jobclub")
    assert response.status_code == 200
    assert f"frame-ancestors 'self' {HOST}" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    assert site_app.get("/embed/frame?site=nope").status_code == 404
    assert site_app.get("/").headers["x-frame-options"] == "SAMEORIGIN"


def test_sighup_reloads_the_sites_file_in_a_real_server(fixture_copy: Settings, embeddings,
                                                       tmp_path: Path):
    """`kill -HUP` makes a running `pathways serve` read the sites file again, even when the file's
    time and size look unchanged (so the once-a-second check alone would not)."""
    settings = fixture_copy.model_copy(update={"multilingual": False})
    run_ingest(settings, lambda: embeddings.inner)
    sites = write(tmp_path / "sites.yaml", {"sites": [{"id": "one", "name": "One", "origins": [HOST]}]})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PATHWAYS_KNOWLEDGE_DIR": str(settings.knowledge_dir),
           "PATHWAYS_DATA_DIR": str(settings.data_dir), "PATHWAYS_MULTILINGUAL": "false",
           "PATHWAYS_SITES_FILE": str(sites)}
    pathways = Path(sys.executable).with_name("pathways")
    server = subprocess.Popen([str(pathways), "serve", "--port", str(port)], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"

    def status(site: str) -> int:
        return httpx.post(f"{url}/api/chat", json={"message": "what does a porter do", "site": site},
                          headers={"Origin": HOST}, timeout=10).status_code

    def until(check, seconds: float) -> None:
        started = time.monotonic()
        while not check():
            assert time.monotonic() - started < seconds, f"not within {seconds} s"
            time.sleep(0.1)

    try:
        until(lambda: _ready(url), 60)
        assert status("one") == 200 and status("two") == 403
        before = sites.stat()
        write(sites, {"sites": [{"id": "two", "name": "Two", "origins": [HOST]}]})
        os.utime(sites, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert sites.stat().st_size == before.st_size
        time.sleep(1.2)
        assert status("two") == 403  # nothing looks changed, so the file is not read again
        server.send_signal(signal.SIGHUP)
        until(lambda: status("two") == 200, 5)
        assert status("one") == 403 and server.poll() is None  # still serving
    finally:
        server.terminate()
        server.wait(10)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
