"""Ingest's speed-ups must not change what it builds: the no-change check without chromadb, and
embedding with several workers."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from ingest.build import _recorded_hashes, run_ingest
from service.config import Settings
from service.embeddings import MODEL_IDS, CachedEmbeddings
from service.index import active_collection_name, make_client
from service.multilingual import E5, sibling_name
from tests.conftest import ROOT

NO_CHANGE = """
import sys
from service.cli import app
sys.argv = ["pathways", "ingest"]
try:
    app()
except SystemExit as exc:
    assert not exc.code, exc.code
print("chromadb imported:", any(m.split(".")[0] == "chromadb" for m in sys.modules))
"""


def _cli(settings: Settings, code: str) -> str:
    env = {**os.environ, "PATHWAYS_KNOWLEDGE_DIR": str(settings.knowledge_dir),
           "PATHWAYS_DATA_DIR": str(settings.data_dir), "PATHWAYS_MULTILINGUAL": "false"}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def _vectors(settings: Settings, cross: bool = False) -> dict[str, np.ndarray]:
    client = make_client(settings)
    name = active_collection_name(client, settings.collection_prefix)
    assert name is not None
    got = client.get_collection(sibling_name(name) if cross else name, embedding_function=None).get(
        include=["embeddings"])
    return {cid: np.asarray(v) for cid, v in zip(got["ids"], got["embeddings"], strict=True)}


def test_no_change_is_found_without_chromadb(fixture_copy: Settings, embeddings: CachedEmbeddings):
    first = run_ingest(fixture_copy, lambda: embeddings.inner)
    out = _cli(fixture_copy, NO_CHANGE)
    assert "no change" in out and first.collection in out and "chromadb imported: False" in out


def test_fast_check_declines_what_it_cannot_vouch_for(fixture_copy: Settings, embeddings: CachedEmbeddings):
    first = run_ingest(fixture_copy, lambda: embeddings.inner)  # English only: no cross-language part
    model = MODEL_IDS[fixture_copy.embedder]
    found = _recorded_hashes(fixture_copy, model, sibling=False)
    assert found is not None and found[0] == first.collection and len(found[1]) == first.chunks
    assert _recorded_hashes(fixture_copy, model, sibling=True) is None  # the e5 index is missing
    assert _recorded_hashes(fixture_copy, MODEL_IDS["torch"], sibling=False) is None  # another build
    # So with languages on, the next ingest builds the missing part, reusing every English vector.
    second = run_ingest(fixture_copy, lambda: embeddings.inner, crosslingual=E5(threads=1).passages)
    assert second.changed and second.embedded == 0
    assert _recorded_hashes(fixture_copy, model, sibling=True) is not None


def test_workers_build_the_same_vectors(tmp_path, embeddings: CachedEmbeddings):
    from tests.conftest import FIXTURE_KNOWLEDGE, make_settings

    e5 = E5(threads=1).passages
    one = make_settings(FIXTURE_KNOWLEDGE, tmp_path / "one")
    two = make_settings(FIXTURE_KNOWLEDGE, tmp_path / "two")
    run_ingest(one, lambda: embeddings.inner, crosslingual=e5, workers=1)
    run_ingest(two, lambda: embeddings.inner, crosslingual=e5, workers=2)
    for cross in (False, True):
        a, b = _vectors(one, cross), _vectors(two, cross)
        assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
