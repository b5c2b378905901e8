"""Server-rendered pages (jinja2, autoescaped). Every page works without JavaScript except the chat."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from service import pay as pay_calc
from service.deps import ReadyDep
from service.schema import FAMILY_LABELS, QUALIFICATION_LABELS, Programme, Route

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[2] / "web" / "templates")
TEMPLATES.env.autoescape = True
TEMPLATES.env.globals.update(families=FAMILY_LABELS, qualifications=QUALIFICATION_LABELS,
                             money=pay_calc.money)

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


def not_found(request: Request) -> HTMLResponse:
    return _page(request, "404.html", status=404)


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request) -> HTMLResponse:
    return _page(request, "chat.html")


@router.get("/roles", response_class=HTMLResponse)
def roles_page(request: Request, ready: ReadyDep) -> HTMLResponse:
    by_family: dict[str, list] = {}
    for role in ready.kb.roles:
        by_family.setdefault(role.family, []).append(role)
    ordered = [(f, FAMILY_LABELS[f], by_family[f]) for f in FAMILY_LABELS if f in by_family]
    return _page(request, "roles.html", groups=ordered, count=len(ready.kb.roles))


@router.get("/roles/{role_id}", response_class=HTMLResponse)
def role_page(role_id: str, request: Request, ready: ReadyDep) -> HTMLResponse:
    role = ready.kb.role(role_id)
    if role is None:
        raise HTTPException(status_code=404, detail=f"no role with id '{role_id}'")
    kb = ready.kb
    return _page(request, "role.html", role=role, records=kb.records, pay=kb.pay,
                 lines=pay_calc.band_lines(kb.pay, role),
                 rates=[kb.pay.rate(r) for r in role.pay_rates if kb.pay.rate(r)],
                 programmes=[p for p in kb.programmes if role.id in p.leads_to])


@router.get("/routes/{route_id}", response_class=HTMLResponse)
def route_page(route_id: str, request: Request, ready: ReadyDep) -> HTMLResponse:
    record = ready.kb.records.get(route_id)
    if not isinstance(record, Route):
        raise HTTPException(status_code=404, detail=f"no route with id '{route_id}'")
    return _page(request, "route.html", route=record, records=ready.kb.records)


@router.get("/programmes/{programme_id}", response_class=HTMLResponse)
def programme_page(programme_id: str, request: Request, ready: ReadyDep) -> HTMLResponse:
    record = ready.kb.records.get(programme_id)
    if not isinstance(record, Programme):
        raise HTTPException(status_code=404, detail=f"no programme with id '{programme_id}'")
    return _page(request, "programme.html", programme=record, records=ready.kb.records)


@router.get("/glossary", response_class=HTMLResponse)
def glossary_page(request: Request, ready: ReadyDep) -> HTMLResponse:
    terms = sorted(ready.kb.terms.items(), key=lambda kv: kv[1].term.lower())
    return _page(request, "glossary.html", terms=terms)


@router.get("/pay", response_class=HTMLResponse)
def pay_page(request: Request, ready: ReadyDep) -> HTMLResponse:
    return _page(request, "pay.html", pay=ready.kb.pay, table=ready.kb.pay.table())
