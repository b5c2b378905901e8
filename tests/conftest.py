"""Shared fixtures: the real embedding model, real Chroma indexes on disk, and the real app."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from ingest.build import run_ingest
from service.app import create_app
from service.config import Settings
from service.embeddings import CachedEmbeddings, load_embeddings
from service.multilingual import E5
from service.state import AppState

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_KNOWLEDGE = ROOT / "tests" / "data" / "knowledge"
REAL_KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture(scope="session")
def embeddings() -> CachedEmbeddings:
    return load_embeddings()


def make_settings(knowledge: Path, data: Path) -> Settings:
    return Settings(knowledge_dir=knowledge, data_dir=data, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Settings:
    """A writable copy of the small fixture knowledge, with its own empty data dir."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURE_KNOWLEDGE, knowledge)
    return make_settings(knowledge, tmp_path / "data")


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings) -> Settings:
    """The real knowledge base, ingested once per test session into a throwaway data dir."""
    settings = make_settings(REAL_KNOWLEDGE, tmp_path_factory.mktemp("real-data"))
    run_ingest(settings, lambda: embeddings.inner, crosslingual=E5(threads=None).passages)
    return settings


def ready_state(settings: Settings, embeddings: CachedEmbeddings) -> AppState:
    state = AppState(settings)
    state.load(embeddings)
    assert state.ready is not None, state.error
    return state


@pytest.fixture(scope="session")
def real_state(real_settings: Settings, embeddings: CachedEmbeddings) -> AppState:
    return ready_state(real_settings, embeddings)


@pytest.fixture(scope="session")
def client(real_settings: Settings, real_state: AppState) -> Iterator[TestClient]:
    with TestClient(create_app(real_settings, real_state)) as test_client:
        yield test_client


def ask(client: TestClient, message: str, **extra: object) -> dict:
    response = client.post("/api/chat", json={"message": message, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def wait_ready(client: TestClient, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if client.get("/readyz").status_code == 200:
            return
        time.sleep(0.2)
    raise AssertionError("app never became ready")


# A real server on a loopback port and Debian chromium, shared by the browser tests.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright  # a test dependency: missing means failing

    if not shutil.which("chromium"):
        pytest.fail("Debian chromium is missing: run scripts/install-chromium.sh")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()
