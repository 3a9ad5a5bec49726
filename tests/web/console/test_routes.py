"""HTTP behaviour of the console: sessions, roles, CSRF, injection, audit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from tests.web.console.conftest import PASSWORD, csrf_of
from web.console.routes import PUBLIC_PATHS, ROUTES
from web.console.tables import audit_log, events, notes, reviews, tags

PROTECTED = [
    (method, route.path.replace("{sender_id:path}", "faq-1"))
    for route in ROUTES
    if route.path not in PUBLIC_PATHS
    for method in sorted(route.methods - {"HEAD"})
]
INJECTIONS = [
    "' OR '1'='1' --",
    "'; DROP TABLE events; --",
    '"; DELETE FROM console_audit; --',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "1 UNION SELECT password_hash FROM console_users",
]


def _actions(engine) -> list[str]:  # noqa: ANN001
    with engine.begin() as conn:
        return list(conn.execute(select(audit_log.c.action).order_by(audit_log.c.id)).scalars())


def _count(engine, table) -> int:  # noqa: ANN001
    with engine.begin() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_route_needs_a_session(app, samples, method: str, path: str) -> None:  # noqa: ANN001
    client = TestClient(app)
    response = client.request(method, path, follow_redirects=False, data={"csrf_token": "x"})
    if method == "GET":
        assert response.status_code == 303
        assert response.headers["location"].endswith("/login")
    else:
        assert response.status_code == 401
    client.cookies.set("console_session", "forged-token")
    assert client.request(method, path, follow_redirects=False).status_code in (303, 401)


def test_sign_in_refuses_bad_password_and_missing_csrf(app, users) -> None:  # noqa: ANN001
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    bad = client.post("/login", data={"username": "ada", "password": "nope", "csrf_token": token})
    assert bad.status_code == 401 and "Wrong username or password" in bad.text
    no_csrf = client.post("/login", data={"username": "ada", "password": PASSWORD})
    assert no_csrf.status_code == 403


def test_logout_ends_the_session(admin_client: TestClient) -> None:
    token = csrf_of(admin_client.get("/").text)
    admin_client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert admin_client.get("/", follow_redirects=False).status_code == 303


def test_reviewer_cannot_do_admin_actions(reviewer_client, samples, engine) -> None:  # noqa: ANN001
    page = reviewer_client.get("/conversations/faq-1")
    assert "Reveal original" not in page.text
    token = csrf_of(page.text)
    event_id = samples["faq-1"][0]
    reveal = reviewer_client.post("/reveal", data={"csrf_token": token, "event_id": event_id})
    assert reveal.status_code == 403 and "Liam" not in reveal.text
    assert reviewer_client.get("/audit").status_code == 403
    assert "denied" in _actions(engine)


def test_admin_reveals_one_message_and_it_is_audited(admin_client, samples, engine) -> None:  # noqa: ANN001
    page = admin_client.get("/conversations/faq-1")
    assert "Liam" not in page.text and "&lt;NAME&gt;" in page.text
    event_id = samples["faq-1"][0]
    reveal = admin_client.post("/reveal", data={"csrf_token": csrf_of(page.text),
                                                 "event_id": event_id})  # fmt: skip
    assert reveal.status_code == 200 and "my son Liam" in reveal.text
    assert "reveal" in _actions(engine)
    audit_page = admin_client.get("/audit")
    assert audit_page.status_code == 200 and f"event:{event_id}" in audit_page.text


def test_forms_without_valid_csrf_are_refused(admin_client, samples, engine) -> None:  # noqa: ANN001
    for token in (None, "", "wrong-token"):
        data = {"sender_id": "faq-1", "tag": "t", "note": "n", "reviewed": "1",
                "event_id": str(samples["faq-1"][0]), "intent": "faq/causes"}  # fmt: skip
        if token is not None:
            data["csrf_token"] = token
        for path in ("/review", "/tags", "/notes", "/correct", "/reveal", "/logout"):
            assert admin_client.post(path, data=data).status_code == 403, path
    assert _count(engine, reviews) == _count(engine, tags) == _count(engine, notes) == 0


def test_list_transcript_review_tag_note_correct_and_exports(admin_client, samples, engine) -> None:  # noqa: ANN001
    listing = admin_client.get("/")
    assert listing.status_code == 200
    assert listing.text.count('class="conversation"') == 4
    for label in ("urgent", "not understood", "out of scope", "thumbs down"):
        assert label in listing.text
    urgent = admin_client.get("/", params={"flag": "urgent"})
    assert re.findall(r'data-sender="([^"]+)"', urgent.text) == ["urgent-1"]

    page = admin_client.get("/conversations/fallback-1")
    assert "intent nlu_fallback (0.30)" in page.text
    assert "answer faq/when_does_crs_start (0.50)" in page.text
    assert "Buttons: What is CRS?" in page.text
    token = csrf_of(page.text)
    post = lambda path, **data: admin_client.post(path, data={"csrf_token": token, **data})  # noqa: E731
    assert post("/review", sender_id="fallback-1", reviewed="1").status_code == 200
    assert post("/tags", sender_id="fallback-1", tag="Needs Data").status_code == 200
    assert post("/notes", sender_id="fallback-1", note="asked about onset").status_code == 200
    fallback_event = samples["fallback-1"][0]
    assert post("/correct", event_id=str(fallback_event), intent="faq/what_is_crs").status_code == 200
    assert post("/correct", event_id=str(fallback_event), intent="faq/nope").status_code == 400
    page = admin_client.get("/conversations/fallback-1")
    assert "needs data" in page.text and "asked about onset" in page.text
    assert "corrected to faq/what_is_crs" in page.text
    assert 'id="reviewed-state">yes' in page.text
    assert re.findall(r'data-sender="([^"]+)"', admin_client.get("/", params={"reviewed": "yes"}).text) == [
        "fallback-1"
    ]

    exported = admin_client.get("/corrections.yml")
    assert "- intent: faq/what_is_crs" in exported.text and "asdf qwer zxcv" in exported.text
    csv_text = admin_client.get("/export.csv", params={"flag": "urgent"}).text
    assert "urgent-1" in csv_text and "faq-1" not in csv_text and "555-123" not in csv_text
    actions = _actions(engine)
    for action in ("login", "view_list", "view_conversation", "mark_reviewed", "add_tag",
                   "add_note", "correct", "export_nlu", "export_csv"):  # fmt: skip
        assert action in actions, action


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_in_every_filter_and_field_changes_nothing(
    admin_client,
    samples,
    engine,
    payload: str,  # noqa: ANN001
) -> None:
    before = _count(engine, events)
    for name in ("date_from", "date_to", "topic", "flag", "max_confidence", "reviewed", "q",
                 "page"):  # fmt: skip
        for path in ("/", "/export.csv"):
            response = admin_client.get(path, params={name: payload})
            assert response.status_code == 200, (name, path)
            assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert admin_client.get("/conversations/" + payload).status_code in (404, 200)
    token = csrf_of(admin_client.get("/").text)
    for path, data in (
        ("/tags", {"sender_id": "faq-1", "tag": payload}),
        ("/notes", {"sender_id": "faq-1", "note": payload}),
        ("/review", {"sender_id": payload}),
        ("/correct", {"event_id": payload, "intent": payload}),
        ("/correct", {"event_id": str(samples["faq-1"][0]), "intent": payload}),
        ("/reveal", {"event_id": payload}),
    ):
        response = admin_client.post(path, data={"csrf_token": token, **data})
        assert response.status_code < 500
        assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert _count(engine, events) == before
    page = admin_client.get("/conversations/faq-1").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert admin_client.get("/audit").status_code == 200
    assert "<script>alert" not in admin_client.get("/audit").text


def test_console_is_mounted_only_when_enabled(database_url: str) -> None:
    from web.app import create_app
    from web.settings import WebSettings

    on = TestClient(create_app(WebSettings(console_enabled=True)))
    assert on.get("/console/", follow_redirects=False).status_code == 303
    off = TestClient(create_app(WebSettings(console_enabled=False)))
    assert off.get("/console/", follow_redirects=False).status_code == 404
    assert off.get("/console/login").status_code == 404
