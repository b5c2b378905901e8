"""Reading gold files: every YAML list in a folder, each item checked against its pydantic model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def gold_items(folder: Path, model: type[M], what: str) -> Iterator[tuple[Path, dict, M]]:
    """(file, raw item, validated item) for every item; a bad item stops the run naming file and id."""
    for path in sorted(folder.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            try:
                checked = model.model_validate(item)
            except ValidationError as exc:
                raise SystemExit(f"{path}: {what} {item.get('id')}: {exc.errors()[0]['msg']} "
                                 f"at {exc.errors()[0]['loc']}") from None
            yield path, item, checked
