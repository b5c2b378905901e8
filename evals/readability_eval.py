"""Reading levels: every in-scope gold question answered at each level, measured with textstat.

Bars from issue #5 (means over the answers): standard reading ease >= 60; simple >= 80 with at most 12
words a sentence; first-steps >= 90 with at most 8. Names of jobs, routes, programmes and glossary
terms count as one short common word (see service/readability.py). Plain answers must also keep the
numbers exact: every £ figure and percentage in them must appear in the standard answer."""

from __future__ import annotations

import re
import statistics

from rich.console import Console
from rich.table import Table

from service.chat import ChatService
from service.knowledge_base import KnowledgeBase
from service.models import ChatRequest, ChatTurn
from service.readability import TARGETS, Names, measure

_FIGURE = re.compile(r"£\d[\d,]*(?:\.\d\d)?|\b\d+(?:\.\d+)?%")


def knowledge_names(kb: KnowledgeBase) -> Names:
    names = [n for r in kb.records.values() for n in (r.title, *r.other_titles)]
    if kb.glossary is not None:
        names += [n for t in kb.glossary.terms for n in (t.term, *t.also)]
    return Names(names)


def run_readability(chat: ChatService, kb: KnowledgeBase, questions: list[dict], console: Console) -> dict:
    names = knowledge_names(kb)
    results: dict[str, dict] = {}
    standard_figures: dict[str, set[str]] = {}
    changed: list[str] = []
    for level in TARGETS:
        readings = []
        for q in questions:
            request = ChatRequest(message=q["question"], level=level, borough=q.get("borough"),
                                  history=[ChatTurn(**t) for t in q.get("history", [])])
            answer = chat.answer(request).answer
            readings.append(measure(answer, names))
            figures = set(_FIGURE.findall(answer))
            if level == "standard":
                standard_figures[q["id"]] = figures
            elif not figures <= standard_figures[q["id"]]:
                changed.append(f"{q['id']} ({level})")
        least_ease, most_words = TARGETS[level]
        results[level] = {
            "answers": len(readings),
            "reading_ease": round(statistics.mean(r.ease for r in readings), 1),
            "words_per_sentence": round(statistics.mean(r.words_per_sentence for r in readings), 1),
            "common_words": round(statistics.mean(r.common_share for r in readings), 3),
            "below_bar": sum(r.ease < least_ease for r in readings),
            "target_ease": least_ease, "target_words": most_words,
        }
    table = Table(title=f"Reading levels on {len(questions)} questions (means over answers)")
    for col in ("level", "reading ease", "bar", "words/sentence", "bar", "800 common words",
                "answers below bar"):
        table.add_column(col, justify="left" if col == "level" else "right")
    for level, r in results.items():
        table.add_row(level, f"{r['reading_ease']:.1f}", f">= {r['target_ease']:.0f}",
                      f"{r['words_per_sentence']:.1f}", f"<= {r['target_words']:.0f}",
                      f"{r['common_words']:.0%}", str(r["below_bar"]))
    console.print(table)
    share = 1 - len(changed) / (2 * len(questions)) if questions else 1.0
    console.print(f"plain answers keep the standard answer's figures: {share:.1%}")
    return {"levels": results, "figures_kept": round(share, 4), "figures_changed": changed[:20]}


def readability_failures(result: dict) -> list[str]:
    failed = []
    for level, r in result["levels"].items():
        if r["reading_ease"] < r["target_ease"]:
            failed.append(f"{level} reading ease {r['reading_ease']} < {r['target_ease']}")
        if r["words_per_sentence"] > r["target_words"]:
            failed.append(f"{level} words per sentence {r['words_per_sentence']} > {r['target_words']}")
    if result["figures_kept"] < 1.0:
        failed.append(f"plain answers changed figures: {', '.join(result['figures_changed'][:5])}")
    return failed
