"""A second, small index for questions in other languages: one multilingual-e5 passage per record
(title, other titles and the first-steps summary), beside the main collection and switched with it.

MiniLM is English-only, so questions in Polish or Somali need their own vector space. e5 is slow
here (~0.1-0.3 s a passage), so passages are short and vectors are reused while a text is unchanged."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from chromadb.api import ClientAPI

from ingest.load import Knowledge
from service.multilingual import E5_MODEL_ID, passage_text, sibling_name


def _previous(client: ClientAPI, active: str | None) -> dict[str, list[float]]:
    """Text hash -> vector from the current cross-lingual index, if it exists."""
    if active is None:
        return {}
    try:
        got = client.get_collection(sibling_name(active), embedding_function=None).get(
            include=["metadatas", "embeddings"])
    except Exception:  # noqa: BLE001 - an index from before this existed simply has no sibling
        return {}
    return {str(meta["hash"]): list(vector) for meta, vector in zip(got["metadatas"], got["embeddings"],
                                                                     strict=True)}


def build_crosslingual(client: ClientAPI, knowledge: Knowledge, name: str, active: str | None,
                       embed: Callable[[list[str]], list[list[float]]]) -> tuple[int, int]:
    """Write ``sibling_name(name)``; returns (embedded, reused)."""
    records = sorted(knowledge.records.values(), key=lambda r: r.id)
    texts = [passage_text(r) for r in records]
    hashes = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    known = _previous(client, active)
    fresh = [i for i, h in enumerate(hashes) if h not in known]
    if fresh:
        for i, vector in zip(fresh, embed([texts[i] for i in fresh]), strict=True):
            known[hashes[i]] = list(vector)
    collection = client.create_collection(sibling_name(name), embedding_function=None,
                                          metadata={"hnsw:space": "cosine", "embedder": E5_MODEL_ID})
    collection.upsert(ids=[r.id for r in records], documents=texts,
                      metadatas=[{"record_id": r.id, "kind": r.kind, "hash": h} for r, h in zip(records, hashes,
                                                                                              strict=True)],
                      embeddings=[known[h] for h in hashes])
    return len(fresh), len(records) - len(fresh)
