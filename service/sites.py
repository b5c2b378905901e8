"""Sites allowed to embed the widget, read from a YAML file and reloaded when it changes.

Deny by default: a missing file means no site may embed. A broken file keeps the last good sites,
so a typo made while the service runs never locks every adviser's widget out (or lets anyone in).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from service.intent import find_borough
from service.schema import BOROUGHS

log = logging.getLogger("pathways.sites")

SiteId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")]
RELOAD_CHECK_SECONDS = 1.0


def normalise_origin(value: str) -> str:
    """`scheme://host[:port]` in lower case, as browsers send it in the Origin header."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an origin like https://example.org")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"{value!r} must be just scheme://host[:port], with no path")
    default_port = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default_port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


Origin = Annotated[str, AfterValidator(normalise_origin)]


class Handoff(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Annotated[str, StringConstraints(min_length=1, max_length=60)] = "Talk to an adviser"
    url: str | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9 +()-]{6,20}$")] | None = None

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("http", "https", "mailto"):
            raise ValueError("handoff url must start with https://, http:// or mailto:")
        return value

    @model_validator(mode="after")
    def _somewhere(self) -> Handoff:
        if not self.url and not self.phone:
            raise ValueError("handoff needs a url or a phone number")
        return self


class SiteLimits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    per_ip_per_minute: int | None = Field(None, ge=1, le=10_000)
    per_site_per_minute: int | None = Field(None, ge=1, le=100_000)


class Site(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: SiteId
    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    origins: list[Origin] = Field(default_factory=list, description="Origins whose pages may embed.")
    borough: str | None = None
    level: Literal["standard", "simple"] = "standard"
    colour: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] = "#005eb8"
    greeting: Annotated[str, StringConstraints(max_length=300)] = (
        "Hello! Ask me about jobs in the NHS and social care in London.")
    starters: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=6)
    handoff: Handoff | None = None
    limits: SiteLimits = Field(default_factory=SiteLimits)
    record_questions: bool = Field(False, description="Opt in to the adviser view (redacted questions).")

    @field_validator("borough")
    @classmethod
    def _borough(cls, value: str | None) -> str | None:
        if value is None:
            return None
        found = find_borough(value)
        if found is None:
            raise ValueError(f"unknown borough {value!r}; use one of: {', '.join(BOROUGHS)}")
        return found


class SitesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sites: list[Site] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> SitesFile:
        ids = [s.id for s in self.sites]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"site ids must be unique; repeated: {', '.join(duplicates)}")
        return self


def describe(path: Path, exc: ValidationError) -> str:
    """'sites.yaml: sites.2.origins.0: ...' — the file and the field, as the guide asks."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "file"
        parts.append(f"{path}: {where}: {err['msg']}")
    return "; ".join(parts)


def read_sites(path: Path) -> list[Site]:
    """Parse and check the file; raises ValueError naming the file and field when it is wrong."""
    if not path.exists():
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return SitesFile.model_validate(raw).sites
    except ValidationError as exc:
        raise ValueError(describe(path, exc)) from exc


class SiteRegistry:
    """The known sites. `get` re-reads the file when its modification time changes (checked at most
    once a second); `reload` is what SIGHUP calls."""

    def __init__(self, path: Path):
        self.path = path
        self.error: str | None = None
        self._sites: dict[str, Site] = {}
        self._stamp: tuple[float, int] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.reload()

    def _file_stamp(self) -> tuple[float, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime, stat.st_size

    def reload(self) -> None:
        with self._lock:
            stamp = self._file_stamp()
            try:
                sites = read_sites(self.path)
            except ValueError as exc:
                self.error = str(exc)
                log.error("sites file not loaded, keeping the %d sites already known: %s",
                          len(self._sites), exc)
            else:
                self._sites, self.error = {s.id: s for s in sites}, None
                log.info("%d site(s) may embed the widget (from %s)", len(sites), self.path)
            self._stamp, self._checked = stamp, time.monotonic()

    def _fresh(self) -> None:
        if time.monotonic() - self._checked < RELOAD_CHECK_SECONDS:
            return
        self._checked = time.monotonic()
        if self._file_stamp() != self._stamp:
            self.reload()

    def get(self, site_id: str) -> Site | None:
        self._fresh()
        return self._sites.get(site_id)

    def all(self) -> list[Site]:
        self._fresh()
        return list(self._sites.values())

    def listed_origin(self, origin: str) -> bool:
        """Whether any site lists this origin (for CORS preflights, which carry no site id)."""
        return any(origin in s.origins for s in self.all())
