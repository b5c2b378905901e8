"""What the running app holds: the knowledge base, retriever and assistant, built once in the background."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from chromadb.api import ClientAPI
from langchain_chroma import Chroma

from service.chat import ChatService
from service.config import Settings
from service.embeddings import CachedEmbeddings, load_embeddings
from service.explorer.core import Explorer
from service.index import IndexUnavailable, make_client
from service.knowledge_base import KnowledgeBase, load_knowledge_base
from service.llm import Rephraser, make_rephraser
from service.multilingual import E5, CrossLingual, LanguageDetector
from service.retrieval import HybridRetriever
from service.trust import FigureChecker

log = logging.getLogger("pathways")


@dataclass
class Ready:
    kb: KnowledgeBase
    retriever: HybridRetriever
    chat: ChatService
    embeddings: CachedEmbeddings
    explorer: Explorer


class AppState:
    """Loads in a thread so /healthz answers at once and /readyz says 503 until the index is in."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.ready: Ready | None = None
        self.error: str | None = None
        self.started = time.monotonic()
        self.ready_after: float | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        threading.Thread(target=self.load, name="pathways-load", daemon=True).start()

    def _rephraser(self, kb: KnowledgeBase) -> Rephraser | None:
        if not self.settings.llm:
            return None
        return make_rephraser(self.settings.llm, self.settings.llm_model, self.settings.llm_timeout,
                              FigureChecker(kb))

    def _crosslingual(self, kb: KnowledgeBase, client: ClientAPI) -> CrossLingual | None:
        """Questions in other languages, when switched on and the index has its cross-lingual part."""
        if not self.settings.multilingual:
            return None
        try:
            return CrossLingual(kb, client, E5(threads=1), LanguageDetector())
        except Exception as exc:  # noqa: BLE001 - English keeps working; the log says why
            log.warning("questions in other languages are off: %s (run `pathways ingest`)", exc)
            return None

    def load(self, embeddings: CachedEmbeddings | None = None) -> None:
        try:
            embeddings = embeddings or load_embeddings(self.settings.query_cache_size,
                                                       self.settings.embedder)
            client = make_client(self.settings)
            kb = load_knowledge_base(client, self.settings.collection_prefix)
            built_with = (client.get_collection(kb.collection).metadata or {}).get("embedder")
            if built_with != embeddings.model_id:
                raise IndexUnavailable(f"the index was built with {built_with or 'an older build'} but "
                                       f"queries would use {embeddings.model_id}: run `pathways ingest`")
            store = Chroma(client=client, collection_name=kb.collection, embedding_function=embeddings)
            retriever = HybridRetriever(kb, store)
            crosslingual = self._crosslingual(kb, client)
            with self._lock:
                explorer = Explorer(kb, retriever)
                chat = ChatService(kb, retriever, explorer, self.settings.top_k, crosslingual,
                                   self._rephraser(kb))
                self.ready = Ready(kb, retriever, chat, embeddings, explorer)
                self.error = None
                self.ready_after = time.monotonic() - self.started
            log.info("ready: %s records from %s in %.1fs", len(kb.records), kb.collection,
                     self.ready_after)
            if crosslingual is not None:
                crosslingual.e5.query("warm-up")  # load the e5 engine now, not on a learner's question
        except IndexUnavailable as exc:
            self.error = str(exc)
            log.error("not ready: %s", exc)
        except Exception as exc:  # keep serving /healthz and a clear /readyz message
            self.error = f"could not load the index: {exc}"
            log.exception("not ready")
