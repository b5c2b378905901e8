"""Build the index: validate, chunk, embed only what changed, write a new collection, then switch."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Self

from ingest.checks import check_knowledge
from ingest.chunks import Chunk, build_chunks
from ingest.crosslingual import CrossLingualPlan, plan_crosslingual, write_crosslingual
from ingest.load import KnowledgeError, load_knowledge
from service.config import Settings
from service.embeddings import MODEL_IDS
from service.multilingual import sibling_name

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

# chromadb (and service.index, which imports it) is imported only when the index must be read or
# written through Chroma: importing it was most of a no-change ingest (~2 s of 3.6 s here).

BATCH = 128
EMBED_JOB = 32  # chunks per MiniLM call: small enough to share the cores evenly at the end
E5_SLICE = 16  # passages per e5 call; e5 gives the same vector for a text whatever else is in the call
POINTER_SUFFIX = "__active"  # as service.index.pointer_name; a mismatch only costs the fast path


class Embedder(Protocol):
    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...


@dataclass
class IngestSummary:
    records: int
    chunks: int
    embedded: int
    reused: int
    removed: int
    seconds: float
    collection: str
    changed: bool

    def line(self) -> str:
        state = "new index" if self.changed else "no change"
        return (f"{state}: {self.records} records, {self.chunks} chunks, {self.embedded} embedded, "
                f"{self.reused} reused, {self.removed} removed, {self.seconds:.1f} s "
                f"-> {self.collection}")


def _batches(items: Sequence[Chunk], size: int = BATCH) -> Iterator[Sequence[Chunk]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _recorded_hashes(settings: Settings, model_id: str,
                    sibling: bool) -> tuple[str, dict[str, tuple[str, str]]] | None:
    """The active collection's name and chunk id -> (text hash, payload hash), read straight from the
    embedded store's SQLite file (read-only), without importing chromadb: what `_previous` reads
    through Chroma, minus the vectors, for the no-change check. None whenever anything is not as
    expected (no store yet, a Chroma server, another chromadb layout, another model build, a missing
    cross-language index when one is wanted): the caller then does the full check through Chroma."""
    if settings.chroma_url:
        return None
    path = settings.data_dir / "chroma" / "chroma.sqlite3"
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        def meta(collection: str, key: str) -> str | None:
            rows = db.execute("SELECT m.str_value FROM collection_metadata m JOIN collections c ON "
                              "m.collection_id = c.id WHERE c.name = ? AND m.key = ?",
                              (collection, key)).fetchall()
            return rows[0][0] if len(rows) == 1 else None

        active = meta(f"{settings.collection_prefix}{POINTER_SUFFIX}", "active")
        if not active or meta(active, "embedder") != model_id:
            return None
        if sibling and not db.execute("SELECT 1 FROM collections WHERE name = ?",
                                      (sibling_name(active),)).fetchall():
            return None
        hashes: dict[str, list[str]] = {}
        for chunk_id, key, value in db.execute(
                "SELECT e.embedding_id, m.key, m.string_value FROM embeddings e "
                "JOIN segments s ON e.segment_id = s.id JOIN collections c ON s.collection = c.id "
                "LEFT JOIN embedding_metadata m ON m.id = e.id AND m.key IN ('hash', 'payload_hash') "
                "WHERE c.name = ? AND s.scope = 'METADATA'", (active,)):
            pair = hashes.setdefault(chunk_id, ["", ""])
            if key in ("hash", "payload_hash"):
                pair[key == "payload_hash"] = str(value or "")
        return active, {cid: (h, p) for cid, (h, p) in hashes.items()}
    except sqlite3.Error:
        return None
    finally:
        db.close()


def _previous(client: ClientAPI, name: str | None, model_id: str) -> dict[str, tuple[str, str, list[float]]]:
    """Chunk id -> (text hash, payload hash, embedding) from the active collection, for reuse —
    only if the same model build made it (vectors from two builds must never mix)."""
    if name is None:
        return {}
    collection = client.get_collection(name, embedding_function=None)
    if (collection.metadata or {}).get("embedder") != model_id:
        return {}
    got = collection.get(include=["metadatas", "embeddings"])
    return {cid: (str(meta.get("hash", "")), str(meta.get("payload_hash", "")), list(emb))
            for cid, meta, emb in zip(got["ids"], got["metadatas"], got["embeddings"], strict=True)}


def _has(client: ClientAPI, name: str) -> bool:
    try:
        client.get_collection(name, embedding_function=None)
    except Exception:  # noqa: BLE001 - chromadb raises different types across versions for "missing"
        return False
    return True


def _prune(client: ClientAPI, prefix: str, keep: set[str], pointer: str) -> None:
    """Drop superseded and half-built collections. The previous index is kept because a running
    server may still be reading it until it notices the pointer moved."""
    for collection in client.list_collections():
        name = collection.name if hasattr(collection, "name") else str(collection)
        if name.startswith(f"{prefix}_") and name != pointer and name not in keep:
            client.delete_collection(name)


def run_ingest(
    settings: Settings,
    embedder_factory: Callable[[], Embedder],
    progress: Callable[[int, int], None] | None = None,
    crosslingual: Callable[[list[str]], list[list[float]]] | None = None,
    workers: int = 1,
) -> IngestSummary:
    """Validate every file first; raise KnowledgeError (nothing written) if any is broken.

    ``workers`` > 1 runs that many embedding calls at once (give single-threaded embedders then):
    MiniLM chunks and e5 passages share the cores instead of taking turns. A text's vector does not
    depend on the call it is in (checked bit for bit for both models), so the index is the same.

    The no-change check reads the embedded store's file directly first (no chromadb import); when it
    cannot vouch for the index, the check through Chroma below decides, as it always did."""
    started = time.perf_counter()
    knowledge, problems = load_knowledge(settings.knowledge_dir)
    problems += check_knowledge(knowledge)
    if problems:
        raise KnowledgeError(problems)
    chunks = build_chunks(knowledge)
    model_id = MODEL_IDS[settings.embedder]
    wanted = {c.id: (str(c.metadata["hash"]), str(c.metadata["payload_hash"])) for c in chunks}
    recorded = _recorded_hashes(settings, model_id, sibling=crosslingual is not None)
    if recorded is not None and recorded[1] == wanted:
        return IngestSummary(len(knowledge.records), len(chunks), 0, len(chunks), 0,
                             time.perf_counter() - started, recorded[0], changed=False)

    from service.index import active_collection_name, make_client, pointer_name, set_active

    client = make_client(settings)
    prefix = settings.collection_prefix
    active = active_collection_name(client, prefix)
    previous = _previous(client, active, model_id)

    if active and wanted == {cid: (h, p) for cid, (h, p, _) in previous.items()} and (
            crosslingual is None or _has(client, sibling_name(active))):
        return IngestSummary(len(knowledge.records), len(chunks), 0, len(chunks), 0,
                             time.perf_counter() - started, active, changed=False)

    fresh = [c for c in chunks if previous.get(c.id, ("",))[0] != c.metadata["hash"]]
    vectors: dict[str, list[float]] = {cid: emb for cid, (h, _, emb) in previous.items()
                                      if wanted.get(cid, ("",))[0] == h}
    plan = plan_crosslingual(client, knowledge, active) if crosslingual is not None else None

    name = f"{prefix}_{time.strftime('%Y%m%d%H%M%S')}_{time.time_ns() % 1_000_000:06d}"
    with _Embedding(embedder_factory, fresh, vectors, plan, crosslingual, max(1, workers), progress) as job:
        job.wait_english()
        # Written with chromadb directly because we pass embeddings we already have (reused or just
        # computed); langchain's Chroma store reads the same collection for retrieval. With several
        # workers, this runs while they finish the e5 passages.
        collection = client.create_collection(name, embedding_function=None,
                                              metadata={"hnsw:space": "cosine", "embedder": model_id})
        for batch in _batches(chunks, 256):
            collection.upsert(ids=[c.id for c in batch], documents=[c.text for c in batch],
                              metadatas=[c.metadata for c in batch],
                              embeddings=[vectors[c.id] for c in batch])
        if collection.count() != len(chunks):
            raise RuntimeError(f"index {name} holds {collection.count()} chunks, expected {len(chunks)}")
        job.wait_passages()
    if plan is not None:
        write_crosslingual(client, plan, name)
    set_active(client, prefix, name)
    _prune(client, prefix, keep={name, active or name, sibling_name(name), sibling_name(active or name)},
           pointer=pointer_name(prefix))
    removed = len(set(previous) - set(wanted))
    return IngestSummary(len(knowledge.records), len(chunks), len(fresh), len(chunks) - len(fresh),
                         removed, time.perf_counter() - started, name, changed=True)


class _Embedding:
    """Embeds the changed chunks (MiniLM) and the changed cross-language passages (e5), ``workers``
    calls at a time, each call single-threaded: the two models share the cores instead of taking
    turns. MiniLM calls are queued first, so the English collection can be written while the last
    e5 passages are embedded. With one worker, everything runs in turn in the calling thread.

    Chunks go shortest first, so each call pads little. A text's vector does not depend on what it
    is embedded with (checked bit for bit for both models, and e5 calls run side by side safely:
    its engine keeps no state between calls), so the index is the same whatever the workers."""

    def __init__(self, embedder_factory: Callable[[], Embedder], fresh: list[Chunk],
                 vectors: dict[str, list[float]], plan: CrossLingualPlan | None,
                 crosslingual: Callable[[list[str]], list[list[float]]] | None, workers: int,
                 progress: Callable[[int, int], None] | None):
        self._factory, self._vectors, self._plan = embedder_factory, vectors, plan
        self._crosslingual, self._progress = crosslingual, progress
        self._texts = plan.fresh_texts() if plan is not None and crosslingual is not None else []
        self._english = list(_batches(sorted(fresh, key=lambda c: len(c.text)), EMBED_JOB))
        self._slices = [self._texts[i:i + E5_SLICE] for i in range(0, len(self._texts), E5_SLICE)]
        self._e5: list[list[list[float]]] = [[] for _ in self._slices]
        self._embedder: Embedder | None = None
        self._lock = threading.Lock()
        self._total, self._done = len(fresh) + len(self._texts), 0
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="ingest-embed") if workers > 1 else None
        self._english_jobs: list[Future[None]] = []
        self._e5_jobs: list[Future[None]] = []

    def __enter__(self) -> Self:
        if self._pool is None:
            return self
        # One e5 call first: the other worker meanwhile loads MiniLM, then takes its calls.
        order = [("e5", 0)] if self._slices else []
        order += [("en", i) for i in range(len(self._english))]
        order += [("e5", i) for i in range(1, len(self._slices))]
        for kind, i in order:
            future = self._pool.submit(self._english_call if kind == "en" else self._e5_call, i)
            (self._english_jobs if kind == "en" else self._e5_jobs).append(future)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)  # a failure stops what has not begun

    def wait_english(self) -> None:
        """Return once every changed chunk's vector is in ``vectors``."""
        if self._pool is None:
            for i in range(len(self._english)):
                self._english_call(i)
        for job in self._english_jobs:
            job.result()  # re-raises the first failure; nothing has been written yet

    def wait_passages(self) -> None:
        """Return once every changed passage's vector is in the cross-language plan."""
        if self._pool is None:
            for i in range(len(self._slices)):
                self._e5_call(i)
        for job in self._e5_jobs:
            job.result()
        if self._texts and self._plan is not None:
            self._plan.add([v for part in self._e5 for v in part])

    def _english_call(self, i: int) -> None:
        batch = self._english[i]
        with self._lock:
            if self._embedder is None:
                self._embedder = self._factory()
            embedder = self._embedder
        for chunk, vector in zip(batch, embedder.embed_documents([c.text for c in batch]), strict=True):
            self._vectors[chunk.id] = vector
        self._tick(len(batch))

    def _e5_call(self, i: int) -> None:
        assert self._crosslingual is not None
        self._e5[i] = self._crosslingual(self._slices[i])
        self._tick(len(self._slices[i]))

    def _tick(self, n: int) -> None:
        with self._lock:
            self._done += n
            if self._progress:
                self._progress(self._done, self._total)
