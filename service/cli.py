"""The `pathways` command: ingest | serve | eval | bench."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from service.config import get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Pathways: careers information for health and social care jobs in London.")
console = Console(stderr=True, soft_wrap=True)  # one problem per line: easy to read and to grep


@app.command()
def ingest(
    check: Annotated[bool, typer.Option("--check", help="Validate only; do not touch the index.")] = False,
) -> None:
    """Validate the knowledge files and (re)build the index. Exit 2 if any file is broken."""
    from ingest.build import run_ingest
    from ingest.load import KnowledgeError
    from ingest.validate import validate

    settings = get_settings()
    if check:
        knowledge, problems = validate(settings.knowledge_dir)
        for problem in problems:
            console.print(f"[red]✗[/red] {problem}", highlight=False)
        if problems:
            console.print(f"{len(problems)} problem(s) in the knowledge files.")
            raise typer.Exit(2)
        console.print(f"knowledge OK: {len(knowledge.roles)} roles, {len(knowledge.of_kind('route'))} "
                      f"routes, {len(knowledge.of_kind('programme'))} programmes, "
                      f"{len(knowledge.glossary.terms) if knowledge.glossary else 0} glossary terms")
        return

    from service.embeddings import load_embeddings
    from service.multilingual import E5

    def chroma_errors() -> tuple[type[Exception], ...]:
        # Imported only once something has failed: a no-change ingest never imports chromadb (~2 s).
        import httpx

        from service.index import ChromaUnreachable

        return ChromaUnreachable, httpx.TransportError

    # One thread per embedding call and one call per core: MiniLM batches and e5 passages side by side.
    workers = (os.cpu_count() or 1) if settings.embedder == "onnx" else 1
    with Progress(TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("embed", total=None)
        try:
            summary = run_ingest(settings, lambda: load_embeddings(0, settings.embedder,
                                                                   threads=1 if workers > 1 else 0),
                                 progress=lambda done, total: bar.update(task, completed=done, total=total),
                                 crosslingual=E5(threads=1 if workers > 1 else None).passages
                                 if settings.multilingual else None, workers=workers)
        except KnowledgeError as exc:
            for problem in exc.problems:
                console.print(f"[red]✗[/red] {problem}", highlight=False)
            console.print("ingest stopped: the live index was not changed.")
            raise typer.Exit(2) from None
        except chroma_errors() as exc:
            from service.index import ChromaUnreachable

            # The pointer moves last, so a server lost mid-ingest leaves the live index as it was.
            why = exc if isinstance(exc, ChromaUnreachable) else \
                f"lost the Chroma server at {settings.chroma_url} ({type(exc).__name__}: {exc})"
            console.print(f"pathways ingest: {why}; the live index was not changed.", markup=False,
                          highlight=False)
            raise typer.Exit(1) from None
        except OSError as exc:
            console.print(f"pathways ingest: cannot write the index under {settings.data_dir}: "
                          f"{exc.strerror or exc}")
            raise typer.Exit(1) from None
    console.print(summary.line())


@app.command()
def coverage() -> None:
    """Regenerate knowledge/COVERAGE.md (counts by family, band, borough, ICS, group; gaps)."""
    from ingest.coverage import write_coverage
    from ingest.load import load_knowledge

    settings = get_settings()
    knowledge, problems = load_knowledge(settings.knowledge_dir)
    if problems:
        console.print(f"{len(problems)} problem(s); run `pathways ingest --check` first")
        raise typer.Exit(2)
    path = settings.knowledge_dir / "COVERAGE.md"
    write_coverage(knowledge, path)
    console.print(f"wrote {path}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes; more than 1 needs a Chroma "
                                                     "server (PATHWAYS_CHROMA_URL).")] = 1,
) -> None:
    """Serve the web chat and API (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from service.embeddings import model_path
    from service.preflight import unwritable

    settings = get_settings()
    if workers > 1 and not settings.chroma_url:
        # The embedded store is one process's files (chroma #7040, #3792): workers share a server.
        console.print(f"pathways serve: --workers {workers} needs a Chroma server: start `chroma run "
                      "--path DIR --port 8001` and set PATHWAYS_CHROMA_URL=http://127.0.0.1:8001",
                      markup=False, highlight=False)
        raise typer.Exit(2)
    model_path()  # fail now, in one line, if the model package is missing
    # The embedded index opens its files for writing; say so now rather than serve 503s forever.
    problem = None if settings.chroma_url else unwritable(settings.data_dir / "chroma")
    if problem:
        console.print(f"pathways serve: {problem} (check PATHWAYS_DATA_DIR)", soft_wrap=True,
                      markup=False, highlight=False)
        raise typer.Exit(1)
    # An import string, so each worker process builds its own app (and loads its own copy in memory).
    uvicorn.run("service.main:app", factory=True, host=host or settings.host, port=port or settings.port,
                log_level=settings.log_level, workers=workers, proxy_headers=True,
                forwarded_allow_ips=settings.trusted_proxies)


@app.command("eval")
def run_eval(
    gate: Annotated[bool, typer.Option("--gate", help="Exit 1 if a quality gate fails.")] = False,
    questions: Annotated[Path, typer.Option(help="Folder of question files.")] = Path("evals/questions"),
    out: Annotated[Path, typer.Option(help="Where to write results.")] = Path("evals/results/latest.json"),
) -> None:
    """Run the gold questions through the real retriever and assistant; print recall and MRR."""
    from evals.run import main as eval_main

    sys.exit(eval_main(get_settings(), questions, out, gate))


@app.command()
def bench(
    requests: Annotated[int, typer.Option(help="Chat requests per concurrency level.")] = 200,
    out: Annotated[Path | None, typer.Option(
        help="Where to write results [default: evals/results/bench.json, or soak.json with --soak].")] = None,
    soak: Annotated[int | None, typer.Option(
        "--soak", min=10, help="Instead: keep CONCURRENCY clients asking for this many seconds; PASS "
                               "needs 0 errors, a stable p95 and RSS growth <= 10%. Exit 1 on FAIL.")] = None,
    concurrency: Annotated[int, typer.Option(help="Clients at once during --soak.")] = 32,
) -> None:
    """Start a server on loopback and measure chat latency, throughput, cold start and memory."""
    if soak is not None:
        from evals.soak import main as soak_main

        sys.exit(soak_main(get_settings(), soak, concurrency, out or Path("evals/results/soak.json")))
    from evals.bench import main as bench_main

    sys.exit(bench_main(get_settings(), requests, out or Path("evals/results/bench.json")))


if __name__ == "__main__":
    app()
