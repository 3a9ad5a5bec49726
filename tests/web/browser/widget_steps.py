"""Steps shared by the widget tests (stub Rasa) and the real-stack tests."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Locator, Page, expect

LOG = ".crs-log"


def open_chat(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(".crs-input")).to_be_visible()
    # The welcome message is rendered by the widget itself.
    expect(page.locator(f"{LOG} .crs-msg--bot").first).to_contain_text("care team")


def bot_messages(page: Page) -> Locator:
    return page.locator(f"{LOG} .crs-msg--bot")


def user_messages(page: Page) -> Locator:
    return page.locator(f"{LOG} .crs-msg--user")


def ask(page: Page, text: str) -> Locator:
    """Type a question, press Enter, and return the newest bot message."""
    before = bot_messages(page).count()
    page.locator(".crs-input").fill(text)
    page.locator(".crs-input").press("Enter")
    wait_for_answer(page, before)
    return bot_messages(page).last


def wait_for_answer(page: Page, before: int) -> None:
    """Wait until the widget is idle again with more bot messages than `before`."""
    page.wait_for_function(
        """(before) => document.querySelector(".crs-panel").getAttribute("aria-busy") !== "true"
            && document.querySelectorAll(".crs-log .crs-msg--bot").length > before""",
        arg=before,
        timeout=30_000,
    )


STORAGE_PREFIX = "crs-chat:v1:"


def stored_state(page: Page) -> dict[str, Any] | None:
    """What the widget keeps in sessionStorage (its one key), or None when nothing is kept."""
    raw = page.evaluate(
        """(prefix) => {
            const key = Object.keys(sessionStorage).find(k => k.startsWith(prefix));
            return key === undefined ? null : sessionStorage.getItem(key);
        }""",
        STORAGE_PREFIX,
    )
    return None if raw is None else dict(json.loads(raw))


def sender_id(page: Page) -> str:
    """The stored conversation's sender id; "" when nothing is stored (after Start over)."""
    state = stored_state(page)
    return str(state["sender"]) if state else ""
