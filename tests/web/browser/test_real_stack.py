"""The widget against the real stack: action server + Rasa (trained model) + gateway,
started by launcher/stack.py. Skipped when there is no trained model, unless
CRS_REQUIRE_REAL_STACK=1 (CI sets it after training), in which case that is a failure."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from widget_steps import LOG, ask, bot_messages, open_chat, sender_id, user_messages, wait_for_answer

from assistant import project_files

pytestmark = pytest.mark.realstack

ROOT = Path(__file__).resolve().parents[3]
VAGUE = ["hmm", "stuff", "the thing with the blood", "medicine", "is it bad", "asdf"]


@pytest.fixture(scope="module")
def stack() -> Iterator[Any]:
    try:
        from launcher.stack import MODEL, StackOptions, start_stack
    except ImportError:
        pytest.skip("launcher/stack.py is missing")
    if not Path(MODEL).exists():
        message = f"no trained model at {MODEL}: run the project's train step first"
        if os.environ.get("CRS_REQUIRE_REAL_STACK") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with tempfile.TemporaryDirectory(prefix="crs-web-realstack-") as tmp:
        logs = Path(tmp) / "logs"
        logs.mkdir()
        with start_stack(
            StackOptions(
                database_url=f"sqlite:///{tmp}/rasa.db",
                extra_env={"CRS_RATE_LIMIT": "600/minute", "CRS_CARE_TEAM_PHONE": "+1 555 0100"},
                log_dir=logs,
            )
        ) as running:
            yield running


@pytest.fixture()
def url(stack: Any) -> str:
    return str(stack.gateway_url)


def test_ask_a_question_and_see_the_answer(page: Page, url: str) -> None:
    open_chat(page, url)
    answer = ask(page, "what is crs")
    expect(answer).to_contain_text("care team")
    expect(answer).to_contain_text("cytokine", ignore_case=True)
    assert page.watch.errors == []  # type: ignore[attr-defined]


def test_click_a_quick_reply(page: Page, url: str) -> None:
    open_chat(page, url)
    for text in VAGUE:
        answer = ask(page, text)
        if answer.locator(".crs-quick__button").count():
            break
    else:
        pytest.fail(f"no reply with quick-reply buttons for any of {VAGUE}")
    button = answer.locator(".crs-quick__button").first
    title = button.inner_text()
    before = bot_messages(page).count()
    button.click()
    wait_for_answer(page, before)
    expect(user_messages(page).last).to_contain_text(title)
    expect(bot_messages(page).last).to_contain_text("care team")


def test_give_feedback(page: Page, url: str) -> None:
    open_chat(page, url)
    answer = ask(page, "how long does crs last")
    message_id = answer.get_attribute("data-id")
    before = bot_messages(page).count()
    page.locator(f'[data-id="{message_id}"] [data-value="down"]').click()
    wait_for_answer(page, before)
    expect(page.locator(f'[data-id="{message_id}"] [data-value="down"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(bot_messages(page).last).to_contain_text("care team")


def test_reload_keeps_the_conversation_then_start_over(page: Page, url: str) -> None:
    open_chat(page, url)
    ask(page, "what are cytokines")
    sender = sender_id(page)
    page.reload()
    expect(user_messages(page)).to_have_text(["You said: what are cytokines"])
    assert sender_id(page) == sender
    page.get_by_role("button", name="Start over").click()
    expect(user_messages(page)).to_have_count(0)
    assert sender_id(page) != sender


def test_html_and_script_are_shown_as_text(page: Page, url: str) -> None:
    open_chat(page, url)
    for payload in ('<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>"):
        answer = ask(page, payload)
        expect(user_messages(page).last).to_contain_text(payload)
        expect(answer).to_contain_text("care team")
    assert page.locator(f"{LOG} img, {LOG} script").count() == 0
    assert page.evaluate("window.__xss") is None
    assert page.watch.dialogs == []  # type: ignore[attr-defined]


def test_keyboard_only_send(page: Page, url: str) -> None:
    open_chat(page, url)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('crs-input')"):
            break
    page.keyboard.type("what is blinatumomab")
    page.keyboard.press("Enter")
    wait_for_answer(page, 1)
    expect(bot_messages(page).last).to_contain_text("care team")


def test_urgent_report_stands_out(page: Page, url: str) -> None:
    open_chat(page, url)
    answer = ask(page, "his temp is 39.5 and he's confused, is that CRS?")
    expect(answer).to_have_class("crs-msg crs-msg--bot crs-msg--urgent")
    expect(answer.locator("a[href^='tel:']").first).to_be_visible()


def _related_buttons(key: str) -> list[dict[str, str]]:
    """The related-topic buttons the domain gives `utter_faq/<key>` (none if it has none yet)."""
    domain = project_files.domain()
    variants = (domain.get("responses") or {}).get(f"utter_faq/{key}") or [{}]
    return list(variants[0].get("buttons") or [])


def test_tap_a_welcome_topic_then_a_related_topic(page: Page, url: str) -> None:
    open_chat(page, url)
    page.locator(LOG).get_by_role("button", name="What is CRS?").click()
    wait_for_answer(page, 1)
    answer = bot_messages(page).nth(1)  # after the welcome; a locator, so not `.last`
    expect(user_messages(page)).to_have_text(["You said: What is CRS?"])
    expect(answer).to_contain_text("cytokine", ignore_case=True)
    expect(answer).to_contain_text("care team")
    related = _related_buttons("what_is_crs")
    expect(answer.locator(".crs-quick__button")).to_have_text([b["title"] for b in related])
    if related:
        before = bot_messages(page).count()
        answer.get_by_role("button", name=related[0]["title"]).click()
        wait_for_answer(page, before)
        expect(user_messages(page).last).to_have_text(f"You said: {related[0]['title']}")
        expect(bot_messages(page).last).to_contain_text("care team")
        expect(answer.locator(".crs-quick")).to_have_count(0)


def test_zz_error_state_when_rasa_is_stopped(page: Page, url: str, stack: Any) -> None:
    # Last in the module: Rasa stays stopped until the stack is torn down.
    open_chat(page, url)
    stack.stop_rasa()
    page.locator(".crs-input").fill("are you still there?")
    page.locator(".crs-input").press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("cannot be reached", timeout=30_000)
    expect(alert).to_contain_text("care team")
    expect(page.locator(".crs-input")).to_have_value("are you still there?")
