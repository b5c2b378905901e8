"""Security headers on every response: pages, API, static files, and errors made anywhere."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.config import Settings
from service.headers import SECURITY_HEADERS
from service.state import AppState


def _assert_secure(response) -> None:  # type: ignore[no-untyped-def]
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'self'" in csp
    assert "set-cookie" not in response.headers
    assert response.headers.get("X-Request-ID")


@pytest.mark.parametrize("method, path, body, status", [
    ("GET", "/", None, 200),
    ("GET", "/roles/porter", None, 200),
    ("GET", "/static/style.css", None, 200),
    ("GET", "/static/missing.css", None, 404),
    ("GET", "/no-such-page", None, 404),
    ("GET", "/api/roles/astronaut", None, 404),
    ("POST", "/api/chat", b'{"message": ""}', 422),
    ("POST", "/api/chat", b"\xff\xfe", 400),
    ("POST", "/api/chat", b"x" * 70_000, 413),
    ("GET", "/metrics", None, 200),
    ("GET", "/openapi.json", None, 200),
])
def test_every_response_is_hardened(client: TestClient, method: str, path: str, body: bytes | None,
                                    status: int):
    response = client.request(method, path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    _assert_secure(response)


class Broken(AppState):
    """An app whose state fails on every read: stands in for any bug that escapes a route."""

    def start(self) -> None:
        pass

    @property
    def ready(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("simulated bug")

    @ready.setter
    def ready(self, value) -> None:  # type: ignore[no-untyped-def]
        pass


def test_unhandled_error_is_a_hardened_json_500(tmp_path, caplog):
    state = Broken(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    client = TestClient(create_app(state.settings, state))  # no lifespan: it would read the state
    response = client.get("/readyz")
    assert response.status_code == 500
    assert "try again" in response.json()["detail"] and "simulated" not in response.text
    _assert_secure(response)
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and "simulated bug" in str(logged[0].exc_info[1])
