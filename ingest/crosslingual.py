"""A second, small index for questions in other languages: one multilingual-e5 passage per record
(title, other titles and the first-steps summary), beside the main collection and switched with it.

MiniLM is English-only, so questions in Polish or Somali need their own vector space. e5 is slow
here (~0.1-0.3 s a passage), so passages are short and vectors are reused while a text is unchanged."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ingest.load import Knowledge
from service.multilingual import E5_MODEL_ID, passage_text, sibling_name
from service.schema import AnyRecord

if TYPE_CHECKING:
    from chromadb.api import ClientAPI


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


@dataclass
class CrossLingualPlan:
    """The passages the new cross-language index needs, and the vectors already known for them."""

    records: list[AnyRecord]
    texts: list[str]
    hashes: list[str]
    known: dict[str, list[float]]
    fresh: list[int] = field(default_factory=list)  # positions of texts with no known vector

    def fresh_texts(self) -> list[str]:
        return [self.texts[i] for i in self.fresh]

    def add(self, vectors: list[list[float]]) -> None:
        """The e5 vectors of ``fresh_texts()``, in that order."""
        for i, vector in zip(self.fresh, vectors, strict=True):
            self.known[self.hashes[i]] = list(vector)


def plan_crosslingual(client: ClientAPI, knowledge: Knowledge, active: str | None) -> CrossLingualPlan:
    records = sorted(knowledge.records.values(), key=lambda r: r.id)
    texts = [passage_text(r) for r in records]
    hashes = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    known = _previous(client, active)
    return CrossLingualPlan(records, texts, hashes, known, [i for i, h in enumerate(hashes) if h not in known])


def write_crosslingual(client: ClientAPI, plan: CrossLingualPlan, name: str) -> None:
    """Write ``sibling_name(name)``, once every passage has its vector."""
    collection = client.create_collection(sibling_name(name), embedding_function=None,
                                          metadata={"hnsw:space": "cosine", "embedder": E5_MODEL_ID})
    collection.upsert(ids=[r.id for r in plan.records], documents=plan.texts,
                      metadatas=[{"record_id": r.id, "kind": r.kind, "hash": h}
                                 for r, h in zip(plan.records, plan.hashes, strict=True)],
                      embeddings=[plan.known[h] for h in plan.hashes])


def build_crosslingual(client: ClientAPI, knowledge: Knowledge, name: str, active: str | None,
                       embed: Callable[[list[str]], list[list[float]]]) -> tuple[int, int]:
    """Write ``sibling_name(name)``; returns (embedded, reused)."""
    plan = plan_crosslingual(client, knowledge, active)
    if plan.fresh:
        plan.add(embed(plan.fresh_texts()))
    write_crosslingual(client, plan, name)
    return len(plan.fresh), len(plan.records) - len(plan.fresh)
