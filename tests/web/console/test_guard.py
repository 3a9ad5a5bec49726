"""What the console does before it knows who is asking: nothing that writes."""

from __future__ import annotations

from starlette.testclient import TestClient

from web.console import guard


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
