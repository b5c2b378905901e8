"""Turn validated records into chunks: one per record section, with stable ids and content hashes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from ingest.load import Knowledge
from service.schema import FAMILY_LABELS, QUALIFICATION_LABELS, Programme, Role, Route, record_url


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    metadata: dict[str, str | int | float | bool]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _hashes(text: str, payload: str = "") -> dict[str, str]:
    """``hash`` covers the embedded text (re-embed when it changes); ``payload_hash`` covers the
    stored record, which can change without any need to re-embed."""
    return {"hash": _hash(text), "payload_hash": _hash(payload)}


def _titles(ids: list[str], k: Knowledge) -> str:
    return ", ".join(k.records[i].title for i in ids if i in k.records)


def _role_sections(r: Role, k: Knowledge) -> dict[str, str]:
    names = "; ".join([r.title, *r.other_titles])
    band = r.afc_band.label() if r.afc_band else "not on Agenda for Change"
    return {
        "overview": f"{names}. {FAMILY_LABELS[r.family]}. {r.summary}",
        "tasks": f"{r.title}: what you do. " + " ".join(f"{t}." for t in r.tasks)
        + (f" {r.day_in_the_job}" if r.day_in_the_job else ""),
        "entry": f"How to become a {r.title}. {QUALIFICATION_LABELS[r.qualifications_needed]}. "
        + " ".join(f"{t}." for t in r.entry_requirements)
        + (f" Routes in: {_titles(r.entry_routes, k)}." if r.entry_routes else "")
        + (f" Training: {r.training_time}." if r.training_time else "")
        + (f" Registration: {r.registration}." if r.registration else ""),
        "pay": f"{r.title} pay and hours: {band}. {r.pay_note or ''} {r.hours or ''} "
        f"Working patterns: {', '.join(r.working_patterns)}.",
        "fit": f"{r.title}: good for people who have worked as {', '.join(r.previous_jobs) or 'many jobs'}. "
        f"Skills: {', '.join(r.skills)}. Next steps: {_titles(r.progression, k) or 'senior posts'}.",
    }


def _route_sections(r: Route) -> dict[str, str]:
    names = "; ".join([r.title, *r.other_titles])
    status = "" if r.status == "current" else f" Status: {r.status}. {r.replaced_by or ''}"
    return {
        "overview": f"{names}. {r.summary}{status}",
        "entry": f"{r.title}: who can do it and how to apply. "
        + " ".join(f"{t}." for t in [*r.eligibility, *r.how_to_apply, *r.funding])
        + (f" Length: {r.length}." if r.length else ""),
    }


def _programme_sections(p: Programme) -> dict[str, str]:
    names = "; ".join([p.title, *p.other_titles])
    return {
        "overview": f"{names}. {p.summary} Boroughs: {', '.join(p.boroughs)}.",
        "offers": f"{p.title} ({p.provider}) offers: " + "; ".join(p.offers)
        + f". How to join: {p.how_to_join} For: {', '.join(p.who_for)}.",
    }


def _plain_section(record: Role | Route | Programme) -> str:
    """The plain-English summaries, embedded too: people ask in everyday words ("cleans tools used
    in operations"), and these are written in everyday words."""
    return f"{record.title}. {record.summary_simple} {record.summary_first_steps}"


def build_chunks(k: Knowledge) -> list[Chunk]:
    chunks: list[Chunk] = []
    for record in sorted(k.records.values(), key=lambda r: r.id):
        if isinstance(record, Role):
            sections = _role_sections(record, k)
        elif isinstance(record, Route):
            sections = _route_sections(record)
        else:
            sections = _programme_sections(record)
        sections["plain"] = _plain_section(record)
        payload = record.model_dump_json()
        for section, text in sections.items():
            meta: dict[str, str | int | float | bool] = {
                "kind": record.kind, "record_id": record.id, "title": record.title,
                "section": section, "url": record_url(record.kind, record.id),
                "family": getattr(record, "family", ""),
                "boroughs": ",".join(getattr(record, "boroughs", [])),
                "band_low": record.afc_band.low if isinstance(record, Role) and record.afc_band else "",
                "band_high": record.afc_band.high if isinstance(record, Role) and record.afc_band else "",
            }
            # The full record rides on its overview chunk so the service reads records from the
            # index it serves, not from files that may have changed since.
            if section == "overview":
                meta["record"] = payload
            meta.update(_hashes(" ".join(text.split()), payload if section == "overview" else ""))
            chunks.append(Chunk(f"{record.kind}:{record.id}:{section}", " ".join(text.split()), meta))
    if k.glossary is not None:
        for term in k.glossary.terms:
            slug = "-".join("".join(c if c.isalnum() else " " for c in term.term.lower()).split())
            text = f"What does {term.term} mean? {', '.join(term.also)} {term.definition}"
            payload = term.model_dump_json()
            chunks.append(Chunk(f"term:{slug}:overview", " ".join(text.split()), {
                "kind": "term", "record_id": slug, "title": term.term, "section": "overview",
                "url": f"/glossary#{slug}", "family": "", "boroughs": "", "band_low": "",
                "band_high": "", "record": payload, **_hashes(" ".join(text.split()), payload)}))
    if k.pay is not None:
        text = ("NHS pay: Agenda for Change bands, salary, London weighting and the High Cost Area "
                "Supplement; London Living Wage, minimum wage, apprentice pay and care worker pay.")
        payload = json.dumps({"pay": k.pay.model_dump(mode="json"),
                              "glossary_meta": k.glossary.model_dump(mode="json", exclude={"terms"})
                              if k.glossary else None})
        chunks.append(Chunk("pay:pay:overview", text, {
            "kind": "pay", "record_id": "pay", "title": "Pay in the NHS and care in London",
            "section": "overview", "url": "/pay", "family": "", "boroughs": "", "band_low": "",
            "band_high": "", "record": payload, **_hashes(" ".join(text.split()), payload)}))
    if k.explore is not None:
        # Only the payload matters (the explorer reads it back); the text is kept short and plain.
        text = "Jobs people did before health and care, and interests: " + ", ".join(
            j.label for j in k.explore.past_jobs)
        payload = k.explore.model_dump_json()
        chunks.append(Chunk("explore:explore:overview", text, {
            "kind": "explore", "record_id": "explore", "title": "Explore roles", "section": "overview",
            "url": "/match", "family": "", "boroughs": "", "band_low": "", "band_high": "",
            "record": payload, **_hashes(" ".join(text.split()), payload)}))
        # One chunk per previous job, so words like "I taught maths" find "Teacher" by meaning.
        for job in k.explore.past_jobs:
            text = " ".join(f"{job.label}. {', '.join(job.also)}".split())
            chunks.append(Chunk(f"pastjob:{job.id}:overview", text, {
                "kind": "pastjob", "record_id": job.id, "title": job.label, "section": "overview",
                "url": f"/match?pick={job.id}", "family": "", "boroughs": "", "band_low": "",
                "band_high": "", **_hashes(text)}))
    for code, pack in sorted(k.languages.items()):
        # Payload only: the words learners use in another language, read back by the service.
        text = f"Job names in {pack.name} ({pack.native_name})"
        payload = pack.model_dump_json()
        chunks.append(Chunk(f"language:{code}:overview", text, {
            "kind": "language", "record_id": code, "title": pack.name, "section": "overview",
            "url": "/", "family": "", "boroughs": "", "band_low": "", "band_high": "",
            "record": payload, **_hashes(text, payload)}))
    return chunks
