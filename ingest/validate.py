"""Validate the knowledge files without touching the index: ``python -m ingest.validate``."""

from __future__ import annotations

import sys
from pathlib import Path

from ingest.checks import check_knowledge
from ingest.load import Knowledge, Problem, load_knowledge


def validate(root: Path, links: bool = True) -> tuple[Knowledge, list[Problem]]:
    knowledge, problems = load_knowledge(root)
    return knowledge, problems + check_knowledge(knowledge, links=links)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from service.config import get_settings

    knowledge, problems = validate(get_settings().knowledge_dir, links="--no-links" not in args)
    for problem in problems:
        print(problem)
    counts = {kind: len(knowledge.of_kind(kind)) for kind in ("role", "route", "programme")}
    print(f"{len(problems)} problem(s); {counts}")
    return 2 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
