"""`pathways bench --soak SECONDS`: many clients asking at once for minutes, over real HTTP on loopback.

A warm-up at the same load runs first, until the server's memory (RSS) stops climbing: bounded caches
fill and onnxruntime/malloc buffers grow to the concurrency, once. Then PASS needs all three over the
measured SECONDS: no errors at all (warm-up included), a stable p95 (the last tenth no slower than 1.5x
the first tenth) and RSS growing by at most 10% from the start of the measured run to its end.
Ten slices: for `--soak 600` each is one minute. RSS before the warm-up is reported too.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from evals.bench import QUESTIONS, _pct, start_server
from service.config import Settings

# Half the questions are the bench's classroom dozen (a class repeats itself; the answer cache serves
# them); the other half are all different (job x borough x wording: ~3,000 of them, more than any
# cache holds), so retrieval, composing and every bounded cache keep working all the way through.
JOBS = ["porter", "healthcare assistant", "nurse", "paramedic", "physiotherapist", "pharmacy technician",
        "phlebotomist", "care worker", "midwife", "radiographer", "occupational therapist", "dental nurse",
        "domestic assistant", "ward clerk", "receptionist", "mental health nurse", "paramedic science",
        "operating department practitioner", "health visitor", "support worker", "cleaner", "cook",
        "driver", "security officer", "admin assistant"]
BOROUGHS = ["Hackney", "Camden", "Croydon", "Lambeth", "Newham", "Barnet", "Ealing", "Brent",
            "Tower Hamlets", "Southwark", "Lewisham", "Islington", "Haringey", "Enfield", "Bromley",
            "Greenwich", "Wandsworth", "Hounslow", "Harrow", "Redbridge", "Sutton", "Merton", "Bexley",
            "Havering", "Hillingdon", "Kingston", "Richmond", "Waltham Forest", "Westminster",
            "Barking and Dagenham", "Hammersmith and Fulham", "Kensington and Chelsea"]
WORDINGS = ["how do I become a {job} in {borough}", "{job} jobs in {borough}",
            "how much does a {job} earn in {borough}", "training to be a {job} near {borough}"]
VARIED = [w.format(job=j, borough=b) for b in BOROUGHS for j in JOBS for w in WORDINGS]


def question(i: int) -> str:
    return QUESTIONS[(i // 2) % len(QUESTIONS)] if i % 2 == 0 else VARIED[(i // 2) % len(VARIED)]


SLICES = 10
# Warm-up at full load until RSS grows by < WARMUP_SETTLED_PCT over WARMUP_WINDOW_S (caches fill and
# onnxruntime/malloc arenas grow to the concurrency, then stay flat), within [MIN, MAX] seconds.
WARMUP_MIN_S = 20.0
WARMUP_MAX_S = 120.0
WARMUP_WINDOW_S = 20.0
WARMUP_SETTLED_PCT = 2.0
P95_GROWTH_LIMIT = 1.5
RSS_GROWTH_LIMIT_PCT = 10.0
console = Console()


def child_pids(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn workers), in MB."""
    try:
        import psutil  # optional

        proc = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20
    except ImportError:
        pass
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
        todo += child_pids(current)
    return total


