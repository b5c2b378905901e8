"""Printable worksheets for ESOL classes: one role, or a class pack of up to six."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from service import worksheet
from service.deps import ReadyDep
from service.routes.pages import _page, bad_request
from service.schema import FAMILY_LABELS

router = APIRouter(include_in_schema=False)

LevelQuery = Annotated[str, Query(max_length=40, description="standard, simple or first-steps")]


@router.get("/roles/{role_id}/worksheet", response_class=HTMLResponse)
def worksheet_page(role_id: str, request: Request, ready: ReadyDep, level: LevelQuery = "simple") -> HTMLResponse:
    """A printable worksheet for one role at a reading level, with its answer key on a separate page."""
    role = ready.kb.role(role_id)
    if role is None:
        raise HTTPException(status_code=404, detail=f"no role with id '{role_id}'")
    try:
        sheet = worksheet.build(ready.kb, role, level)
    except worksheet.WorksheetError as exc:
        return bad_request(request, str(exc))
    return _page(request, "worksheet.html", sheet=sheet, levels=worksheet.LEVELS)


@router.get("/worksheets", response_class=HTMLResponse)
def pack_page(request: Request, ready: ReadyDep, level: LevelQuery = "simple",
              ids: Annotated[list[str], Query(max_length=20)] = []) -> HTMLResponse:  # noqa: B006
    """A class pack of up to six worksheets and one answer key; with no ids, the form to choose them."""
    try:
        sheets = worksheet.build_pack(ready.kb, ids, level)
    except worksheet.WorksheetError as exc:
        return bad_request(request, str(exc))
    if not sheets:
        by_family = {label: [r for r in ready.kb.roles if r.family == fam] for fam, label in FAMILY_LABELS.items()}
        return _page(request, "worksheets.html", sheets=[], level=level, levels=worksheet.LEVELS,
                     by_family={k: v for k, v in by_family.items() if v}, max_pack=worksheet.MAX_PACK)
    return _page(request, "worksheets.html", sheets=sheets, level=level, levels=worksheet.LEVELS,
                 ids=",".join(s.role.id for s in sheets))
