"""ASGI entry point: `uvicorn service.main:app --factory`."""

from service.app import create_app as app  # noqa: F401
