"""Faults: `pathways ingest` killed with SIGKILL at random moments loses nothing, and a data dir that
cannot be written stops `serve` and `ingest` with one line instead of a traceback."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from chromadb.api.shared_system_client import SharedSystemClient

from service.config import Settings
from service.embeddings import CachedEmbeddings
from service.index import active_collection_name, make_client
from service.models import ChatRequest
from service.state import AppState

PATHWAYS = Path(sys.executable).with_name("pathways")
KILLS = 6


def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "PATHWAYS_KNOWLEDGE_DIR": str(settings.knowledge_dir),
            "PATHWAYS_DATA_DIR": str(settings.data_dir), "PATHWAYS_MULTILINGUAL": "false"}


def _ingest(settings: Settings, cwd: Path) -> subprocess.Popen[str]:
    # cwd is the test's own folder, so a developer's .env cannot leak in.
    return subprocess.Popen([str(PATHWAYS), "ingest"], env=_env(settings), cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _fresh_client(settings: Settings):
    # chromadb shares one client per path within a process; a restarted server would not.
    SharedSystemClient.clear_system_cache()
    return make_client(settings)


def _answers(settings: Settings, embeddings: CachedEmbeddings) -> str:
    """What `serve` would do at start: load the active index, then answer a question from it."""
    SharedSystemClient.clear_system_cache()
    state = AppState(settings)
    state.load(embeddings)
    assert state.ready is not None, state.error
    reply = state.ready.chat.answer(ChatRequest(message="what does a porter do"))
    assert reply.sources and reply.sources[0].id == "porter", reply
    return reply.answer


def test_sigkill_during_ingest_keeps_the_previous_index(fixture_copy: Settings, tmp_path: Path,
                                                      embeddings: CachedEmbeddings):
    settings = fixture_copy.model_copy(update={"multilingual": False})
    started = time.monotonic()
    first = _ingest(settings, tmp_path)
    assert first.wait(60) == 0, first.stdout.read() if first.stdout else ""
    full_run = time.monotonic() - started
    porter = Path(settings.knowledge_dir) / "roles" / "porter.yaml"
    original = porter.read_text()
    rng = random.Random(20261123)  # random moments, the same ones on every run
    delays = sorted(rng.uniform(0.15, 1.0) * full_run for _ in range(KILLS))
    client = _fresh_client(settings)
    chunks = client.get_collection(active_collection_name(client, settings.collection_prefix)).count()
    for round_, delay in enumerate(delays):
        porter.write_text(original.replace("summary: ", f"summary: Round {round_}. ", 1))
        proc = _ingest(settings, tmp_path)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        # Whether the kill came before or after the pointer moved, it names a complete index.
        client = _fresh_client(settings)
        active = active_collection_name(client, settings.collection_prefix)
        assert active is not None and client.get_collection(active).count() == chunks, (round_, delay)
        _answers(settings, embeddings)

    porter.write_text(original.replace("summary: ", "summary: Final. ", 1))
    final = _ingest(settings, tmp_path)
    output = final.communicate(timeout=60)[0]
    assert final.returncode == 0 and "new index" in output, output
    assert "Traceback" not in output
    assert _answers(settings, embeddings).count("Final.") >= 1


def _one_line_failure(args: list[str], settings: Settings, cwd: Path) -> str:
    result = subprocess.run([str(PATHWAYS), *args], check=False, env=_env(settings), cwd=cwd, text=True,
                            capture_output=True, timeout=60)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    return output


@pytest.fixture
def blocked_data_dir(fixture_copy: Settings, tmp_path: Path) -> Settings:
    """A data dir that cannot be created: a plain file sits where its parent folder should be."""
    (tmp_path / "in-the-way").write_text("not a folder")
    return fixture_copy.model_copy(update={"data_dir": tmp_path / "in-the-way" / "data"})


def test_serve_with_unwritable_data_dir_exits_with_one_line(blocked_data_dir: Settings, tmp_path: Path):
    output = _one_line_failure(["serve", "--port", "1"], blocked_data_dir, tmp_path)
    assert len(output.splitlines()) == 1, output
    assert output.startswith("pathways serve: cannot write to") and "in-the-way" in output


def test_ingest_with_unwritable_data_dir_exits_without_traceback(blocked_data_dir: Settings,
                                                                 tmp_path: Path):
    output = _one_line_failure(["ingest"], blocked_data_dir, tmp_path)
    assert "pathways ingest: cannot write the index under" in output


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only folder")
def test_read_only_data_dir_is_reported(tmp_path: Path):
    from service.preflight import unwritable

    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert "Permission denied" in (unwritable(folder) or "")
    finally:
        folder.chmod(0o755)


def test_expanding_unicode_does_not_crash_the_multilingual_embedder():
    # In a child process: the bug aborts (or silently corrupts) whatever process runs it. A 300-character
    # question to /api/chat, which asks E5 about any question it reads as another language, does it.
    # Characters that grow when normalised: a ligature of 18 letters, "ffi", "MHz", Greek with three
    # marks, a Hangul syllable (3 jamo).
    probe = ("from service.multilingual import E5; e5 = E5(threads=1)\n"
             "for ch in ['\\ufdfa', '\\ufb03', '\\u3392', '\\u1fb7', '\\uac01']: e5.query(ch * 700)\n"
             "print('ok')")
    result = subprocess.run([sys.executable, "-c", probe], check=False, cwd=Path(__file__).parent.parent,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-300:]
