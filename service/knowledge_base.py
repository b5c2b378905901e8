"""The records the service answers from, read back out of the active index (never from files)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

from chromadb.api import ClientAPI
from pydantic import TypeAdapter

from service.glossary_marks import TermFinder
from service.index import IndexUnavailable, active_collection_name
from service.schema import (
    AnyRecord,
    Explore,
    Glossary,
    GlossaryTerm,
    LanguagePack,
    Pay,
    Programme,
    Role,
    Route,
)

_RECORD = TypeAdapter(AnyRecord)


@dataclass
class ChunkRow:
    id: str
    text: str
    kind: str
    record_id: str
    section: str


@dataclass
class KnowledgeBase:
    collection: str
    records: dict[str, AnyRecord]
    terms: dict[str, GlossaryTerm]
    pay: Pay
    glossary: Glossary | None
    explore: Explore
    chunks: list[ChunkRow] = field(default_factory=list)
    languages: dict[str, LanguagePack] = field(default_factory=dict)

    @cached_property
    def term_finder(self) -> TermFinder:
        """Glossary words in any text; built once per loaded knowledge base."""
        return TermFinder(list(self.terms.values()))

    @cached_property
    def career_links(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Usual moves between roles, both ways (``after``, ``before``), from each role's
        progression and entry_from links; built once per loaded knowledge base."""
        roles = [r for r in self.records.values() if isinstance(r, Role)]
        after: dict[str, set[str]] = {r.id: set() for r in roles}
        before: dict[str, set[str]] = {r.id: set() for r in roles}
        for role in roles:
            for nxt in role.progression:
                if nxt in after:
                    after[role.id].add(nxt)
                    before[nxt].add(role.id)
            for prev in role.entry_from:
                if prev in after:
                    after[prev].add(role.id)
                    before[role.id].add(prev)
        return after, before

    def titles(self, ids: list[str], limit: int = 4) -> list[str]:
        """Titles of the linked records that exist, in link order."""
        return [self.records[i].title for i in ids if i in self.records][:limit]

    def role(self, record_id: str) -> Role | None:
        record = self.records.get(record_id)
        return record if isinstance(record, Role) else None

    def _sorted(self, kind: type) -> list:
        """Records of one kind by title. Sorted once and kept while ``records`` holds the same
        objects (checked by identity, a few microseconds, where sorting took ~0.3 ms and a chat
        answer asks several times); a fresh list each call, as callers may change it."""
        key = tuple(map(id, self.records.values()))
        cache = self.__dict__.setdefault("_by_kind", {})
        found = cache.get(kind)
        if found is None or found[0] != key:
            found = (key, sorted((r for r in self.records.values() if isinstance(r, kind)),
                                 key=lambda r: r.title))
            cache[kind] = found
        return list(found[1])

    @property
    def roles(self) -> list[Role]:
        return self._sorted(Role)

    @property
    def routes(self) -> list[Route]:
        return self._sorted(Route)

    @property
    def programmes(self) -> list[Programme]:
        return self._sorted(Programme)


def load_knowledge_base(client: ClientAPI, prefix: str) -> KnowledgeBase:
    name = active_collection_name(client, prefix)
    if name is None:
        raise IndexUnavailable("no index yet: run `pathways ingest`")
    got = client.get_collection(name, embedding_function=None).get(include=["documents", "metadatas"])
    records: dict[str, AnyRecord] = {}
    terms: dict[str, GlossaryTerm] = {}
    pay: Pay | None = None
    glossary_meta: dict | None = None
    explore: Explore | None = None
    languages: dict[str, LanguagePack] = {}
    chunks: list[ChunkRow] = []
    for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
        kind, rid = str(meta["kind"]), str(meta["record_id"])
        chunks.append(ChunkRow(cid, text, kind, rid, str(meta["section"])))
        payload = meta.get("record")
        if not payload:
            continue
        if kind == "term":
            terms[rid] = GlossaryTerm.model_validate_json(str(payload))
        elif kind == "pay":
            data = json.loads(str(payload))
            pay = Pay.model_validate(data["pay"])
            glossary_meta = data.get("glossary_meta")
        elif kind == "explore":
            explore = Explore.model_validate_json(str(payload))
        elif kind == "language":
            languages[rid] = LanguagePack.model_validate_json(str(payload))
        else:
            records[rid] = _RECORD.validate_json(str(payload))
    if pay is None:
        raise IndexUnavailable(f"index {name} has no pay data: re-run `pathways ingest`")
    if explore is None:
        raise IndexUnavailable(f"index {name} has no explorer data: re-run `pathways ingest`")
    glossary = None
    if terms and glossary_meta:
        glossary = Glossary.model_validate({**glossary_meta, "terms": list(terms.values())})
    return KnowledgeBase(name, records, terms, pay, glossary, explore, chunks, languages)
