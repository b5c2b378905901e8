"""Read and validate the knowledge files, reporting every problem with its file, record and field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from service.schema import KIND_DIRS, KIND_MODELS, AnyRecord, Explore, Glossary, LanguagePack, Pay, Role

# libyaml's safe loader parses the ~300 files several times faster than the pure-Python one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    path: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: record '{self.record}', field '{self.field}': {self.message}"


@dataclass
class Knowledge:
    records: dict[str, AnyRecord] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    glossary: Glossary | None = None
    pay: Pay | None = None
    explore: Explore | None = None
    languages: dict[str, LanguagePack] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[AnyRecord]:
        return [r for r in self.records.values() if r.kind == kind]

    @property
    def roles(self) -> list[Role]:
        return [r for r in self.records.values() if isinstance(r, Role)]


class KnowledgeError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _read_yaml(path: Path, root: Path, problems: list[Problem]) -> object | None:
    rel = str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(rel, path.stem, "-", f"not valid YAML/UTF-8: {exc}".splitlines()[0]))
        return None


def _errors(rel: str, record: str, exc: ValidationError) -> list[Problem]:
    return [
        Problem(rel, record, ".".join(str(p) for p in err["loc"]) or "-", err["msg"])
        for err in exc.errors()
    ]


def load_file(path: Path, root: Path, kind: str) -> tuple[AnyRecord | None, list[Problem]]:
    """Validate one record file; the file name must equal the record id."""
    problems: list[Problem] = []
    rel = str(path.relative_to(root.parent))
    data = _read_yaml(path, root, problems)
    if data is None:
        return None, problems or [Problem(rel, path.stem, "-", "file is empty")]
    if not isinstance(data, dict):
        return None, [Problem(rel, path.stem, "-", "top level must be a mapping of fields")]
    record_name = str(data.get("id", path.stem))
    try:
        record = KIND_MODELS[kind].model_validate(data)
    except ValidationError as exc:
        return None, _errors(rel, record_name, exc)
    if record.id != path.stem:
        return None, [Problem(rel, record.id, "id", f"must match the file name '{path.stem}'")]
    return record, []


def load_knowledge(root: Path) -> tuple[Knowledge, list[Problem]]:
    """Load everything under ``root``; return what loaded and every problem found."""
    knowledge = Knowledge()
    problems: list[Problem] = []
    for folder, kind in KIND_DIRS.items():
        for path in sorted((root / folder).glob("*.yaml")):
            record, found = load_file(path, root, kind)
            problems.extend(found)
            if record is None:
                continue
            rel = str(path.relative_to(root.parent))
            if record.id in knowledge.records:
                problems.append(Problem(rel, record.id, "id",
                                        f"duplicate id, also in {knowledge.paths[record.id]}"))
                continue
            knowledge.records[record.id] = record
            knowledge.paths[record.id] = rel
    for name, model, attr in (("glossary.yaml", Glossary, "glossary"), ("pay.yaml", Pay, "pay"),
                              ("explore.yaml", Explore, "explore")):
        path = root / name
        if not path.exists():
            problems.append(Problem(f"knowledge/{name}", name, "-", "file is missing"))
            continue
        data = _read_yaml(path, root, problems)
        try:
            setattr(knowledge, attr, model.model_validate(data))
        except ValidationError as exc:
            problems.extend(_errors(f"knowledge/{name}", name, exc))
    for path in sorted((root / "languages").glob("*.yaml")):
        rel = f"knowledge/languages/{path.name}"
        data = _read_yaml(path, root, problems)
        try:
            pack = LanguagePack.model_validate(data)
        except ValidationError as exc:
            problems.extend(_errors(rel, path.stem, exc))
            continue
        if pack.language != path.stem:
            problems.append(Problem(rel, path.stem, "language", f"'{pack.language}' does not match the file name"))
            continue
        knowledge.languages[pack.language] = pack
    return knowledge, problems
