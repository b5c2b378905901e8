"""Server-rendered pages (jinja2, autoescaped). Every page works without JavaScript except the chat."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from service import compose_plain
from service import pay as pay_calc
from service.deps import ReadyDep
from service.explorer.compare import CompareError, parse_ids
from service.explorer.core import UnknownChoice
from service.explorer.filters import RoleFilters
from service.explorer.quiz import QuizAnswers
from service.glossary_marks import TermFinder
from service.schema import BAND_ORDER, FAMILY_LABELS, QUALIFICATION_LABELS, AnyRecord, Programme, Role, Route

PATTERN_LABELS = {"full-time": "Full time", "part-time": "Part time", "shifts": "Shifts",
                  "nights": "Nights", "weekends": "Weekends", "office-hours": "Office hours",
                  "bank": "Bank (flexible, as needed)", "on-call": "On call"}

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[2] / "web" / "templates")
TEMPLATES.env.autoescape = True
TEMPLATES.env.globals.update(families=FAMILY_LABELS, qualifications=QUALIFICATION_LABELS,
                             money=pay_calc.money, patterns=PATTERN_LABELS, bands=BAND_ORDER)

router = APIRouter(include_in_schema=False)

# Reading levels for the record pages, in switcher order (the chat's select uses the same values).
LEVELS: dict[str, str] = {"standard": "Standard English", "simple": "Simple English",
                          "first-steps": "First steps (very simple)"}
LevelQuery = Annotated[str, Query(description="standard, simple or first-steps")]

# One glossary term in page text: a disclosure button and its hidden definition right after it, so a
# screen reader meets the definition in reading order once it is opened (classroom.js does the opening).
TERM = Markup('<span class="term-wrap"><button type="button" class="term" aria-expanded="false" '
              'aria-controls="{id}">{said}</button><span class="term-def" id="{id}" hidden>{definition}</span></span>')
# Without JavaScript the buttons do nothing, so each section ends with a native <details> listing its
# words: reachable by keyboard and screen reader with no script, and collapsed so the layout stays.
WORDS = Markup('<details class="words"><summary>Words in this part ({count})</summary><dl>{items}</dl></details>')
WORD = Markup("<dt>{term}</dt><dd>{definition}</dd>")


class TermMarker:
    """Marks glossary terms in one page's text at the page's reading level: the first place each term
    appears on the page, so a word used ten times gets one button. Everything else is escaped."""

    def __init__(self, finder: TermFinder, level: str):
        self.finder, self.level = finder, level
        self.seen: set[str] = set()
        self.pending: list[tuple[str, str]] = []  # (term, definition) since the last words() call

    def __call__(self, text: str | None) -> Markup:
        if not text:
            return Markup("")
        out, pos = [], 0
        for mark in self.finder.marks(text):
            if mark.term.term in self.seen:
                continue
            self.seen.add(mark.term.term)
            definition = mark.definition(self.level)
            self.pending.append((mark.term.term, definition))
            out += [escape(text[pos:mark.start]),
                    TERM.format(id=f"term-{len(self.seen)}", said=text[mark.start:mark.end], definition=definition)]
            pos = mark.end
        out.append(escape(text[pos:]))
        return Markup("").join(out)

    def words(self) -> Markup:
        """The no-JavaScript list of the terms marked since the last call (end of a section)."""
        items, self.pending = self.pending, []
        if not items:
            return Markup("")
        return WORDS.format(count=len(items),
                            items=Markup("").join(WORD.format(term=t, definition=d) for t, d in items))


def _page(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


def not_found(request: Request) -> HTMLResponse:
    return _page(request, "404.html", status=404)


def bad_request(request: Request, message: str, status: int = 400) -> HTMLResponse:
    return _page(request, "error.html", status=status, message=message)


def bad_level(request: Request, level: str) -> HTMLResponse:
    allowed = ", ".join(LEVELS)
    return bad_request(request, f"Unknown reading level '{level[:40]}'. Use one of: {allowed}.", status=422)


def _level_context(request: Request, ready: ReadyDep, record: AnyRecord, level: str) -> dict[str, object]:
    """What every record page needs to show itself at a reading level; numbers never change with it."""
    plain = level != "standard"
    qualification = None
    if isinstance(record, Role):
        qualification = (compose_plain.qualification(record, level) if plain
                         else f"{QUALIFICATION_LABELS[record.qualifications_needed]}.")
    return {"level": level, "levels": LEVELS, "path": request.url.path,
            "lq": f"?level={level}" if plain else "",  # links to other records keep the level
            "terms": TermMarker(ready.kb.term_finder, level),
            "summary_text": compose_plain.summary(record, level) if plain else record.summary,
            "qualification_text": qualification}


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request) -> HTMLResponse:
    return _page(request, "chat.html")


@router.get("/roles", response_class=HTMLResponse)
def roles_page(request: Request, ready: ReadyDep, filters: Annotated[RoleFilters, Query()]) -> HTMLResponse:
    listing = ready.explorer.list_roles(filters)
    return _page(request, "roles.html", listing=listing, f=filters)


@router.get("/roles/{role_id}", response_class=HTMLResponse)
def role_page(role_id: str, request: Request, ready: ReadyDep, level: LevelQuery = "standard") -> HTMLResponse:
    if level not in LEVELS:
        return bad_level(request, level)
    role = ready.kb.role(role_id)
    if role is None:
        raise HTTPException(status_code=404, detail=f"no role with id '{role_id}'")
    kb = ready.kb
    related = [r for r in kb.roles if r.family == role.family and r.id != role.id][:6]
    return _page(request, "role.html", role=role, records=kb.records, pay=kb.pay,
                 lines=pay_calc.band_lines(kb.pay, role),
                 rates=[kb.pay.rate(r) for r in role.pay_rates if kb.pay.rate(r)],
                 programmes=[p for p in kb.programmes if role.id in p.leads_to and p.status == "current"],
                 related=related, map=ready.explorer.pathway_map(role.id),
                 **_level_context(request, ready, role, level))


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, ready: ReadyDep,
                 ids: Annotated[list[str], Query(max_length=10)] = []) -> HTMLResponse:  # noqa: B006
    chosen = parse_ids(ids)
    columns, error = [], None
    try:
        columns = ready.explorer.compare(chosen) if chosen else []
    except CompareError as exc:
        error = str(exc)
    return _page(request, "compare.html", status=400 if error else 200, columns=columns, error=error,
                 roles=ready.kb.roles, chosen=chosen, year=ready.kb.pay.current_year)


@router.get("/pathways/{role_id}", response_class=HTMLResponse)
def pathway_page(role_id: str, request: Request, ready: ReadyDep) -> HTMLResponse:
    found = ready.explorer.pathway_map(role_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no role with id '{role_id}'")
    return _page(request, "pathway.html", map=found, role=found.role)


@router.get("/match", response_class=HTMLResponse)
def match_page(request: Request, ready: ReadyDep,
               job: Annotated[str, Query(max_length=200, description="Typed words")] = "",
               pick: Annotated[str, Query(max_length=80, description="A job id from the list")] = "",
               interests: Annotated[list[str], Query(max_length=20)] = []) -> HTMLResponse:  # noqa: B006
    jobs = sorted(ready.kb.explore.past_jobs, key=lambda j: j.label)
    context = dict(jobs=jobs, job=job, pick=pick, chosen=interests, interests=ready.kb.explore.interests,
                   result=None, error=None)
    job = job.strip() or pick.strip()  # typed words win over the list
    if job:
        try:
            context["result"] = ready.explorer.match(job, [i for i in interests if i])
        except UnknownChoice as exc:
            context["error"] = str(exc)
    return _page(request, "match.html", status=422 if context["error"] else 200, **context)


@router.get("/quiz", response_class=HTMLResponse)
def quiz_page(request: Request, ready: ReadyDep, answers: Annotated[QuizAnswers, Query()]) -> HTMLResponse:
    results, error = None, None
    try:
        results = ready.explorer.quiz(answers) if answers.model_dump(exclude_defaults=True) else None
    except UnknownChoice as exc:
        error = str(exc)
    return _page(request, "quiz.html", status=422 if error else 200, questions=ready.explorer.quiz_questions(),
                 given=answers.model_dump(), results=results, error=error)


@router.get("/routes/{route_id}", response_class=HTMLResponse)
def route_page(route_id: str, request: Request, ready: ReadyDep, level: LevelQuery = "standard") -> HTMLResponse:
    if level not in LEVELS:
        return bad_level(request, level)
    record = ready.kb.records.get(route_id)
    if not isinstance(record, Route):
        raise HTTPException(status_code=404, detail=f"no route with id '{route_id}'")
    return _page(request, "route.html", route=record, records=ready.kb.records,
                 **_level_context(request, ready, record, level))


@router.get("/programmes/{programme_id}", response_class=HTMLResponse)
def programme_page(programme_id: str, request: Request, ready: ReadyDep,
                   level: LevelQuery = "standard") -> HTMLResponse:
    if level not in LEVELS:
        return bad_level(request, level)
    record = ready.kb.records.get(programme_id)
    if not isinstance(record, Programme):
        raise HTTPException(status_code=404, detail=f"no programme with id '{programme_id}'")
    return _page(request, "programme.html", programme=record, records=ready.kb.records,
                 **_level_context(request, ready, record, level))


@router.get("/glossary", response_class=HTMLResponse)
def glossary_page(request: Request, ready: ReadyDep) -> HTMLResponse:
    terms = sorted(ready.kb.terms.items(), key=lambda kv: kv[1].term.lower())
    return _page(request, "glossary.html", terms=terms)


@router.get("/pay", response_class=HTMLResponse)
def pay_page(request: Request, ready: ReadyDep) -> HTMLResponse:
    return _page(request, "pay.html", pay=ready.kb.pay, table=ready.kb.pay.table())
