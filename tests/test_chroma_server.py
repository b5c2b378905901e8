"""Chroma in server mode (`chroma run`): ingest into it, serve from it, lose it and get it back.

While the server is down, /readyz and the chat say 503 with a friendly message within 2 s (never a
500); when it is back the same app answers again without a restart. Several workers share one server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from evals.soak import child_pids
from ingest.build import run_ingest
from service import state as state_module
from service.app import create_app
from service.config import Settings
from service.embeddings import CachedEmbeddings
from service.state import AppState
from tests.conftest import wait_ready

CHROMA = Path(sys.executable).with_name("chroma")
PATHWAYS = Path(sys.executable).with_name("pathways")
FRIENDLY = "The job library is not reachable just now"
PORTER = "what does a porter do"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """`chroma run` on a loopback port with its own data folder; can be killed and started again."""

    def __init__(self, path: Path, log: Path):
        self.path, self.log, self.port = path, log, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, seconds: float = 30) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([str(CHROMA), "run", "--path", str(self.path), "--host",
                                          "127.0.0.1", "--port", str(self.port)],
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-2000:]
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=0.5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"chroma run never answered: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


@pytest.fixture
def chroma(tmp_path: Path):
    server = ChromaServer(tmp_path / "chroma-server", tmp_path / "chroma.log")
    yield server
    server.kill()


@pytest.fixture
def served(fixture_copy: Settings, chroma: ChromaServer, embeddings: CachedEmbeddings) -> Settings:
    """The fixture knowledge ingested into a running Chroma server."""
    chroma.start()
    settings = fixture_copy.model_copy(update={"chroma_url": chroma.url, "multilingual": False})
    run_ingest(settings, lambda: embeddings.inner)
    return settings


def _app(settings: Settings, embeddings: CachedEmbeddings) -> tuple[AppState, TestClient]:
    state = AppState(settings, embeddings)
    return state, TestClient(create_app(settings, state))


def _until(check, seconds: float) -> float:
    """Seconds until check() is true; fails after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s")


def _chat(client: TestClient) -> httpx.Response:
    response = client.post("/api/chat", json={"message": PORTER})
    assert response.status_code != 500, response.text
    return response


def test_server_lost_and_back_without_restarting_pathways(served: Settings, chroma: ChromaServer,
                                                          embeddings: CachedEmbeddings):
    state, client = _app(served, embeddings)
    with client:
        wait_ready(client, 30)
        answer = _chat(client)
        assert answer.status_code == 200 and answer.json()["sources"][0]["id"] == "porter"

        chroma.kill()
        lost = time.monotonic()
        _until(lambda: client.get("/readyz").status_code == 503, 2)
        down = _chat(client)
        assert time.monotonic() - lost < 2.0
        assert down.status_code == 503 and down.json()["detail"].startswith(FRIENDLY), down.text
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["status"] == "unavailable", ready.text
        assert chroma.url in ready.json()["detail"]
        # Every endpoint that needs the index says the same, and none of them says 500.
        assert client.get("/api/roles").status_code == 503
        assert client.get("/healthz").status_code == 200

        chroma.start()  # same port, same folder
        _until(lambda: client.get("/readyz").status_code == 200, 5)
        again = _chat(client)
        assert again.status_code == 200 and again.json()["sources"][0]["id"] == "porter", again.text
    state.stop()


def test_start_while_the_server_is_down_waits_then_loads(fixture_copy: Settings, chroma: ChromaServer,
                                                         embeddings: CachedEmbeddings,
                                                         monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(state_module, "RETRY_MAX_SECONDS", 1.0)
    settings = fixture_copy.model_copy(update={"chroma_url": chroma.url, "multilingual": False})
    state, client = _app(settings, embeddings)
    with client:  # starts loading now, with no server there
        _until(lambda: state.error is not None, 10)
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["status"] == "unavailable", ready.text
        down = _chat(client)
        assert down.status_code == 503 and down.json()["detail"].startswith(FRIENDLY), down.text

        chroma.start()
        run_ingest(settings, lambda: embeddings.inner)
        _until(lambda: client.get("/readyz").status_code == 200, 10)
        assert _chat(client).status_code == 200
    state.stop()


def test_replicas_follow_a_new_ingest(served: Settings, embeddings: CachedEmbeddings,
                                      monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(state_module, "WATCH_SECONDS", 0.3)
    state, client = _app(served, embeddings)
    with client:
        wait_ready(client, 30)
        first = client.get("/readyz").json()["collection"]
        porter = Path(served.knowledge_dir) / "roles" / "porter.yaml"
        porter.write_text(porter.read_text().replace("summary: ", "summary: Freshly ingested. ", 1))
        second = run_ingest(served, lambda: embeddings.inner).collection
        assert second != first
        _until(lambda: client.get("/readyz").json().get("collection") == second, 10)
        assert "Freshly ingested." in _chat(client).json()["answer"]
    state.stop()


def _env(settings: Settings) -> dict[str, str]:
    env = {**os.environ, "PATHWAYS_KNOWLEDGE_DIR": str(settings.knowledge_dir),
           "PATHWAYS_DATA_DIR": str(settings.data_dir), "PATHWAYS_MULTILINGUAL": "false",
           "PATHWAYS_LOG_LEVEL": "warning"}
    if settings.chroma_url:
        env["PATHWAYS_CHROMA_URL"] = settings.chroma_url
    return env


def test_ingest_with_the_server_down_says_so_in_one_line(fixture_copy: Settings, tmp_path: Path):
    settings = fixture_copy.model_copy(update={"chroma_url": f"http://127.0.0.1:{_free_port()}"})
    result = subprocess.run([str(PATHWAYS), "ingest"], env=_env(settings), cwd=tmp_path, text=True,
                            capture_output=True, timeout=60, check=False)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 1 and "Traceback" not in output, output
    assert output.startswith("pathways ingest: cannot reach the Chroma server at"), output
    assert len(output.splitlines()) == 1, output


def test_several_workers_need_a_chroma_server(fixture_copy: Settings, tmp_path: Path):
    result = subprocess.run([str(PATHWAYS), "serve", "--workers", "2"], env=_env(fixture_copy),
                            cwd=tmp_path, text=True, capture_output=True, timeout=60, check=False)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 2 and len(output.splitlines()) == 1, output
    assert output.startswith("pathways serve: --workers 2 needs a Chroma server"), output


def test_two_workers_share_one_chroma_server(served: Settings, tmp_path: Path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(PATHWAYS), "serve", "--workers", "2", "--port", str(port)],
                              env=_env(served), cwd=tmp_path, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        def ready_twice() -> bool:
            # New connection each time, so either worker may take it; both must say ready.
            try:
                return all(httpx.get(f"{base}/readyz", timeout=2).status_code == 200 for _ in range(6))
            except httpx.HTTPError:
                return False

        _until(ready_twice, 60)
        assert len(child_pids(server.pid)) >= 2, "uvicorn did not start two worker processes"

        def ask(_: int) -> int:
            with httpx.Client(timeout=30) as http:  # a connection of its own
                return http.post(f"{base}/api/chat", json={"message": PORTER}).status_code

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(ask, range(40)))
        assert codes == [200] * 40, codes
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
