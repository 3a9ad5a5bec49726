"""The console's pages in Debian's Chromium at desktop (1280 px) and phone (375 px) widths:
axe-core finds no WCAG 2.1 A/AA violation, no page scrolls sideways on a phone, and the
review queue is worked through with "Mark reviewed and open the next", most pressing first.
Screenshots go to artifacts/screenshots/console-*.png."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import run_axe, screenshot
from sqlalchemy import Connection, insert
from starlette.applications import Starlette
from starlette.routing import Mount
from webtest_support import ServerThread

from tests.web.console.conftest import PASSWORD
from tests.web.console.rasa_rows import action, bot, create_events_table, insert_rows, user
from web.console import migrate
from web.console.app import create_console
from web.console.config import ConsoleConfig
from web.console.db import make_engine
from web.console.services import auth, reviews
from web.console.tables import alerts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("/usr/bin/chromium") is None, reason="needs Debian's chromium"),
]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
WIDTHS = {"1280": {"width": 1280, "height": 900}, "375": {"width": 375, "height": 812}}
MINUTE, HOUR, DAY = 60, 3600, 86400
DOWN = [{"entity": "feedback_value", "value": "down"}]
LONG = ("my son Liam had his car t cells infused on monday and since this morning he has a "
        "fever of 38.4 and he is very tired, is this crs and what should we watch for tonight "
        "before we can reach the team")  # fmt: skip

# The review queue's order: urgent reports, thumbs down, not understood or low
# confidence, then the rest; newest first within each.
QUEUE = ["urgent-new", "urgent-old", "thumbs-1", "fallback-1", "lowconf-1", "faq-long", "oos-1"]


def _conversations(now: float) -> dict[str, list[dict[str, Any]]]:
    return {
        "thumbs-1": [  # the newest, yet after both urgent reports
            user("thumbs-1", "what is crs?", "faq", 0.97, "faq/what_is_crs", 0.93, ts=now - 2 * MINUTE),
            bot("thumbs-1", "CRS is a side effect... call your care team.", ts=now - 2 * MINUTE + 1),
            user("thumbs-1", '/feedback{"feedback_value":"down"}', "feedback", 1.0, entities=DOWN,
                 ts=now - 2 * MINUTE + 30),
        ],
        "urgent-new": [
            user("urgent-new", "she is having a seizure call 555-123-4567", "report_urgent_symptom",
                 0.99, ts=now - 10 * MINUTE),
            action("urgent-new", "utter_urgent", ts=now - 10 * MINUTE + 1),
            bot("urgent-new", "Call 911 now and your care team.", ts=now - 10 * MINUTE + 1),
        ],
        "faq-long": [
            user("faq-long", LONG, "faq", 0.95, "faq/when_does_crs_start", 0.9, ts=now - 40 * MINUTE),
            bot("faq-long", "CRS usually starts within days...", ts=now - 40 * MINUTE + 1),
            user("faq-long", "how long does it last", "faq", 0.93, "faq/recovery_time", 0.9,
                 ts=now - 39 * MINUTE),
            bot("faq-long", "Most children recover within a week...", ts=now - 39 * MINUTE + 1),
            user("faq-long", "is it dangerous", "faq", 0.91, "faq/is_crs_dangerous", 0.88,
                 ts=now - 38 * MINUTE),
        ],
        "fallback-1": [
            user("fallback-1", "asdf qwer zxcv", "nlu_fallback", 0.3, ts=now - 3 * HOUR),
            action("fallback-1", "action_two_stage_fallback", ts=now - 3 * HOUR + 1),
            bot("fallback-1", "Sorry, did you mean...? Or ask your care team.", ts=now - 3 * HOUR + 1,
                buttons=[{"title": "What is CRS?", "payload": "/faq/what_is_crs"}]),
        ],
        "oos-1": [
            user("oos-1", "what is the weather tomorrow", "out_of_scope", 0.9, ts=now - 5 * HOUR),
            bot("oos-1", "I can only answer questions about CRS.", ts=now - 5 * HOUR + 1),
        ],
        "urgent-old": [
            user("urgent-old", "he cannot breathe properly", "report_urgent_symptom", 0.98,
                 ts=now - DAY),  # whole days back: "yesterday" whatever the time of day
            action("urgent-old", "utter_urgent", ts=now - DAY + 1),
            bot("urgent-old", "Call 911 now and your care team.", ts=now - DAY + 1),
        ],
        "lowconf-1": [
            user("lowconf-1", "steroid thing for the swelling?", "faq", 0.45, "faq/steroids", 0.4,
                 ts=now - 3 * DAY),
            bot("lowconf-1", "Steroids can be used...", ts=now - 3 * DAY + 1),
        ],
        "reviewed-1": [  # reviewed already: in the list, not in the queue
            user("reviewed-1", "what are cytokines", "faq", 0.96, "faq/what_are_cytokines", 0.95,
                 ts=now - 6 * DAY),
            bot("reviewed-1", "Cytokines are messengers...", ts=now - 6 * DAY + 1),
        ],
    }  # fmt: skip


def _alert(event_id: int, status: str, attempts: int, result: str, now: float) -> dict[str, Any]:
    retry_at = now + 60 if status == "pending" else None
    return {"event_id": event_id, "sender_id": "urgent-new", "reported_at": now - 10 * MINUTE,
            "created_at": now - 10 * MINUTE, "kind": "report", "level": "emergency", "categories": "seizure",
            "status": status, "attempts": attempts, "next_attempt_at": retry_at, "lease_until": None,
            "last_attempt_at": now - 9 * MINUTE, "last_result": result,
            "delivered_at": now - 9 * MINUTE if status == "delivered" else None}  # fmt: skip


def _fill(conn: Connection, now: float) -> None:
    create_events_table(conn)
    ids = {sender: insert_rows(conn, rows) for sender, rows in _conversations(now).items()}
    # The urgent report's staff alerts in each state the conversation page shows.
    first = ids["urgent-new"][0]
    conn.execute(insert(alerts), [_alert(first, "delivered", 2, "HTTP 200", now),
                                  _alert(first + 10_000, "failed", 12, "timed out", now),
                                  _alert(first + 10_001, "pending", 3, "HTTP 502", now)])  # fmt: skip
    reviews.set_reviewed(conn, "reviewed-1", True, "ada")
    reviews.add_tag(conn, "reviewed-1", "good answer", "ada")
    auth.create_user(conn, "ada", PASSWORD, "admin")
    auth.create_user(conn, "nurse", PASSWORD, "reviewer")


@pytest.fixture
def console_url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        _fill(conn, time.time())
    app = Starlette(routes=[Mount("/console", create_console(ConsoleConfig(url), engine))])
    server = ServerThread(app).start()
    yield server.url + "/console"
    server.stop()
    engine.dispose()


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _sign_in(page: Any, console_url: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(console_url + "/")
    expect(page).to_have_url(console_url + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()


def _check(page: Any, name: str, width: str) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations (returned), no sideways scrolling on a phone, a
    screenshot."""
    violations = run_axe(page)
    if width == "375":
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{name} at {width}px scrolls sideways: {scroll} > {inner}: {_too_wide(page)}"
    screenshot(page, f"console-{name}-{width}")
    return [{"page": name, "width": width, **v} for v in violations]


