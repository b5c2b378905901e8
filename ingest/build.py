"""Build the index: validate, chunk, embed only what changed, write a new collection, then switch."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from chromadb.api import ClientAPI

from ingest.checks import check_knowledge
from ingest.chunks import Chunk, build_chunks
from ingest.crosslingual import build_crosslingual
from ingest.load import KnowledgeError, load_knowledge
from service.config import Settings
from service.embeddings import MODEL_IDS
from service.index import active_collection_name, make_client, pointer_name, set_active
from service.multilingual import sibling_name

BATCH = 128


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


def _prune(client: ClientAPI, prefix: str, keep: set[str]) -> None:
    """Drop superseded and half-built collections. The previous index is kept because a running
    server may still be reading it until it notices the pointer moved."""
    for collection in client.list_collections():
        name = collection.name if hasattr(collection, "name") else str(collection)
        if name.startswith(f"{prefix}_") and name != pointer_name(prefix) and name not in keep:
            client.delete_collection(name)


def run_ingest(
    settings: Settings,
    embedder_factory: Callable[[], Embedder],
    progress: Callable[[int, int], None] | None = None,
    crosslingual: Callable[[list[str]], list[list[float]]] | None = None,
) -> IngestSummary:
    """Validate every file first; raise KnowledgeError (nothing written) if any is broken."""
    started = time.perf_counter()
    knowledge, problems = load_knowledge(settings.knowledge_dir)
    problems += check_knowledge(knowledge)
    if problems:
        raise KnowledgeError(problems)
    chunks = build_chunks(knowledge)
    client = make_client(settings)
    prefix = settings.collection_prefix
    active = active_collection_name(client, prefix)
    model_id = MODEL_IDS[settings.embedder]
    previous = _previous(client, active, model_id)

    wanted = {c.id: (str(c.metadata["hash"]), str(c.metadata["payload_hash"])) for c in chunks}
    if active and wanted == {cid: (h, p) for cid, (h, p, _) in previous.items()} and (
            crosslingual is None or _has(client, sibling_name(active))):
        return IngestSummary(len(knowledge.records), len(chunks), 0, len(chunks), 0,
                             time.perf_counter() - started, active, changed=False)

    fresh = [c for c in chunks if previous.get(c.id, ("",))[0] != c.metadata["hash"]]
    vectors: dict[str, list[float]] = {cid: emb for cid, (h, _, emb) in previous.items()
                                      if wanted.get(cid, ("",))[0] == h}
    if fresh:
        embedder = embedder_factory()
        done = 0
        for batch in _batches(fresh):
            for chunk, vector in zip(batch, embedder.embed_documents([c.text for c in batch]),
                                     strict=True):
                vectors[chunk.id] = vector
            done += len(batch)
            if progress:
                progress(done, len(fresh))

    name = f"{prefix}_{time.strftime('%Y%m%d%H%M%S')}_{time.time_ns() % 1_000_000:06d}"
    # Written with chromadb directly because we pass embeddings we already have (reused or just
    # computed); langchain's Chroma store reads the same collection for retrieval.
    collection = client.create_collection(name, embedding_function=None,
                                          metadata={"hnsw:space": "cosine", "embedder": model_id})
    for batch in _batches(chunks, 256):
        collection.upsert(ids=[c.id for c in batch], documents=[c.text for c in batch],
                          metadatas=[c.metadata for c in batch],
                          embeddings=[vectors[c.id] for c in batch])
    if collection.count() != len(chunks):
        raise RuntimeError(f"index {name} holds {collection.count()} chunks, expected {len(chunks)}")
    if crosslingual is not None:
        build_crosslingual(client, knowledge, name, active, crosslingual)
    set_active(client, prefix, name)
    _prune(client, prefix, keep={name, active or name, sibling_name(name), sibling_name(active or name)})
    removed = len(set(previous) - set(wanted))
    return IngestSummary(len(knowledge.records), len(chunks), len(fresh), len(chunks) - len(fresh),
                         removed, time.perf_counter() - started, name, changed=True)
