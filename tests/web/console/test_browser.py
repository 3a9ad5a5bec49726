"""Playwright drives Debian's Chromium through sign-in, filter, review and CSV export (the
conversation list is at /console/conversations; /console/ is the review queue)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from webtest_support import ServerThread

from tests.web.console import rasa_rows
from tests.web.console.conftest import PASSWORD
from web.console import migrate
from web.console.app import create_console
from web.console.config import ConsoleConfig
from web.console.db import make_engine
from web.console.services import auth

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture
def console_url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        rasa_rows.create_events_table(conn)
        rasa_rows.sample_conversations(conn)
        auth.create_user(conn, "nurse", PASSWORD, "reviewer")
    app = Starlette(routes=[Mount("/console", create_console(ConsoleConfig(url), engine))])
    server = ServerThread(app).start()
    yield server.url + "/console"
    server.stop()
    engine.dispose()


@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="needs Debian's chromium")
def test_sign_in_filter_urgent_open_mark_reviewed_export_csv(console_url: str, tmp_path) -> None:  # noqa: ANN001
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(accept_downloads=True).new_page()
        page.goto(console_url + "/")
        expect(page).to_have_url(console_url + "/login")
        page.get_by_label("Username").fill("nurse")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
        expect(page.locator("tr.conversation")).to_have_count(4)
        nav = page.get_by_role("navigation", name="Console")
        nav.get_by_role("link", name="Conversations").click()
        expect(page).to_have_url(console_url + "/conversations")
        expect(page.get_by_role("heading", name="Conversations")).to_be_visible()
        expect(page.locator("tr.conversation")).to_have_count(4)

        page.get_by_label("Flag").select_option("urgent")
        page.get_by_role("button", name="Apply").click()
        rows = page.locator("tr.conversation")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("urgent")

        rows.first.get_by_role("link").click()
        expect(page.get_by_role("heading", name="Conversation")).to_contain_text("urgent-1")
        expect(page.get_by_text("having a seizure call <PHONE>")).to_be_visible()
        page.get_by_role("button", name="Mark reviewed", exact=True).click()
        expect(page.locator("#reviewed-state")).to_have_text("yes")

        nav.get_by_role("link", name="Conversations").click()
        page.get_by_label("Flag").select_option("urgent")
        page.get_by_role("button", name="Apply").click()
        expect(page.locator("tr.conversation").first).to_contain_text("yes")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Export these as CSV").click()
        target = tmp_path / "export.csv"
        download_info.value.save_as(target)
        text = target.read_text(encoding="utf-8")
        assert text.startswith('"conversation_id","time","sender","text"')
        assert "urgent-1" in text and "faq-1" not in text and "555-123" not in text
        browser.close()
