"""Settings, read from the environment (prefix PATHWAYS_) and an optional .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PATHWAYS_", env_file=".env", extra="ignore")

    knowledge_dir: Path = Field(Path("knowledge"), description="Folder of knowledge YAML files.")
    data_dir: Path = Field(Path("data"), description="Where the embedded Chroma index lives.")
    chroma_url: str | None = Field(
        None, description="Chroma server URL (http://host:port); unset uses the embedded store.")
    collection_prefix: str = Field("pathways", description="Prefix of the Chroma collection names.")
    top_k: int = Field(5, ge=1, le=20, description="Records used to compose an answer.")
    host: str = Field("127.0.0.1", description="Address `pathways serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `pathways serve` listens on.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Log level; only debug logs the text of chat messages.")
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines as plain text or as one JSON object a line (for log shippers).")
    max_body_bytes: int = Field(
        65536, ge=1024, description="Largest request body accepted; bigger ones get 413 before parsing.")
    query_cache_size: int = Field(2048, ge=0, description="Query embeddings kept in memory.")
    multilingual: bool = Field(
        True, description="Answer questions asked in 10 other languages (adds ~35 s to a full ingest).")
    llm: str | None = Field(
        None, description="OpenAI-compatible base URL (Ollama, vLLM, llama.cpp server) of a chat model "
                          "that rewords grounded answers; unset = no LLM.")
    llm_model: str = Field("qwen2.5:0.5b", description="Model name to ask for at PATHWAYS_LLM.")
    llm_timeout: float = Field(4.0, gt=0, le=60, description="Seconds to wait for the LLM before "
                               "answering with the grounded text.")
    sites_file: Path = Field(
        Path("sites.yaml"), description="Sites allowed to embed the widget (YAML); reloaded when it "
                                        "changes and on SIGHUP. Missing file = no site may embed.")
    rate_per_ip_per_minute: int = Field(
        30, ge=1, description="Widget questions one visitor (IP address) may ask a site each minute, "
                              "unless the site sets its own.")
    rate_per_site_per_minute: int = Field(
        600, ge=1, description="Widget questions a whole site may ask each minute, unless it sets its own.")
    rate_storage: str = Field(
        "memory://", description="Where rate-limit counters live (`limits` storage URI): memory:// is "
                                 "per process; redis://host:6379 shares them between replicas.")
    adviser_db: str | None = Field(
        None, description="SQLAlchemy URL of the adviser-view database (e.g. postgresql+psycopg://…); "
                          "unset = SQLite file adviser.db in the data dir.")
    retention_days: int = Field(90, ge=1, le=3650, description="Days recorded widget questions are kept.")
    admin_token: SecretStr | None = Field(
        None, description="Token for /admin (HTTP Basic password or Bearer token); unset = no /admin.")
    embedder: Literal["onnx", "torch"] = Field(
        "onnx", description="MiniLM build: int8 ONNX (fast, no PyTorch) or the original via PyTorch.")
    trusted_proxies: str = Field(
        "127.0.0.1,::1", description="Load balancers / proxies whose X-Forwarded-For and X-Forwarded-Proto "
                                 "are believed (comma-separated IPs or networks, * = any); the visitor's "
                                 "address (rate limits) then comes from that header.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