TOO_WIDE_JS = """() => [...document.querySelectorAll("body *")]
    .map(e => [e, Math.round(e.getBoundingClientRect().right)])
    .filter(([e, right]) => right > window.innerWidth)
    .slice(0, 8).map(([e, right]) => `${e.tagName.toLowerCase()}.${e.className} ${right}`)"""


def _too_wide(page: Any) -> list[str]:
    """The elements that reach past the right edge of the window, for a failure message."""
    return list(page.evaluate(TOO_WIDE_JS))


def _urgent_count(page: Any) -> int:
    return int(page.locator("#urgent-unreviewed").get_attribute("data-count"))


def test_every_page_at_desktop_and_phone_widths_passes_axe(browser: Any, console_url: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=WIDTHS["1280"])
    page = context.new_page()
    page.goto(console_url + "/login")
    found: list[dict[str, Any]] = []
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.goto(console_url + "/login")
        found += _check(page, "login", width)
    _sign_in(page, console_url, "ada")
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)

        page.goto(console_url + "/")
        rows = page.locator("tr.conversation")
        expect(rows).to_have_count(len(QUEUE))
        assert [r.get_attribute("data-sender") for r in rows.all()] == QUEUE
        expect(rows.first.locator(".reason")).to_have_text("urgent report")
        expect(rows.nth(2).locator(".reason")).to_have_text("thumbs down")
        expect(rows.nth(3).locator(".reason")).to_have_text("not understood or low confidence")
        expect(rows.first.locator("time")).to_have_text(re.compile(r"^1\d minutes ago$"))
        expect(rows.nth(1).locator("time")).to_have_text("yesterday")
        expect(rows.nth(4).locator("time")).to_have_text("3 days ago")
        first_time = rows.first.locator("time")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", first_time.get_attribute("title"))
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first_time.get_attribute("datetime"))
        expect(rows.first).to_contain_text("she is having a seizure call <PHONE>")
        expect(page.locator("#urgent-unreviewed")).to_have_text("2 unreviewed urgent reports")
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        nav = page.get_by_role("navigation", name="Console")
        expect(nav.get_by_role("link", name="Audit log")).to_be_visible()
        found += _check(page, "queue", width)

        nav.get_by_role("link", name="Conversations").click()
        expect(page.get_by_role("heading", name="Conversations")).to_be_visible()
        long_row = page.locator('tr[data-sender="faq-long"]')
        expect(long_row).to_contain_text("3 turns")
        expect(long_row).to_contain_text("When does CRS start?")
        expect(long_row).to_contain_text("my son <NAME> had his car t cells")
        preview = long_row.locator("a.preview")
        clamped = preview.evaluate("e => e.scrollHeight > e.clientHeight + 1")
        assert clamped, "a long first message is cut to two lines"
        expect(page.locator('tr[data-sender="oos-1"]')).to_contain_text("1 turn")
        expect(page.locator('tr[data-sender="oos-1"] .flag')).to_have_text("out of scope")
        expect(page.locator('tr[data-sender="reviewed-1"]')).to_contain_text("good answer")
        found += _check(page, "list", width)

        page.locator('tr[data-sender="urgent-new"] a.preview').click()
        expect(page.get_by_role("heading", name="Conversation")).to_contain_text("urgent-new")
        expect(page.locator(".facts")).to_contain_text("1 turn")
        assert "1 turns" not in page.locator(".facts").inner_text()
        expect(page.locator("#review-next")).to_have_text("Mark reviewed and open the next")
        staff_alerts = page.get_by_role("region", name="Staff alerts").locator("li")
        expect(staff_alerts).to_have_count(3)
        expect(staff_alerts.nth(0)).to_contain_text("Delivered")
        expect(staff_alerts.nth(0)).to_contain_text("after 2 tries (HTTP 200)")
        expect(staff_alerts.nth(1)).to_contain_text("Not delivered after 12 tries; last: timed out")
        expect(staff_alerts.nth(2)).to_contain_text("Retrying: 3 tries so far, last HTTP 502")
        expect(staff_alerts.nth(0)).to_contain_text("Urgent report (emergency signs): seizure")
        found += _check(page, "conversation", width)

        page.goto(console_url + "/conversations/faq-long")
        expect(page.locator(".facts")).to_contain_text("3 turns")
        found += _check(page, "conversation-long", width)

        nav.get_by_role("link", name="Insights").click()
        expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
        found += _check(page, "insights", width)

        page.get_by_role("link", name="Audit log").click()
        expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
        found += _check(page, "audit", width)
    context.close()
    assert found == [], found


