"""The published OpenAPI schema, corrected to say what error responses really look like.

FastAPI documents 422 as a list of error objects, but this app sends one readable sentence
(`{"detail": "..."}`, see app.py); and the body checks in limits.py answer 400 and 413 before any
route runs. Clients and schemathesis validate against this schema, so it must match.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

DETAIL = {"title": "ErrorDetail", "type": "object", "required": ["detail"],
          "properties": {"detail": {"type": "string", "title": "Detail",
                                    "description": "What was wrong, in a sentence."}}}
BODY_REFUSALS = {
    "400": "Body is not UTF-8 JSON, or JSON nested too deeply",
    "413": "Body larger than PATHWAYS_MAX_BODY_BYTES",
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}


def correct_error_schemas(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["HTTPValidationError"] = DETAIL
    components.pop("ValidationError", None)  # only the list form used it
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                for status, description in BODY_REFUSALS.items():
                    operation["responses"].setdefault(status, _error(description))
    return schema


def use_corrected_schema(app: FastAPI) -> None:
    build = app.openapi  # FastAPI's own builder; it caches what it returns in app.openapi_schema

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = correct_error_schemas(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
