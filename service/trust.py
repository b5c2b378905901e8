"""The trust check: every £ figure, percentage and band in an answer must come from the knowledge."""

from __future__ import annotations

import re

from service.knowledge_base import KnowledgeBase
from service.pay import allowed_figures
from service.schema import AnyRecord, Role

_MONEY = re.compile(r"£\d[\d,]*(?:\.\d\d)?")
_PERCENT = re.compile(r"\b\d+(?:\.\d+)?%")
_BAND = re.compile(r"\bbands? (\d[abcd]?)\b", re.I)


class FigureChecker:
    def __init__(self, kb: KnowledgeBase):
        self.money = allowed_figures(kb.pay)
        self.percents = {f"{z.percent}%" for z in kb.pay.hcas.zones}
        self.table_bands = {b.band for t in kb.pay.afc for b in t.bands}

    def unsupported(self, answer: str, used: list[AnyRecord], pay_cited: bool,
                    cited: str = "") -> list[str]:
        """Figures in ``answer`` that neither the cited records nor the cited pay table contain."""
        cited = " ".join([cited, *(r.model_dump_json() for r in used)])
        money = set(_MONEY.findall(cited)) | (self.money if pay_cited else set())
        percents = set(_PERCENT.findall(cited)) | (self.percents if pay_cited else set())
        bands = {b for r in used if isinstance(r, Role) and r.afc_band for b in r.afc_band.bands()}
        bands |= {b.lower() for b in _BAND.findall(cited)}
        if pay_cited:
            bands |= self.table_bands
        bad = [m for m in _MONEY.findall(answer) if m not in money]
        bad += [p for p in _PERCENT.findall(answer) if p not in percents]
        bad += [f"band {b}" for b in _BAND.findall(answer) if b.lower() not in bands]
        return bad
