"""Where the index lives: the Chroma client, and the pointer to the active (complete) collection.

Ingest builds each new index into its own collection and then moves a pointer; readers always follow
the pointer. A crash mid-build therefore leaves the previous complete index serving.
"""

from __future__ import annotations

from urllib.parse import urlparse

import chromadb
import httpx
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from service.config import Settings

POINTER_SUFFIX = "__active"


# A Chroma server that does not accept a connection within CONNECT_SECONDS is treated as down; a
# whole-collection read (start-up, ingest) may take up to READ_SECONDS. chromadb's own default is
# no timeout at all, which would hang a request (or the start-up) on a stuck server.
CONNECT_SECONDS = 2.0
READ_SECONDS = 60.0


class IndexUnavailable(RuntimeError):
    """The index cannot be read: nothing ingested yet, or the Chroma server is down."""


class ChromaUnreachable(IndexUnavailable):
    """The Chroma server (PATHWAYS_CHROMA_URL) did not answer."""


def server_url(chroma_url: str) -> str:
    """scheme://host:port of the Chroma server, as the chromadb client resolves it."""
    url = urlparse(chroma_url)
    scheme = "https" if url.scheme == "https" else "http"
    return f"{scheme}://{url.hostname or '127.0.0.1'}:{url.port or 8000}"


def heartbeat(chroma_url: str, timeout: float, client: httpx.Client | None = None) -> str | None:
    """None if the Chroma server answers its heartbeat within `timeout` seconds, else why not."""
    try:
        response = (client or httpx).get(f"{server_url(chroma_url)}/api/v2/heartbeat", timeout=timeout)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return None


def make_client(settings: Settings) -> ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        # chromadb's HttpClient calls the server as it is built, without a timeout: ask first.
        why = heartbeat(settings.chroma_url, CONNECT_SECONDS)
        if why is None:
            url = urlparse(settings.chroma_url)
            try:
                client = chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                             ssl=url.scheme == "https", settings=chroma_settings)
            except (ValueError, httpx.HTTPError) as exc:  # chromadb wraps ConnectError in ValueError
                why = str(exc)
            else:
                _set_timeouts(client)
                return client
        raise ChromaUnreachable(f"cannot reach the Chroma server at {settings.chroma_url} ({why})")
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def _set_timeouts(client: ClientAPI) -> None:
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):  # shared by every client of this server in the process
        session.timeout = httpx.Timeout(READ_SECONDS, connect=CONNECT_SECONDS)


def pointer_name(prefix: str) -> str:
    return f"{prefix}{POINTER_SUFFIX}"


def active_collection_name(client: ClientAPI, prefix: str) -> str | None:
    """The name of the collection the pointer names, or None before the first complete ingest."""
    try:
        pointer = client.get_collection(pointer_name(prefix), embedding_function=None)
    except httpx.TransportError:
        raise  # the server is down: that is not "no index yet" (ingest would start from nothing)
    except Exception:  # chromadb raises NotFoundError/ValueError depending on backend
        return None
    name = (pointer.metadata or {}).get("active")
    return str(name) if name else None


def set_active(client: ClientAPI, prefix: str, name: str) -> None:
    pointer = client.get_or_create_collection(pointer_name(prefix), embedding_function=None)
    pointer.modify(metadata={"active": name})
