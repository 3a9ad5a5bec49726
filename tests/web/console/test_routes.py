"""HTTP behaviour of the console: sessions, roles, CSRF, injection, audit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from tests.web.console.conftest import PASSWORD, csrf_of
from web.console.app import PUBLIC_PATHS, ROUTES
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
    listing = admin_client.get("/conversations")
    assert listing.status_code == 200
    assert listing.text.count('class="conversation"') == 4
    for label in ("urgent", "not understood", "out of scope", "thumbs down"):
        assert label in listing.text
    urgent = admin_client.get("/conversations", params={"flag": "urgent"})
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
    reviewed = admin_client.get("/conversations", params={"reviewed": "yes"}).text
    assert re.findall(r'data-sender="([^"]+)"', reviewed) == ["fallback-1"]

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


def _mounted_console(database_url: str, **settings: object) -> tuple[Any, TestClient]:
    """The gateway with its console on the fixture's database (never var/rasa.db)."""
    from starlette.routing import Mount

    from web.app import create_app
    from web.settings import WebSettings

    app = create_app(WebSettings(console_database_url=database_url, **settings))  # type: ignore[arg-type]
    console = next((r.app for r in app.routes if isinstance(r, Mount) and r.path == "/console"), None)
    return console, TestClient(app)


def test_console_is_mounted_only_when_enabled(database_url: str) -> None:
    console, on = _mounted_console(database_url, console_enabled=True)
    assert console.state.engine.url.render_as_string(hide_password=False) == database_url
    on.cookies.set("console_session", "forged-token")  # looked up in the database
    assert on.get("/console/", follow_redirects=False).status_code == 303
    console, off = _mounted_console(database_url, console_enabled=False)
    assert console is None
    assert off.get("/console/", follow_redirects=False).status_code == 404
    assert off.get("/console/login").status_code == 404


# -- sign-in limit per address, cookies, audit without typed text -------------


def _attempt(client: TestClient, username: str, password: str, forwarded: str | None = None):  # noqa: ANN202
    token = csrf_of(client.get("/login").text)
    data = {"username": username, "password": password, "csrf_token": token}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/login", data=data, headers=headers, follow_redirects=False)


def test_sign_in_attempts_are_limited_per_address(app, users) -> None:  # noqa: ANN001
    attacker = TestClient(app, client=("198.51.100.7", 40000))
    statuses = [_attempt(attacker, "ada", f"guess {n}").status_code for n in range(10)]
    assert statuses == [401] * 10
    refused = _attempt(attacker, "ada", PASSWORD)  # even the right password: wait first
    assert refused.status_code == 429 and "Too many sign-in attempts" in refused.text
    nurse = TestClient(app, client=("198.51.100.8", 40000))
    assert _attempt(nurse, "rex", PASSWORD).status_code == 303


def test_sign_in_limit_uses_the_trusted_proxy_address(config, engine, users) -> None:  # noqa: ANN001
    from dataclasses import replace

    from web.console.app import create_console

    app = create_console(replace(config, trusted_proxies="10.0.0.1", login_rate_limit="3/minute"), engine)
    proxy = TestClient(app, client=("10.0.0.1", 40000))
    for n in range(3):  # a fake address prepended by the client changes nothing
        assert _attempt(proxy, "ada", "nope", f"203.0.113.{n}, 198.51.100.7").status_code == 401
    assert _attempt(proxy, "ada", PASSWORD, "198.51.100.7").status_code == 429
    assert _attempt(proxy, "ada", PASSWORD, "198.51.100.8").status_code == 303
    direct = TestClient(app, client=("198.51.100.9", 40000))  # not a proxy: its header is ignored
    for _ in range(3):
        _attempt(direct, "ada", "nope", "198.51.100.10")
    assert _attempt(direct, "ada", PASSWORD, "198.51.100.11").status_code == 429


def _cookie_lines(response) -> list[str]:  # noqa: ANN001
    return response.headers.get_list("set-cookie")


def test_cookies_are_secure_on_https_or_when_configured(config, engine, users) -> None:  # noqa: ANN001
    from dataclasses import replace

    from web.console.app import create_console

    def login_cookies(app, base_url: str = "http://testserver", **client: object) -> list[str]:  # noqa: ANN001
        http = TestClient(app, base_url=base_url, **client)  # type: ignore[arg-type]
        page = http.get("/login")
        signed_in = _attempt(http, "ada", PASSWORD)
        assert signed_in.status_code == 303
        return _cookie_lines(page) + _cookie_lines(signed_in)

    secure = login_cookies(create_console(config, engine), "https://testserver")
    assert secure and all("secure" in c.lower() for c in secure), secure
    plain_app = create_console(replace(config, trusted_proxies="10.0.0.1"), engine)
    plain = login_cookies(plain_app)
    assert plain and not any("secure" in c.lower() for c in plain), plain
    https = {"X-Forwarded-Proto": "https"}
    proxied = TestClient(plain_app, client=("10.0.0.1", 1)).get("/login", headers=https)
    assert "secure" in _cookie_lines(proxied)[0].lower()
    spoofed = TestClient(plain_app, client=("198.51.100.7", 1)).get("/login", headers=https)
    assert "secure" not in _cookie_lines(spoofed)[0].lower()
    forced = TestClient(create_console(replace(config, cookie_secure=True), engine)).get("/login")
    assert "secure" in _cookie_lines(forced)[0].lower()  # on plain HTTP too


def _audit_rows(engine) -> list[tuple[str, str, str, str]]:  # noqa: ANN001
    with engine.begin() as conn:
        query = select(audit_log.c.username, audit_log.c.action, audit_log.c.target, audit_log.c.detail)
        return [tuple(row) for row in conn.execute(query.order_by(audit_log.c.id))]


