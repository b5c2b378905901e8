"""Where the index lives: the Chroma client, and the pointer to the active (complete) collection.

Ingest builds each new index into its own collection and then moves a pointer; readers always follow
the pointer. A crash mid-build therefore leaves the previous complete index serving.
"""

from __future__ import annotations

from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from service.config import Settings

POINTER_SUFFIX = "__active"


class IndexUnavailable(RuntimeError):
    """The index cannot be read: nothing ingested yet, or the Chroma server is down."""


def make_client(settings: Settings) -> ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                   ssl=url.scheme == "https", settings=chroma_settings)
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def pointer_name(prefix: str) -> str:
    return f"{prefix}{POINTER_SUFFIX}"


def active_collection_name(client: ClientAPI, prefix: str) -> str | None:
    """The name of the collection the pointer names, or None before the first complete ingest."""
    try:
        pointer = client.get_collection(pointer_name(prefix), embedding_function=None)
    except Exception:  # chromadb raises NotFoundError/ValueError depending on backend
        return None
    name = (pointer.metadata or {}).get("active")
    return str(name) if name else None


def set_active(client: ClientAPI, prefix: str, name: str) -> None:
    pointer = client.get_or_create_collection(pointer_name(prefix), embedding_function=None)
    pointer.modify(metadata={"active": name})
