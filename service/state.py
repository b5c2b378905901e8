"""What the running app holds: the knowledge base, retriever and assistant, built once in the background."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import httpx
from chromadb.api import ClientAPI
from langchain_chroma import Chroma

from service.chat import ChatService
from service.config import Settings
from service.embeddings import CachedEmbeddings, load_embeddings
from service.explorer.core import Explorer
from service.index import ChromaUnreachable, IndexUnavailable, active_collection_name, make_client
from service.knowledge_base import KnowledgeBase, load_knowledge_base
from service.llm import Rephraser, make_rephraser
from service.multilingual import E5, CrossLingual, LanguageDetector
from service.retrieval import HybridRetriever
from service.trust import FigureChecker
from service.unavailable import IndexProbe

log = logging.getLogger("pathways")

# With a Chroma server: how often to look at the pointer (to follow a new ingest), and the longest
# wait between attempts to load while the server is down or holds no index yet.
WATCH_SECONDS = 10.0
RETRY_MAX_SECONDS = 5.0


@dataclass
class Ready:
    kb: KnowledgeBase
    retriever: HybridRetriever
    chat: ChatService
    embeddings: CachedEmbeddings
    explorer: Explorer


class AppState:
    """Loads in a thread so /healthz answers at once and /readyz says 503 until the index is in."""

    def __init__(self, settings: Settings, embeddings: CachedEmbeddings | None = None):
        self.settings = settings
        self.ready: Ready | None = None
        self.error: str | None = None
        self.unreachable = False  # the last load failed because the Chroma server did not answer
        self.started = time.monotonic()
        self.ready_after: float | None = None
        self._lock = threading.Lock()
        self._embeddings = embeddings
        self._stop = threading.Event()
        # Only a Chroma server can go away under a running service; the embedded store cannot.
        self.probe = IndexProbe(settings.chroma_url) if settings.chroma_url else None

    def start(self) -> None:
        target = self._watch if self.settings.chroma_url else self.load
        threading.Thread(target=target, name="pathways-load", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def index_reachable(self) -> bool:
        """False while the Chroma server is not answering (always True for the embedded store)."""
        return self.probe is None or self.probe.reachable()

    def _watch(self) -> None:
        """Server mode: load, retrying while the server is down or empty (readyz says 503 meanwhile),
        then follow the pointer so every replica moves to a new ingest by itself."""
        wait = 0.5
        tried: str | None = None  # a new index that would not load is not retried every time
        while not self._stop.is_set():
            if self.ready is None:
                if not self.load():
                    self._stop.wait(wait)
                    wait = min(wait * 2, RETRY_MAX_SECONDS)
                    continue
                wait = 0.5
            self._stop.wait(WATCH_SECONDS)
            if self._stop.is_set() or self.ready is None or not self.index_reachable():
                continue
            try:
                active = active_collection_name(make_client(self.settings), self.settings.collection_prefix)
            except (IndexUnavailable, httpx.HTTPError) as exc:
                log.warning("could not read the index pointer: %s", exc)
                continue
            if active and active != self.ready.kb.collection and active != tried:
                log.info("new index %s (was %s): loading it", active, self.ready.kb.collection)
                # The old one keeps answering until the new one is in.
                if not self.load() and not self.unreachable:
                    tried = active

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
        except httpx.TransportError:
            raise  # the server went away mid-load: retry the whole load, not English-only
        except Exception as exc:  # noqa: BLE001 - English keeps working; the log says why
            log.warning("questions in other languages are off: %s (run `pathways ingest`)", exc)
            return None

    def load(self, embeddings: CachedEmbeddings | None = None) -> bool:
        """Build everything from the active index; True when it is in. On failure `error` says why
        (and whatever was already loaded keeps answering)."""
        try:
            embeddings = embeddings or self._embeddings or load_embeddings(self.settings.query_cache_size,
                                                                           self.settings.embedder)
            self._embeddings = embeddings
            client = make_client(self.settings)
            kb = load_knowledge_base(client, self.settings.collection_prefix)
            built_with = (client.get_collection(kb.collection).metadata or {}).get("embedder")
            if built_with != embeddings.model_id:
                raise IndexUnavailable(f"the index was built with {built_with or 'an older build'} but "
                                       f"queries would use {embeddings.model_id}: run `pathways ingest`")
            store = Chroma(client=client, collection_name=kb.collection, embedding_function=embeddings)
            retriever = HybridRetriever(kb, store)
            retriever.dense("warm-up")  # read the vectors now: answering then never waits on Chroma
            crosslingual = self._crosslingual(kb, client)
            with self._lock:
                explorer = Explorer(kb, retriever)
                chat = ChatService(kb, retriever, explorer, self.settings.top_k, crosslingual,
                                   self._rephraser(kb))
                self.ready = Ready(kb, retriever, chat, embeddings, explorer)
                self.error = None
                self.unreachable = False
                self.ready_after = time.monotonic() - self.started
            log.info("ready: %s records from %s in %.1fs", len(kb.records), kb.collection,
                     self.ready_after)
            if crosslingual is not None:
                crosslingual.e5.query("warm-up")  # load the e5 engine now, not on a learner's question
        except (ChromaUnreachable, httpx.TransportError) as exc:
            self._failed(f"cannot reach the Chroma server at {self.settings.chroma_url}: {exc}"
                         if isinstance(exc, httpx.TransportError) else str(exc), unreachable=True)
            return False
        except IndexUnavailable as exc:
            self._failed(str(exc))
            return False
        except Exception as exc:  # keep serving /healthz and a clear /readyz message
            self.error = f"could not load the index: {exc}"
            self.unreachable = False
            log.exception("not ready")
            return False
        return True

    def _failed(self, error: str, unreachable: bool = False) -> None:
        if error != self.error:  # once, not on every retry
            log.error("not ready: %s", error)
        self.error, self.unreachable = error, unreachable