def test_audit_rows_hold_no_text_typed_by_staff_or_attackers(app, users, samples, engine) -> None:  # noqa: ANN001
    typed = ["my-password-typed-as-username", "liam seizure", "private tag words", "2024-02-03"]
    client = TestClient(app)
    _attempt(client, typed[0], PASSWORD)
    _attempt(client, "ada", "wrong password typed")
    assert _attempt(client, "ada", PASSWORD).status_code == 303
    client.get("/conversations", params={"q": typed[1], "date_from": typed[3], "flag": "urgent"})
    client.get("/export.csv", params={"q": typed[1]})
    token = csrf_of(client.get("/conversations/faq-1").text)
    client.post("/tags", data={"csrf_token": token, "sender_id": "faq-1", "tag": typed[2]})
    client.post("/tags", data={"csrf_token": token, "sender_id": "faq-1", "tag": typed[2], "remove": "1"})
    rows = _audit_rows(engine)
    text = repr(rows)
    for value in typed + ["wrong password typed", PASSWORD]:
        assert value not in text, value
    failed = [r for r in rows if r[1] == "login_failed"]
    assert failed == [("-", "login_failed", "", ""), ("-", "login_failed", f"user:{users['admin'].id}", "")]
    assert ("ada", "view_list", "", "filters=date_from,flag,q") in rows
    exports = [r for r in rows if r[:3] == ("ada", "export_csv", "")]
    assert exports and exports[0][3].startswith("filters=q conversations=")
    assert ("ada", "add_tag", "faq-1", "") in rows and ("ada", "remove_tag", "faq-1", "") in rows


@pytest.mark.parametrize("number", ["²", "١٢", "x", "-1", "9" * 40, "9" * 5000])
def test_a_number_that_is_not_plain_digits_is_refused_cleanly(admin_client, samples, number) -> None:  # noqa: ANN001
    assert admin_client.get("/audit", params={"page": number}).status_code == 200
    listing = admin_client.get("/", params={"page": number})
    assert listing.status_code in (200, 400)
    page = admin_client.get("/conversations/faq-1")
    reveal = admin_client.post("/reveal", data={"csrf_token": csrf_of(page.text), "event_id": number})
    assert 400 <= reveal.status_code < 500


# -- one long conversation: a part at a time --------------------------------------

ROW = re.compile(r'<tr class="(?:user|bot|feedback)" id="event-(\d+)"')
EARLIER = re.compile(r'id="earlier-messages" href="([^"]+)"')
LATER = re.compile(r'id="later-messages" href="([^"]+)"')


def _long(engine: Engine, turns: int = 750) -> list[int]:
    from tests.web.console import rasa_rows
    from web.console.services import summary

    with engine.begin() as conn:
        ids = rasa_rows.long_conversation(conn, "long-1", turns)
    summary.sync(engine)
    return ids


def _path(href: str) -> str:
    return href.replace("&amp;", "&")


def test_a_long_conversation_shows_its_latest_part_and_pages_to_its_first_message(
    admin_client: TestClient, engine: Engine
) -> None:
    from web.console.services.conversations import PART_SIZE

    ids = _long(engine)  # 1,500 messages
    page = admin_client.get("/conversations/long-1")
    assert page.status_code == 200 and len(page.content) < 400_000
    shown = [int(i) for i in ROW.findall(page.text)]
    assert shown == ids[-PART_SIZE:]
    assert "Messages 1,301–1,500 of 1,500" in page.text and "Later messages" not in page.text
    assert "750 turns" in page.text and "question 0750" in page.text and "question 0001" not in page.text
    seen, parts = shown, 1
    while found := EARLIER.search(page.text):
        page = admin_client.get(_path(found.group(1)))
        assert page.status_code == 200
        seen = [int(i) for i in ROW.findall(page.text)] + seen
        parts += 1
    assert parts == 8 and seen == ids  # every message once, in order
    assert "Messages 1–100 of 1,500" in page.text and "question 0001: my son &lt;NAME&gt;" in page.text
    assert "Liam" not in page.text
    later = admin_client.get(_path(LATER.search(page.text).group(1)))
    assert "Messages 101–300 of 1,500" in later.text


@pytest.mark.parametrize("before", ["", "abc", "-5", "0", "1.5", " 12", "²", "١٢", "9" * 40, "%00"])
def test_a_bad_part_shows_the_latest_part(admin_client, engine, before: str) -> None:  # noqa: ANN001
    _long(engine, 150)
    page = admin_client.get("/conversations/long-1", params={"before": before})
    assert page.status_code == 200
    assert "Messages 101–300 of 300" in page.text and len(ROW.findall(page.text)) == 200


def test_a_correction_returns_to_the_part_of_its_message(admin_client, engine) -> None:  # noqa: ANN001
    ids = _long(engine, 150)
    first = admin_client.get("/conversations/long-1", params={"before": str(ids[100])})
    assert "Messages 1–100 of 300" in first.text
    assert f'name="before" value="{ids[100]}"' in first.text
    response = admin_client.post(
        "/correct",
        data={
            "csrf_token": csrf_of(first.text),
            "event_id": str(ids[0]),
            "intent": "faq/causes",
            "before": str(ids[100]),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert f"before={ids[100]}" in location and location.endswith(f"#event-{ids[0]}")
    back = admin_client.get(location)
    assert "Messages 1–100 of 300" in back.text and "corrected to faq/causes" in back.text
    latest = admin_client.get("/conversations/long-1")
    assert 'name="before"' not in latest.text  # the latest part needs no anchor
