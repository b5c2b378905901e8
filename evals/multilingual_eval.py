"""Questions in learners' first languages: was the language recognised, and were the right records
among the first five the assistant used? (Issue #5 bar: recall@5 >= 0.80.)"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console
from rich.table import Table

from evals.gold import gold_items
from service.chat import ChatService
from service.models import ChatRequest
from service.schema import LanguageCode

MULTILINGUAL_GATE = 0.80


class MultilingualQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    language: LanguageCode
    question: str = Field(min_length=1, max_length=2000)
    english: str
    expected: list[str] = Field(min_length=1)


def run_multilingual(chat: ChatService, folder: Path, known: set[str], console: Console) -> dict:
    questions = [q for _, _, q in gold_items(folder, MultilingualQuestion, "question")]
    per_language: dict[str, list[float]] = defaultdict(list)
    detected: dict[str, list[bool]] = defaultdict(list)
    rows, unknown = [], []
    for q in questions:
        unknown += [(q.id, e) for e in q.expected if e not in known]
        response, ranked, _ = chat.answer_checked(ChatRequest(message=q.question))
        recall = len(set(ranked[:5]) & set(q.expected)) / len(q.expected)
        per_language[q.language].append(recall)
        per_language["all"].append(recall)
        detected[q.language].append(response.language == q.language)
        rows.append({"id": q.id, "language": q.language, "detected": response.language,
                     "expected": q.expected, "ranked": ranked[:5], "recall@5": recall})
    table = Table(title=f"Questions in other languages ({len(questions)})")
    for col in ("language", "n", "recognised", "recall@5"):
        table.add_column(col, justify="left" if col == "language" else "right")
    summary = {}
    for lang in sorted(per_language, key=lambda k: (k == "all", k)):
        values = per_language[lang]
        seen = [v for key, flags in detected.items() if lang in (key, "all") for v in flags]
        summary[lang] = {"n": len(values), "recall@5": round(sum(values) / len(values), 3),
                         "recognised": round(sum(seen) / len(seen), 3) if seen else 0.0}
        table.add_row(lang, str(len(values)), f"{summary[lang]['recognised']:.0%}",
                      f"{summary[lang]['recall@5']:.3f}")
    console.print(table)
    return {"summary": summary, "unknown": unknown, "rows": rows}
