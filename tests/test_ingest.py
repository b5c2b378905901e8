"""Ingest against a real Chroma on disk: idempotence, incremental re-embedding, atomic swap."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.build import run_ingest
from ingest.load import KnowledgeError
from service.cli import app as cli
from service.config import Settings
from service.embeddings import CachedEmbeddings
from service.index import active_collection_name, make_client
from service.knowledge_base import load_knowledge_base


class CountingEmbedder:
    def __init__(self, inner, fail_after: int | None = None):
        self.inner, self.fail_after, self.texts = inner, fail_after, 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.fail_after is not None and self.texts >= self.fail_after:
            raise RuntimeError("simulated crash mid-ingest")
        self.texts += len(texts)
        return self.inner.embed_documents(texts)


def _ids(settings: Settings) -> set[str]:
    client = make_client(settings)
    name = active_collection_name(client, settings.collection_prefix)
    return set(client.get_collection(name, embedding_function=None).get()["ids"])


def test_rerun_without_change_embeds_nothing(fixture_copy: Settings, embeddings: CachedEmbeddings):
    first = run_ingest(fixture_copy, lambda: embeddings.inner)
    assert first.changed and first.embedded == first.chunks > 0
    counter = CountingEmbedder(embeddings.inner)
    second = run_ingest(fixture_copy, lambda: counter)
    assert not second.changed and second.embedded == 0 and counter.texts == 0
    assert second.collection == first.collection
    assert len(_ids(fixture_copy)) == first.chunks  # no duplicates (langchain #22361)


def test_change_reembeds_only_that_record(fixture_copy: Settings, embeddings: CachedEmbeddings):
    run_ingest(fixture_copy, lambda: embeddings.inner)
    path = Path(fixture_copy.knowledge_dir) / "roles" / "care-worker.yaml"
    path.write_text(path.read_text().replace("Keep records of care given", "Write notes about care"))
    counter = CountingEmbedder(embeddings.inner)
    summary = run_ingest(fixture_copy, lambda: counter)
    assert summary.changed and summary.embedded == counter.texts == 1  # only the tasks chunk
    kb = load_knowledge_base(make_client(fixture_copy), fixture_copy.collection_prefix)
    assert "Write notes about care" in kb.records["care-worker"].tasks


def test_removed_record_disappears(fixture_copy: Settings, embeddings: CachedEmbeddings):
    run_ingest(fixture_copy, lambda: embeddings.inner)
    (Path(fixture_copy.knowledge_dir) / "programmes" / "hackney-test-service.yaml").unlink()
    summary = run_ingest(fixture_copy, lambda: embeddings.inner)
    assert summary.removed == 3 and summary.embedded == 0  # its overview, offers and plain sections
    assert not any(i.startswith("programme:") for i in _ids(fixture_copy))


def test_crash_mid_build_leaves_previous_index_serving(fixture_copy: Settings,
                                                       embeddings: CachedEmbeddings):
    first = run_ingest(fixture_copy, lambda: embeddings.inner)
    for path in (Path(fixture_copy.knowledge_dir) / "roles").glob("*.yaml"):
        path.write_text(path.read_text().replace("summary: ", "summary: Changed. ", 1))
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_ingest(fixture_copy, lambda: CountingEmbedder(embeddings.inner, fail_after=0))
    client = make_client(fixture_copy)
    assert active_collection_name(client, fixture_copy.collection_prefix) == first.collection
    kb = load_knowledge_base(client, fixture_copy.collection_prefix)
    assert not kb.records["porter"].summary.startswith("Changed.")
    # ... and the next ingest completes cleanly.
    assert run_ingest(fixture_copy, lambda: embeddings.inner).changed


def test_broken_file_stops_ingest_and_keeps_live_index(fixture_copy: Settings,
                                                      embeddings: CachedEmbeddings):
    first = run_ingest(fixture_copy, lambda: embeddings.inner)
    path = Path(fixture_copy.knowledge_dir) / "roles" / "porter.yaml"
    path.write_text(path.read_text().replace("qualifications_needed: none", "qualifications_needed: lots"))
    with pytest.raises(KnowledgeError) as caught:
        run_ingest(fixture_copy, lambda: embeddings.inner)
    problem = caught.value.problems[0]
    assert problem.path.endswith("roles/porter.yaml") and problem.record == "porter"
    assert problem.field == "qualifications_needed"
    client = make_client(fixture_copy)
    assert active_collection_name(client, fixture_copy.collection_prefix) == first.collection


def test_cli_exit_code_2_names_file_record_and_field(fixture_copy: Settings, monkeypatch):
    monkeypatch.setenv("PATHWAYS_KNOWLEDGE_DIR", str(fixture_copy.knowledge_dir))
    monkeypatch.setenv("PATHWAYS_DATA_DIR", str(fixture_copy.data_dir))
    from service.config import get_settings
    get_settings.cache_clear()
    path = Path(fixture_copy.knowledge_dir) / "roles" / "care-worker.yaml"
    path.write_text(path.read_text().replace("progression: [porter]", "progression: [astronaut]"))
    try:
        result = CliRunner().invoke(cli, ["ingest"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "roles/care-worker.yaml" in result.output and "progression.0" in result.output
    assert "astronaut" in result.output
    assert not (Path(fixture_copy.data_dir) / "chroma").exists() or active_collection_name(
        make_client(fixture_copy), fixture_copy.collection_prefix) is None
