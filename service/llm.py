"""Optional LLM phrasing: a chat model may reword the grounded answer, never add to it.

Off by default. With `PATHWAYS_LLM` set to an OpenAI-compatible base URL (Ollama, vLLM, llama.cpp
server), the grounded answer and the cited records go to the model as its only context. Its text is
kept only if every number in it is already in the grounded answer or the cited records, every £
figure, percentage, band, duration and age passes the composer's trust check, and it arrives within
the timeout; otherwise the grounded answer stands. Small local models tried here invented entry
requirements, which is why the check is strict and the default is off."""

from __future__ import annotations

import concurrent.futures
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from service.schema import AnyRecord
from service.trust import FigureChecker

log = logging.getLogger("pathways.llm")

SYSTEM = (
    "You reword answers for a careers service about health and care jobs in London. Rewrite the "
    "ANSWER so it reads naturally and warmly, at the same reading level, in at most the same length. "
    "Use only facts in the ANSWER and RECORDS. Never add a number, date, qualification, requirement, "
    "pay figure, place or organisation that is not in them. Keep every figure exactly as written. "
    "Reply with the reworded answer only."
)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="pathways-llm")


@dataclass(frozen=True)
class Rephrased:
    text: str
    used_model: bool
    reason: str  # why the grounded text was kept, or "rephrased"


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


class Rephraser:
    def __init__(self, model: BaseChatModel, checker: FigureChecker, timeout: float):
        self.model = model
        self.checker = checker
        self.timeout = timeout

    def messages(self, question: str, grounded: str, records: list[AnyRecord]) -> list:
        context = "\n".join(r.model_dump_json(exclude={"sources"}) for r in records)
        return [SystemMessage(SYSTEM),
                HumanMessage(f"QUESTION: {question}\n\nANSWER:\n{grounded}\n\nRECORDS:\n{context}")]

    def check(self, text: str, grounded: str, records: list[AnyRecord], pay_cited: bool) -> str | None:
        """Why ``text`` can't be shown, or None if it can."""
        if not text.strip():
            return "empty reply"
        cited = " ".join([grounded, *(r.model_dump_json() for r in records)])
        invented = sorted(_numbers(text) - _numbers(cited))
        if invented:
            return f"numbers not in the records: {', '.join(invented)}"
        unsupported = self.checker.unsupported(text, records, pay_cited, cited=grounded)
        return f"figures failed the trust check: {', '.join(unsupported)}" if unsupported else None

    def rephrase(self, question: str, grounded: str, records: list[AnyRecord],
                 pay_cited: bool) -> Rephrased:
        future = _POOL.submit(self.model.invoke, self.messages(question, grounded, records))
        try:
            reply = future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            return Rephrased(grounded, False, f"model slower than {self.timeout:g} s")
        except Exception as exc:
            log.warning("LLM unavailable: %s", exc)
            return Rephrased(grounded, False, "model unavailable")
        text = str(reply.content).strip()
        problem = self.check(text, grounded, records, pay_cited)
        if problem:
            log.warning("LLM reply rejected: %s", problem)
            return Rephrased(grounded, False, problem)
        return Rephrased(text, True, "rephrased")

    def stream(self, question: str, grounded: str, records: list[AnyRecord]) -> Iterator[str]:
        """Raw model chunks for display as they come; the caller checks the whole text at the end."""
        for chunk in self.model.stream(self.messages(question, grounded, records)):
            if chunk.content:
                yield str(chunk.content)


def make_rephraser(base_url: str, model_name: str, timeout: float, checker: FigureChecker) -> Rephraser:
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(base_url=base_url, model=model_name, api_key="not-needed", timeout=timeout,
                       max_retries=0, temperature=0.2)
    return Rephraser(model, checker, timeout)
