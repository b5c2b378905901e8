"""`pathways eval`: score the real assistant on the gold questions (recall@k, MRR, scope handling)."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console
from rich.table import Table

from evals.gold import gold_items
from evals.match_eval import MATCH_GATE, run_match
from evals.multilingual_eval import MULTILINGUAL_GATE, run_multilingual
from evals.readability_eval import readability_failures, run_readability
from service.config import Settings
from service.models import ChatRequest, ChatTurn
from service.state import AppState

GATES = {"recall@5": 0.95, "mrr": 0.85}  # the goals of issue #8, which the shipped figures meet
SHIPPED = "hybrid + title match"
BASELINES = ("bm25 only", "dense only (langchain Chroma)")
MARGIN = 0.05  # the shipped retriever must beat the best single baseline by 5 points of recall@5
NO_ANSWER = {"out-of-scope", "emergency"}
console = Console()


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    question: str = Field(min_length=1, max_length=2000)
    expected: list[str] = Field(default_factory=list)
    category: str
    history: list[ChatTurn] = Field(default_factory=list, max_length=20)
    borough: str | None = None


def load_questions(folder: Path) -> list[dict]:
    questions: list[dict] = []
    for path, item, _ in gold_items(folder, Question, "question"):
        item["file"] = path.name
        questions.append(item)
    ids = [q["id"] for q in questions]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise SystemExit(f"duplicate question ids: {sorted(dupes)}")
    return questions


def score(ranked: list[str], expected: list[str]) -> dict[str, float]:
    out = {f"recall@{k}": len(set(ranked[:k]) & set(expected)) / len(expected) for k in (1, 3, 5)}
    first = next((i for i, rid in enumerate(ranked) if rid in expected), None)
    out["mrr"] = 0.0 if first is None else 1.0 / (first + 1)
    return out


RETRIEVERS = {
    "bm25 only": {"use_dense": False, "use_title": False},
    "dense only (langchain Chroma)": {"use_bm25": False, "use_title": False, "chroma": True},
    "hybrid (dense + bm25, RRF)": {"use_title": False},
    "hybrid + title match": {},
}


def compare_retrievers(retriever, questions: list[dict]) -> dict[str, dict[str, float]]:
    """The bare retrievers on the same single-turn questions, beside each other in one run."""
    single = [q for q in questions if q["category"] not in NO_ANSWER and not q.get("history")]
    table = Table(title=f"Retrievers alone on {len(single)} single-turn questions")
    for col in ("retriever", "recall@1", "recall@3", "recall@5", "MRR"):
        table.add_column(col, justify="right" if col != "retriever" else "left")
    results: dict[str, dict[str, float]] = {}
    for name, flags in RETRIEVERS.items():
        scores = [score([h.record_id for h in retriever.search(q["question"], k=10, **flags)],
                        q["expected"]) for q in single]
        results[name] = {k: round(sum(s[k] for s in scores) / len(scores), 3)
                         for k in ("recall@1", "recall@3", "recall@5", "mrr")}
        table.add_row(name, *(f"{results[name][k]:.3f}" for k in ("recall@1", "recall@3", "recall@5", "mrr")))
    console.print(table)
    return results


def run_holdout(chat, folder: Path) -> dict:
    """The held-out questions (written after the ranking was built, never used to tune it): the
    honest estimate of how the assistant does on questions nobody has seen. Reported per file (each
    written at a different time) and overall, not gated."""
    if not folder.is_dir():
        return {}
    scores: dict[str, list[dict[str, float]]] = {}
    for q in load_questions(folder):
        _, ranked, _ = chat.answer_checked(ChatRequest(message=q["question"], borough=q.get("borough")))
        scores.setdefault(q["file"], []).append(score(ranked, q["expected"]))
    scores["all"] = [s for rows in scores.values() for s in rows]

    def mean(rows: list[dict[str, float]]) -> dict[str, float]:
        out = {k: round(sum(s[k] for s in rows) / len(rows), 3) for k in ("recall@1", "recall@5", "mrr")}
        return {**out, "n": len(rows)}
    files = {name: mean(rows) for name, rows in scores.items() if name != "all"}
    result = {**mean(scores["all"]), "files": files}
    for name, row in [*result["files"].items(), ("all", result)]:
        console.print(f"held-out questions, {name} ({row['n']}): recall@1 {row['recall@1']:.3f}, "
                      f"recall@5 {row['recall@5']:.3f}, MRR {row['mrr']:.3f}")
    return result


def main(settings: Settings, folder: Path, out: Path, gate: bool) -> int:
    state = AppState(settings)
    state.load()
    if state.ready is None:
        console.print(f"eval: {state.error}")
        return 1
    chat = state.ready.chat
    known = set(state.ready.kb.records)
    questions = load_questions(folder)
    per_cat: dict[str, list[dict[str, float]]] = defaultdict(list)
    scope_ok: dict[str, list[bool]] = defaultdict(list)
    rows, unknown = [], []
    trust: list[bool] = []
    started = time.perf_counter()
    for q in questions:
        history = [ChatTurn(**t) for t in q.get("history", [])]
        response, ranked, unsupported = chat.answer_checked(
            ChatRequest(message=q["question"], history=history, borough=q.get("borough")))
        trust.append(not unsupported)
        cat = q["category"]
        row = {"id": q["id"], "question": q["question"], "category": cat, "expected": q.get("expected", []),
               "ranked": ranked[:5], "intent": response.intent, "answer": response.answer}
        if cat in NO_ANSWER:
            ok = not response.in_scope and (cat != "emergency" or response.intent == "emergency")
            scope_ok[cat].append(ok)
            row["pass"] = ok
        else:
            missing = [e for e in q["expected"] if e not in known]
            if missing:
                unknown.append((q["id"], missing))
            s = score(ranked, q["expected"])
            per_cat[cat].append(s)
            per_cat["overall"].append(s)
            row.update(s)
        rows.append(row)
    seconds = time.perf_counter() - started

    def mean(items: list[dict[str, float]], key: str) -> float:
        return sum(i[key] for i in items) / len(items) if items else 0.0

    table = Table(title=f"Retrieval on {len(questions)} questions")
    for col in ("category", "n", "recall@1", "recall@3", "recall@5", "MRR"):
        table.add_column(col, justify="right" if col != "category" else "left")
    summary: dict[str, dict[str, float]] = {}
    for cat in sorted(per_cat, key=lambda c: (c == "overall", c)):
        items = per_cat[cat]
        summary[cat] = {k: round(mean(items, k), 3) for k in ("recall@1", "recall@3", "recall@5", "mrr")}
        summary[cat]["n"] = len(items)
        table.add_row(cat, str(len(items)), *(f"{summary[cat][k]:.3f}" for k in
                                               ("recall@1", "recall@3", "recall@5", "mrr")))
    console.print(table)
    scope = {cat: round(sum(v) / len(v), 3) for cat, v in scope_ok.items()}
    for cat, share in scope.items():
        console.print(f"{cat}: {share:.0%} handled correctly ({len(scope_ok[cat])} questions)")
    if unknown:
        console.print(f"[yellow]questions expecting unknown record ids:[/yellow] {unknown}")
    trust_share = sum(trust) / len(trust) if trust else 1.0
    console.print(f"trust check: {trust_share:.1%} of answers had every £, %, band, duration and age "
                  "backed by the cited records")
    holdout = run_holdout(chat, folder.parent / "holdout")
    baselines = compare_retrievers(state.ready.retriever, questions)
    match = run_match(state.ready.explorer, folder.parent / "match", console)
    answered = [q for q in questions if q["category"] not in NO_ANSWER]
    reading = run_readability(chat, state.ready.kb, answered, console)
    languages = run_multilingual(chat, folder.parent / "multilingual", known, console)
    console.print(f"{len(questions)} questions in {seconds:.1f} s")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "scope": scope, "questions": len(questions),
                               "trust": round(trust_share, 4), "holdout": holdout,
                               "retrievers": baselines, "match": match,
                               "reading": reading, "multilingual": languages,
                               "collection": state.ready.kb.collection, "rows": rows}, indent=1))
    failed = [f"{k} {summary.get('overall', {}).get(k, 0):.3f} < {v}" for k, v in GATES.items()
              if summary.get("overall", {}).get(k, 0) < v]
    failed += [f"{cat} handling {share:.0%} < 100%" for cat, share in scope.items() if share < 1.0]
    if trust_share < 1.0:
        failed.append(f"trust check {trust_share:.1%} < 100%")
    if unknown or match["unknown"]:
        failed.append("questions or match cases expect record ids that do not exist")
    best_single = max(baselines[b]["recall@5"] for b in BASELINES)
    if baselines[SHIPPED]["recall@5"] < best_single + MARGIN:
        failed.append(f"{SHIPPED} recall@5 {baselines[SHIPPED]['recall@5']:.3f} is not {MARGIN:.2f} above "
                      f"the best single retriever ({best_single:.3f})")
    if match["precision@5"] < MATCH_GATE:
        failed.append(f"match precision@5 {match['precision@5']:.3f} < {MATCH_GATE}")
    failed += readability_failures(reading)
    other = languages["summary"].get("all", {}).get("recall@5", 0.0)
    if other < MULTILINGUAL_GATE:
        failed.append(f"recall@5 on questions in other languages {other:.3f} < {MULTILINGUAL_GATE}")
    if languages["unknown"]:
        failed.append("questions in other languages expect record ids that do not exist")
    if gate and failed:
        console.print("[red]eval gate failed:[/red] " + "; ".join(failed))
        return 1
    return 0