class _Clients:
    """`concurrency` threads asking one question after another until stopped."""

    def __init__(self, base: str, concurrency: int):
        self.base, self.concurrency = base, concurrency
        self.done: list[tuple[float, float, bool]] = []  # (finished at, latency ms, ok)
        self.error_samples: list[str] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._http = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=concurrency))
        self._threads = [threading.Thread(target=self._loop, args=(n,), daemon=True)
                         for n in range(concurrency)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join()
        self._http.close()

    def _loop(self, i: int) -> None:
        while not self.stop.is_set():
            t = time.perf_counter()
            try:
                r = self._http.post(f"{self.base}/api/chat", json={"message": question(i)})
                ok, why = r.status_code == 200, f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                ok, why = False, f"{type(exc).__name__}: {exc}"
            end = time.perf_counter()
            with self._lock:
                self.done.append((end, (end - t) * 1000, ok))
                if not ok and len(self.error_samples) < 20:
                    self.error_samples.append(why)
            i += self.concurrency


def _settled(samples: list[tuple[float, float]], now: float) -> bool:
    """RSS grew by less than WARMUP_SETTLED_PCT over the last WARMUP_WINDOW_S seconds."""
    earlier = [mb for at, mb in samples if at <= now - WARMUP_WINDOW_S]
    return bool(earlier) and samples[-1][1] <= earlier[-1] * (1 + WARMUP_SETTLED_PCT / 100)


def run_soak(base: str, seconds: float, concurrency: int, pid: int | None = None,
             warmup_max: float = WARMUP_MAX_S) -> dict:
    """Keep `concurrency` clients asking for a warm-up (until the server's memory settles: caches
    filling and per-thread buffers growing to the concurrency are not leaks), then for `seconds`
    measured in SLICES slices: latency, errors and RSS."""
    rss_cold = rss_mb(pid) if pid else None
    clients = _Clients(base, concurrency)
    began = time.perf_counter()
    samples: list[tuple[float, float]] = []
    clients.start()
    try:
        while True:  # warm-up, at the same load
            time.sleep(1.0)
            now = time.perf_counter()
            if pid:
                samples.append((now, rss_mb(pid)))
            settled = not pid or _settled(samples, now)
            if now - began >= warmup_max or (now - began >= WARMUP_MIN_S and settled):
                break
        measured = time.perf_counter()
        rss_start = rss_mb(pid) if pid else None
        deadline = measured + seconds
        rss_samples: list[tuple[float, float]] = []
        while (now := time.perf_counter()) < deadline:
            time.sleep(min(1.0, deadline - now))
            if pid:
                rss_samples.append((time.perf_counter() - measured, rss_mb(pid)))
    finally:
        clients.finish()  # requests in flight at the deadline finish and count in the last slice
    rss_end = rss_mb(pid) if pid else None

    warm = [(at, ok) for at, _, ok in clients.done if at < measured]
    done = [(at - measured, lat, ok) for at, lat, ok in clients.done if at >= measured]
    width = seconds / SLICES
    slices = []
    for k in range(SLICES):
        lo, hi = k * width, (k + 1) * width
        rows = [(lat, ok) for at, lat, ok in done if lo <= at < hi or (k == SLICES - 1 and at >= hi)]
        lat = [r[0] for r in rows]
        rss_at = [mb for at, mb in rss_samples if at <= hi + 0.5]
        slices.append({"from_s": round(lo, 1), "to_s": round(hi, 1), "requests": len(rows),
                       "errors": sum(not ok for _, ok in rows),
                       "p50_ms": round(statistics.median(lat), 1) if lat else None,
                       "p95_ms": round(_pct(lat, 0.95), 1) if lat else None,
                       "rps": round(len(rows) / width, 1),
                       "rss_mb": round(rss_at[-1], 1) if rss_at else None})
    warmup_errors = sum(not ok for _, ok in warm)
    total_errors = warmup_errors + sum(not ok for _, _, ok in done)
    first, last = slices[0]["p95_ms"], slices[-1]["p95_ms"]
    growth = (rss_end - rss_start) / rss_start * 100 if rss_start and rss_end is not None else None
    checks = {
        "no_errors": total_errors == 0,
        "p95_stable": first is not None and last is not None and last <= P95_GROWTH_LIMIT * first,
        "rss_growth_ok": growth is None or growth <= RSS_GROWTH_LIMIT_PCT,
    }
    all_lat = [lat for _, lat, _ in done]
    return {
        "seconds": seconds, "concurrency": concurrency, "requests": len(done), "errors": total_errors,
        "warmup_s": round(measured - began, 1), "warmup_requests": len(warm), "warmup_errors": warmup_errors,
        "error_samples": clients.error_samples, "rps": round(len(done) / seconds, 1),
        "p50_ms": round(statistics.median(all_lat), 1) if all_lat else None,
        "p95_ms": round(_pct(all_lat, 0.95), 1) if all_lat else None,
        "p95_first_slice_ms": first, "p95_last_slice_ms": last,
        "p95_last_over_first": round(last / first, 2) if first and last else None,
        "rss_before_warmup_mb": round(rss_cold, 1) if rss_cold else None,
        "rss_start_mb": round(rss_start, 1) if rss_start else None,
        "rss_end_mb": round(rss_end, 1) if rss_end is not None else None,
        "rss_growth_pct": round(growth, 1) if growth is not None else None,
        "slices": slices, "checks": checks, "verdict": "PASS" if all(checks.values()) else "FAIL",
        "limits": {"errors": 0, "p95_last_over_first": P95_GROWTH_LIMIT,
                   "rss_growth_pct": RSS_GROWTH_LIMIT_PCT},
        "questions": {"classroom": len(QUESTIONS), "varied": len(VARIED)},
        "cpu_count": os.cpu_count(),
    }


def report(result: dict) -> None:
    table = Table(title=f"Soak: {result['concurrency']} clients for {result['seconds']} s on loopback")
    cols = ("from_s", "to_s", "requests", "errors", "p50_ms", "p95_ms", "rps", "rss_mb")
    for col in cols:
        table.add_column(col, justify="right")
    for row in result["slices"]:
        table.add_row(*(str(row[c]) for c in cols))
    console.print(table)
    mark = {True: "ok", False: "FAIL"}
    c = result["checks"]
    console.print(f"warm-up {result['warmup_s']} s ({result['warmup_requests']} requests, RSS "
                  f"{result['rss_before_warmup_mb']} -> {result['rss_start_mb']} MB)", highlight=False)
    console.print(f"{result['requests']} requests, {result['errors']} errors [{mark[c['no_errors']]}] · "
                  f"p95 first {result['p95_first_slice_ms']} ms, last {result['p95_last_slice_ms']} ms "
                  f"(x{result['p95_last_over_first']}, limit x{P95_GROWTH_LIMIT}) "
                  f"[{mark[c['p95_stable']]}] · "
                  f"RSS {result['rss_start_mb']} -> {result['rss_end_mb']} MB ({result['rss_growth_pct']}%, "
                  f"limit {RSS_GROWTH_LIMIT_PCT:g}%) [{mark[c['rss_growth_ok']]}] · {result['verdict']}",
                  highlight=False, markup=False, soft_wrap=True)
    for why in result["error_samples"][:5]:
        console.print(f"  error: {why}", highlight=False, markup=False)


def main(settings: Settings, seconds: int, concurrency: int, out: Path) -> int:
    server, base, ready = start_server()
    try:
        if ready is None:
            console.print("soak: the server never became ready (has `pathways ingest` run?)")
            return 1
        result = run_soak(base, seconds, concurrency, server.pid)
    finally:
        server.terminate()
        server.wait(10)
    result["cold_start_s"] = round(ready, 2)
    report(result)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    return 0 if result["verdict"] == "PASS" else 1
