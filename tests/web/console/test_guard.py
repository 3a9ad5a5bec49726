"""What the console does before it knows who is asking (nothing that writes), and its cookies."""

from __future__ import annotations

import time

from sqlalchemy import select
from starlette.testclient import TestClient

from tests.web.console.conftest import PASSWORD, csrf_of
from web.console import guard
from web.console.tables import sessions


def test_an_unknown_cookie_gets_the_sign_in_page_and_no_summary_work(app, admin_client, monkeypatch) -> None:  # noqa: ANN001
    runs: list[str] = []
    monkeypatch.setattr(guard, "refresh_summary", lambda request: runs.append(request.url.path))
    stranger = TestClient(app, base_url="http://testserver", cookies={guard.SESSION_COOKIE: "junk" * 10})
    for _ in range(3):
        response = stranger.get("/", follow_redirects=False)
        assert response.status_code in (302, 303) and "login" in response.headers["location"]
    assert runs == []
    assert admin_client.get("/").status_code == 200
    assert runs == ["/"]  # staff still see a caught-up summary


def _set_cookie_lines(response, name: str) -> list[str]:  # noqa: ANN001
    return [line for line in response.headers.get_list("set-cookie") if line.startswith(f"{name}=")]


def _attributes(line: str) -> set[str]:
    return {part.split("=")[0].strip().lower() for part in line.split(";")[1:]}


def test_console_cookies_end_with_the_browser_and_the_server_keeps_its_expiry(app, users, engine) -> None:  # noqa: ANN001
    client = TestClient(app, base_url="http://testserver")
    page = client.get("/login")
    (login_csrf,) = _set_cookie_lines(page, guard.LOGIN_CSRF_COOKIE)
    data = {"username": "ada", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
    signed_in = client.post("/login", data=data, follow_redirects=False)
    assert signed_in.status_code == 303
    (session,) = _set_cookie_lines(signed_in, guard.SESSION_COOKIE)
    for line in (login_csrf, session):
        assert {"httponly", "samesite", "path"} <= _attributes(line), line
        assert not {"max-age", "expires"} & _attributes(line), line  # a browser-session cookie
    with engine.begin() as conn:
        row = conn.execute(select(sessions.c.created_at, sessions.c.expires_at)).one()
    config = app.state.config
    assert row.expires_at - row.created_at == config.session_minutes * 60  # absolute expiry, server-side
    assert row.expires_at > time.time()
