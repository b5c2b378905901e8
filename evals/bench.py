"""`pathways bench`: a real server on loopback, real HTTP load; medians and percentiles, not one-offs."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import yaml
from rich.console import Console
from rich.table import Table

from service.config import Settings

QUESTIONS = [
    "what does a porter do", "how do I become a healthcare assistant", "how much does a nurse earn in London",
    "fisiotherapist", "jobs with no qualifications", "I worked in a shop what can I do",
    "help finding work in Hackney", "what is a DBS check", "how do I become a paramedic",
    "care worker pay", "what is an apprenticeship", "pharmacy technician training",
]
console = Console()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _load(base: str, concurrency: int, total: int, questions: list[str] = QUESTIONS) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0

    def one(i: int, client: httpx.Client) -> None:
        nonlocal errors
        t = time.perf_counter()
        r = client.post(f"{base}/api/chat", json={"message": questions[i % len(questions)]})
        latencies.append((time.perf_counter() - t) * 1000)
        if r.status_code != 200:
            errors += 1

    with httpx.Client(timeout=30, limits=httpx.Limits(max_connections=concurrency)) as client:
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(lambda i: one(i, client), range(total)))
        wall = time.perf_counter() - started
    return {"concurrency": concurrency, "requests": total, "errors": errors,
            "p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(_pct(latencies, 0.95), 1),
            "p99_ms": round(_pct(latencies, 0.99), 1), "rps": round(total / wall, 1)}


PAGES = {
    "roles, all filters": "/roles?q=assistant&family=clinical-support&family=hotel-services&clinical=false"
                          "&patient_facing=true&qualifications=none&qualifications=gcse&apprenticeship=true"
                          "&band_min=2&band_max=4&patterns=part-time&patterns=shifts",
    "roles, no filters": "/roles",
    "role profile": "/roles/healthcare-support-worker",
    "compare 3": "/compare?ids=porter,care-worker,phlebotomist",
    "pathway map": "/pathways/domestic-assistant",
    "match (typed job)": "/match?job=I+worked+on+the+tills+at+Tesco",
    "quiz results": "/quiz?people=yes&interests=caring&shifts=yes&have=gcse&study=earn",
}
PAGE_GOAL_MS = 100


def _pages(base: str, rounds: int = 20) -> list[dict[str, float | str]]:
    """Server-side render time of each explorer page (from the Server-Timing header), c=1."""
    rows = []
    with httpx.Client(timeout=30, headers={"accept": "text/html"}) as client:
        for name, path in PAGES.items():
            client.get(base + path)  # warm caches once, as a class would
            times = []
            for _ in range(rounds):
                r = client.get(base + path)
                r.raise_for_status()
                times.append(float(r.headers["server-timing"].split("dur=")[1]))
            rows.append({"page": name, "p50_ms": round(statistics.median(times), 1),
                         "p95_ms": round(_pct(times, 0.95), 1)})
    return rows


def _ingest_times(settings: Settings) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PATHWAYS_DATA_DIR": tmp, "PATHWAYS_KNOWLEDGE_DIR": str(settings.knowledge_dir)}
        out = {}
        for label in ("ingest_full_s", "ingest_no_change_s"):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "service.cli", "ingest"], env=env, check=True,
                           capture_output=True)
            out[label] = round(time.perf_counter() - t, 2)
        return out


def start_server(*args: str) -> tuple[subprocess.Popen[bytes], str, float | None]:
    """`pathways serve` on a free loopback port: the process, its base URL and seconds to ready
    (None if it never became ready; the caller stops the process either way)."""
    port = _free_port()
    env = {**os.environ, "PATHWAYS_PORT": str(port), "PATHWAYS_LOG_LEVEL": "warning"}
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", *args], env=env)
    while time.perf_counter() - started < 120 and server.poll() is None:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return server, base, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return server, base, None


def first_time_questions(folder: Path = Path("evals/questions")) -> list[str]:
    """Single-turn gold questions, each once and none of the classroom dozen: every one is a miss
    in the server's answer cache, so this row shows the cost of retrieving and composing."""
    seen = set(QUESTIONS)
    out = []
    for path in sorted(folder.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            text = item.get("question")
            if text and not item.get("history") and text not in seen:
                seen.add(text)
                out.append(text)
    return out


def main(settings: Settings, requests: int, out: Path) -> int:
    server, base, ready = start_server()
    try:
        if ready is None:
            console.print("bench: the server never became ready (has `pathways ingest` run?)")
            return 1
        _load(base, 4, 48)  # warm-up, not reported
        levels = [_load(base, c, requests) for c in (1, 8, 32)]
        fresh = first_time_questions()
        fresh = fresh[:: max(1, len(fresh) // requests)][:requests]  # every category, not one file
        first_time = _load(base, 1, len(fresh), fresh)
        pages = _pages(base)
        rss = _rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(10)
    result = {"cold_start_s": round(ready, 2), "rss_mb": round(rss, 1), "levels": levels,
              "first_time": first_time, "pages": pages,
              **_ingest_times(settings), "cpu_count": os.cpu_count()}
    table = Table(title="Chat latency over HTTP on loopback")
    for col in ("concurrency", "requests", "errors", "p50_ms", "p95_ms", "p99_ms", "rps"):
        table.add_column(col, justify="right")
    for row in levels:
        table.add_row(*(str(row[c]) for c in ("concurrency", "requests", "errors", "p50_ms", "p95_ms",
                                               "p99_ms", "rps")))
    table.add_row("1, first time", *(str(first_time[c]) for c in ("requests", "errors", "p50_ms", "p95_ms",
                                                                 "p99_ms", "rps")))
    console.print(table)
    page_table = Table(title=f"Explorer pages: server-side render time, c=1 (goal <= {PAGE_GOAL_MS} ms)")
    for col in ("page", "p50_ms", "p95_ms"):
        page_table.add_column(col, justify="right" if col != "page" else "left")
    for row in pages:
        page_table.add_row(str(row["page"]), str(row["p50_ms"]), str(row["p95_ms"]))
    console.print(page_table)
    console.print(f"cold start to ready {result['cold_start_s']} s · RSS {result['rss_mb']} MB · "
                  f"full ingest {result['ingest_full_s']} s · no-change ingest "
                  f"{result['ingest_no_change_s']} s")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    return 0