def test_mark_reviewed_and_open_the_next_goes_through_the_queue_in_order(
    browser: Any, console_url: str
) -> None:
    from playwright.sync_api import expect

    page = browser.new_context(viewport=WIDTHS["375"]).new_page()
    _sign_in(page, console_url, "nurse")
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    assert _urgent_count(page) == 2
    page.locator("tr.conversation").first.get_by_role("link").click()
    seen, urgent_counts = [], []
    for expected in QUEUE:
        expect(page).to_have_url(re.compile(re.escape(f"/conversations/{expected}") + "$"))
        seen.append(expected)
        urgent_counts.append(_urgent_count(page))
        last = expected == QUEUE[-1]
        button = page.locator("#review-next")
        expect(button).to_have_text(
            "Mark reviewed and go back to the queue" if last else "Mark reviewed and open the next"
        )
        button.click()
    assert seen == QUEUE
    # The header's count drops once each urgent report is reviewed.
    assert urgent_counts == [2, 1, 0, 0, 0, 0, 0]
    expect(page).to_have_url(console_url + "/?done=1")
    expect(page.locator("#all-caught-up")).to_have_attribute("role", "status")
    expect(page.locator("#all-caught-up")).to_contain_text("All caught up")
    expect(page.locator("tr.conversation")).to_have_count(0)
    expect(page.locator("#urgent-unreviewed")).to_have_text("No unreviewed urgent reports")
    violations = _check(page, "queue-done", "375")
    assert violations == [], violations
    page.get_by_role("link", name="Conversations").click()
    reviewed = page.locator("tr.conversation .cell-reviewed")
    expect(reviewed).to_have_count(len(QUEUE) + 1)
    assert {t.strip() for t in reviewed.all_text_contents()} == {"yes"}
