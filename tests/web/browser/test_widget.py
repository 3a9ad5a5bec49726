"""The widget in Chromium against the gateway and a stub Rasa: every parent-facing behaviour."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from conftest import IDS, gateway_settings
from playwright.sync_api import Browser, Locator, Page, Route, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route as StarletteRoute
from webtest_support import RELATED_BUTTONS, ServerThread, StubRasa
from widget_steps import (
    LOG,
    STORAGE_PREFIX,
    ask,
    bot_messages,
    open_chat,
    sender_id,
    stored_state,
    user_messages,
    wait_for_answer,
)

from assistant.settings import get_settings
from assistant.topics import TOPIC_TITLES
from web.app import create_app
from web.chat.topics import WELCOME_TOPIC_KEYS

XSS_IMG = '<img src=x onerror="window.__xss=1;alert(1)">'
XSS_SCRIPT = "<script>window.__xss=2;alert(2)</script>"


def test_ask_a_question_and_see_the_answer(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    answer = ask(page, "What is CRS?")
    expect(answer).to_contain_text("You asked: What is CRS?")
    expect(answer).to_contain_text("care team")
    expect(user_messages(page)).to_have_text(["You said: What is CRS?"])
    expect(answer.locator(".crs-feedback button")).to_have_count(2)
    assert page.watch.errors == []  # type: ignore[attr-defined]


def test_quick_reply_sends_the_payload(page: Page, gateway_url: str, stub_rasa: StubRasa) -> None:
    open_chat(page, gateway_url)
    ask(page, "show me options")
    before = bot_messages(page).count()
    page.get_by_role("button", name="What is CRS?").click()
    wait_for_answer(page, before)
    expect(user_messages(page).last).to_contain_text("What is CRS?")
    assert stub_rasa.received[-1]["message"] == "what is crs"


def test_feedback_thumbs(page: Page, gateway_url: str, stub_rasa: StubRasa) -> None:
    open_chat(page, gateway_url)
    answer = ask(page, "What is CRS?")
    message_id = answer.get_attribute("data-id")
    answer = page.locator(f'[data-id="{message_id}"]')
    helpful = answer.get_by_role("button", name="Helpful", exact=True)
    helpful.click()
    expect(helpful).to_have_attribute("aria-pressed", "true")
    expect(bot_messages(page).last).to_contain_text("Thank you for your feedback")
    assert stub_rasa.received[-1]["message"] == '/feedback{"feedback_value":"up"}'
    assert stub_rasa.received[-1]["metadata"] == {"rated_message_id": message_id}
    # The rating survives a reload.
    page.reload()
    expect(page.locator(f'[data-id="{message_id}"] [data-value="up"]')).to_have_attribute(
        "aria-pressed", "true"
    )


def test_reload_keeps_the_conversation(page: Page, gateway_url: str, stub_rasa: StubRasa) -> None:
    open_chat(page, gateway_url)
    ask(page, "first question")
    sender = sender_id(page)
    page.reload()
    expect(user_messages(page)).to_have_text(["You said: first question"])
    expect(bot_messages(page)).to_have_count(2)
    assert sender_id(page) == sender
    ask(page, "second question")
    assert {m["sender"] for m in stub_rasa.received} == {IDS.open(sender)}


@pytest.mark.parametrize(
    "stored",
    ["3f2b9c1e-1234-4a5b-9c8d-0123456789ab", IDS.issue()[:-2] + "xx"],
    ids=["chosen-by-an-older-widget", "not-issued-here"],
)
def test_a_conversation_the_gateway_did_not_issue_starts_anew_and_loses_nothing(
    page: Page, gateway_url: str, stub_rasa: StubRasa, stored: str
) -> None:
    open_chat(page, gateway_url)
    ask(page, "first question")
    page.evaluate(
        """([prefix, sender]) => {
            const key = Object.keys(sessionStorage).find(k => k.startsWith(prefix));
            const state = JSON.parse(sessionStorage.getItem(key));
            state.sender = sender;
            sessionStorage.setItem(key, JSON.stringify(state));
        }""",
        [STORAGE_PREFIX, stored],
    )
    page.reload()
    ask(page, "my son is hard to wake")
    expect(page.locator(".crs-error--on")).to_have_count(0)
    token = sender_id(page)
    assert token != stored and IDS.sender_of(token) is not None
    assert [m["message"] for m in stub_rasa.received] == ["first question", "my son is hard to wake"]
    assert stub_rasa.received[-1]["sender"] == IDS.open(token)


def test_start_over_begins_a_new_conversation(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    ask(page, "a question")
    old = sender_id(page)
    page.get_by_role("button", name="Start over").click()
    expect(user_messages(page)).to_have_count(0)
    expect(bot_messages(page)).to_have_count(1)
    expect(page.locator(".crs-input")).to_be_focused()
    assert sender_id(page) != old
    page.reload()
    expect(user_messages(page)).to_have_count(0)


# ---- the saved conversation: kept in the tab for a while after the last message -------------


def set_last_activity(page: Page, hours_ago: float | None) -> None:
    """Make the stored conversation's last message `hours_ago` old (None: an old-format record
    without a time, as stored before transcripts expired)."""
    page.evaluate(
        """([prefix, hoursAgo]) => {
            const key = Object.keys(sessionStorage).find(k => k.startsWith(prefix));
            const state = JSON.parse(sessionStorage.getItem(key));
            if (hoursAgo === null) delete state.lastActivity;
            else state.lastActivity = Date.now() - hoursAgo * 3600 * 1000;
            sessionStorage.setItem(key, JSON.stringify(state));
        }""",
        [STORAGE_PREFIX, hours_ago],
    )


def test_the_page_says_how_long_the_chat_is_saved(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    expect(page.locator(".crs-saved")).to_have_text(
        "This chat is kept in this browser tab until you close it, and for at most 24 hours after your last "
        "message. Start over clears it."
    )
    expect(page.locator("#privacy-heading + p")).to_contain_text("24 hours after your last message")


@pytest.mark.parametrize("hours_ago", [25, None], ids=["idle-25h", "no-time"])
def test_an_idle_conversation_is_deleted_on_load(
    page: Page, gateway_url: str, hours_ago: float | None
) -> None:
    open_chat(page, gateway_url)
    ask(page, "a private question")
    old = sender_id(page)
    set_last_activity(page, hours_ago)
    page.reload()
    expect(bot_messages(page)).to_have_count(1)  # the welcome only
    expect(user_messages(page)).to_have_count(0)
    expect(page.locator(LOG)).not_to_contain_text("a private question")
    assert stored_state(page) is None
    ask(page, "a new question")
    state = stored_state(page)
    assert state is not None and state["sender"] != old
    assert [e["text"] for e in state["transcript"] if e["role"] == "user"] == ["a new question"]


def test_a_recent_conversation_is_kept(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    ask(page, "a recent question")
    sender = sender_id(page)
    set_last_activity(page, 23)
    page.reload()
    expect(user_messages(page)).to_have_text(["You said: a recent question"])
    assert sender_id(page) == sender
    # A new message restarts the clock.
    ask(page, "another question")
    state = stored_state(page)
    assert state is not None
    assert abs(state["lastActivity"] - page.evaluate("Date.now()")) < 60_000


def test_a_new_tab_and_the_device_storage_hold_nothing(browser: Browser, gateway_url: str) -> None:
    """The conversation lives in the tab (sessionStorage): another tab does not see it, and
    localStorage, which outlives the tab, holds nothing; one an earlier version left there goes."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(gateway_url)
        page.evaluate(
            """(key) => localStorage.setItem(key, JSON.stringify(
                {sender: "old", transcript: [{role: "user", text: "left by an old version"}],
                 open: true, lastActivity: Date.now()}))""",
            STORAGE_PREFIX + gateway_url.rstrip("/"),
        )
        open_chat(page, gateway_url)
        expect(page.locator(LOG)).not_to_contain_text("left by an old version")
        ask(page, "a private question")
        assert stored_state(page) is not None
        assert page.evaluate("Object.keys(localStorage).length") == 0
        other = context.new_page()
        open_chat(other, gateway_url)
        expect(user_messages(other)).to_have_count(0)
        expect(other.locator(LOG)).not_to_contain_text("a private question")
    finally:
        context.close()


def test_an_open_tab_deletes_the_conversation_once_idle(page: Page, gateway_url: str) -> None:
    page.clock.install()
    open_chat(page, gateway_url)
    ask(page, "a private question")
    page.clock.fast_forward("23:50:00")
    page.clock.run_for(2 * 60 * 1000)  # two of the widget's one-minute checks, at 23 h 52 min
    expect(user_messages(page)).to_have_text(["You said: a private question"])
    page.clock.run_for(10 * 60 * 1000)  # past 24 h, with no reload and the page never hidden
    expect(user_messages(page)).to_have_count(0)
    expect(page.locator(LOG)).not_to_contain_text("a private question")
    assert stored_state(page) is None


def test_the_server_sets_how_long_the_chat_is_saved(page: Page, stub_rasa: StubRasa) -> None:
    settings = gateway_settings(rasa_url=stub_rasa.url, transcript_ttl_hours=2)  # type: ignore[attr-defined]
    server = ServerThread(create_app(settings)).start()
    try:
        _saved_for_two_hours(page, server.url)
    finally:
        server.stop()


def _saved_for_two_hours(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    expect(page.locator(".crs-saved")).to_contain_text("for at most 2 hours after")
    ask(page, "a question")
    set_last_activity(page, 1)
    page.reload()
    expect(user_messages(page)).to_have_count(1)
    set_last_activity(page, 3)
    page.reload()
    expect(user_messages(page)).to_have_count(0)
    assert stored_state(page) is None


def test_a_tab_left_open_clears_an_idle_conversation(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    ask(page, "a question on a shared tablet")
    page.clock.set_fixed_time(datetime.now() + timedelta(hours=25))
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(user_messages(page)).to_have_count(0)
    expect(bot_messages(page)).to_have_count(1)
    assert stored_state(page) is None


def test_start_over_deletes_the_stored_conversation(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    ask(page, "a question")
    state = stored_state(page)
    assert state is not None and len(state["transcript"]) == 2
    page.get_by_role("button", name="Start over").click()
    expect(user_messages(page)).to_have_count(0)
    assert stored_state(page) is None
    page.reload()
    expect(user_messages(page)).to_have_count(0)
    assert stored_state(page) is None


def test_start_over_in_the_floating_widget_deletes_the_stored_conversation(
    page: Page, gateway_url: str
) -> None:
    page.goto(gateway_url + "/static/embed-example.html")
    page.get_by_role("button", name="Ask about CRS").click()
    ask(page, "hello from an embedded page")
    expect(page.locator(".crs-saved")).to_contain_text("24 hours")
    page.get_by_role("button", name="Start over").click()
    expect(user_messages(page)).to_have_count(0)
    assert stored_state(page) is None
    expect(page.locator(".crs-input")).to_be_focused()


def test_html_and_script_are_shown_as_text(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    for payload in (XSS_IMG, XSS_SCRIPT):
        answer = ask(page, payload)
        expect(user_messages(page).last).to_contain_text(payload)
        expect(answer).to_contain_text(payload)  # the stub bot echoes it back
    page.reload()
    expect(user_messages(page)).to_have_count(2)
    assert page.locator(f"{LOG} img, {LOG} script").count() == 0
    assert page.evaluate("window.__xss") is None
    assert page.watch.dialogs == []  # type: ignore[attr-defined]


def test_links_in_bot_text_are_clickable_and_safe(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    answer = ask(page, "send a link")
    link = answer.locator("a", has_text="https://example.org/crs")
    expect(link).to_have_attribute("href", "https://example.org/crs")
    expect(link).to_have_attribute("rel", "noopener noreferrer")


def test_keyboard_only_send(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    page.locator("body").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('crs-input')"):
            break
    expect(page.locator(".crs-input")).to_be_focused()
    page.keyboard.type("typed with the keyboard")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second line")
    page.keyboard.press("Enter")
    wait_for_answer(page, 1)
    expect(user_messages(page).last).to_contain_text("typed with the keyboard\nsecond line")


def test_error_state_keeps_the_message(page: Page, gateway_url: str, stub_rasa: StubRasa) -> None:
    open_chat(page, gateway_url)
    stub_rasa.mode = "error"
    page.locator(".crs-input").fill("is this lost?")
    page.locator(".crs-input").press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("cannot be reached")
    expect(alert).to_contain_text("care team")
    expect(page.locator(".crs-input")).to_have_value("is this lost?")
    expect(user_messages(page)).to_have_count(0)
    stub_rasa.mode = "normal"
    before = bot_messages(page).count()
    page.locator(".crs-input").press("Enter")
    wait_for_answer(page, before)
    expect(alert).to_be_hidden()
    expect(user_messages(page)).to_have_text(["You said: is this lost?"])


def test_error_when_rasa_is_down(page: Page, down_gateway_url: str) -> None:
    open_chat(page, down_gateway_url)
    page.locator(".crs-input").fill("hello")
    page.get_by_role("button", name="Send").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("cannot be reached")
    expect(alert).to_contain_text("In an emergency, call 911 now.")
    expect(alert).to_contain_text("contact your child's care team")
    expect(alert.get_by_role("link", name="Call 911 (emergency)")).to_have_attribute("href", "tel:911")
    expect(page.locator(".crs-input")).to_have_value("hello")
    expect(user_messages(page)).to_have_count(0)


def test_error_when_the_gateway_returns_502(page: Page, gateway_url: str, stub_rasa: StubRasa) -> None:
    """A proxy's HTML error page for every API call, /api/config included: the page itself
    still gives the widget the emergency number and the care team's contact."""

    def bad_gateway(route: Route) -> None:
        route.fulfill(status=502, content_type="text/html", body="<html><h1>502 Bad Gateway</h1></html>")

    page.route("**/api/**", bad_gateway)
    open_chat(page, gateway_url)
    page.locator(".crs-input").fill("my child has a fever")
    page.locator(".crs-input").press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("In an emergency, call 911 now.")
    expect(alert).to_contain_text("contact your child's care team: " + get_settings().care_team_contact)
    expect(alert.get_by_role("link", name="Call 911 (emergency)")).to_have_attribute("href", "tel:911")
    expect(alert.get_by_role("link", name="Call the care team: +1 555 0100")).to_be_visible()
    expect(page.locator(".crs-input")).to_have_value("my child has a fever")
    expect(user_messages(page)).to_have_count(0)
    assert stub_rasa.received == []


def test_text_typed_while_waiting_is_kept_with_the_failed_message(
    page: Page, gateway_url: str, stub_rasa: StubRasa
) -> None:
    open_chat(page, gateway_url)
    stub_rasa.mode = "slow"  # longer than the gateway waits: a timeout error
    page.locator(".crs-input").fill("first question")
    page.locator(".crs-input").press("Enter")
    expect(page.locator(".crs-panel")).to_have_attribute("aria-busy", "true")
    page.locator(".crs-input").fill("and a second thought")
    expect(page.get_by_role("alert")).to_contain_text("taking too long")
    expect(page.get_by_role("alert")).to_contain_text("In an emergency, call 911 now.")
    expect(page.locator(".crs-input")).to_have_value("first question\nand a second thought")
    expect(user_messages(page)).to_have_count(0)


def test_empty_message_is_not_sent(page: Page, gateway_url: str, stub_rasa: StubRasa) -> None:
    open_chat(page, gateway_url)
    page.locator(".crs-input").fill("   ")
    page.locator(".crs-input").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Please type a question")
    assert stub_rasa.received == []


def test_character_limit_is_visible_and_enforced(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    expect(page.locator(".crs-count")).to_have_text("0 of 1000 characters")
    page.locator(".crs-input").fill("x" * 1200)
    expect(page.locator(".crs-input")).to_have_value("x" * 1000)
    expect(page.locator(".crs-count")).to_have_text("1000 of 1000 characters")


def test_urgent_reply_stands_out_with_call_links(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    answer = ask(page, "emergency, my son is not breathing well")
    expect(answer).to_have_class("crs-msg crs-msg--bot crs-msg--urgent")
    expect(answer.locator(".crs-urgent-label")).to_contain_text("Emergency")
    expect(answer.get_by_role("link", name="Call 911 (emergency)")).to_have_attribute("href", "tel:911")
    expect(answer.get_by_role("link", name="Call the care team: +1 555 0100")).to_have_attribute(
        "href", "tel:+15550100"
    )


def test_embedded_floating_widget_opens_and_closes(page: Page, gateway_url: str) -> None:
    page.goto(gateway_url + "/static/embed-example.html")
    launcher = page.get_by_role("button", name="Ask about CRS")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".crs-panel")).to_be_hidden()
    launcher.click()
    expect(page.locator(".crs-input")).to_be_focused()
    ask(page, "hello from an embedded page")
    page.keyboard.press("Escape")
    expect(page.locator(".crs-panel")).to_be_hidden()
    expect(launcher).to_be_focused()


# A hospital's page on another origin: the entry module comes from the gateway with CORS;
# CRS_ALLOWED_ORIGINS lets it call the API.
HOSPITAL_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hospital</title>
<link rel="icon" href="data:,"></head>
<body><main><h1>Immunotherapy</h1></main>
<div id="crs-chat" data-title="Ask about CRS" data-mode="floating"></div>{tag}</body></html>"""
EMBED_TAGS = {
    "module": '<script type="module" src="{gateway}/static/widget/main.js"></script>',
}


@pytest.mark.parametrize("tag", EMBED_TAGS)
def test_embedded_on_another_origin(page: Page, stub_rasa: StubRasa, tag: str) -> None:
    gateway: dict[str, str] = {}

    async def hospital_page(request: Request) -> HTMLResponse:
        return HTMLResponse(HOSPITAL_PAGE.format(tag=EMBED_TAGS[tag].format(gateway=gateway["url"])))

    hospital = ServerThread(Starlette(routes=[StarletteRoute("/", hospital_page)])).start()
    settings = gateway_settings(rasa_url=stub_rasa.url, allowed_origins=hospital.url)  # type: ignore[attr-defined]
    server = ServerThread(create_app(settings)).start()
    gateway["url"] = server.url
    try:
        page.goto(hospital.url + "/")
        page.get_by_role("button", name="Ask about CRS").click()
        expect(page.locator(".crs-input")).to_be_focused()
        answer = ask(page, "asked on the hospital's site")
        expect(answer).to_contain_text("You asked: asked on the hospital's site")
        assert page.watch.errors == []  # type: ignore[attr-defined]
    finally:
        server.stop()
        hospital.stop()


def test_fits_a_320px_screen(page: Page, gateway_url: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    open_chat(page, gateway_url)
    ask(page, "a long question " * 20)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_no_csp_violations_or_script_errors(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    ask(page, "options")
    page.get_by_role("button", name="Start over").click()
    assert page.watch.errors == []  # type: ignore[attr-defined]


# ---- quick replies: the welcome's common topics and an answer's related topics ------------

WELCOME_TITLES = [TOPIC_TITLES[key] for key in WELCOME_TOPIC_KEYS]


def welcome(page: Page) -> Locator:
    return bot_messages(page).first


def test_welcome_offers_common_topics_and_tapping_one_asks_it(
    page: Page, gateway_url: str, stub_rasa: StubRasa
) -> None:
    open_chat(page, gateway_url)
    topics = welcome(page).get_by_role("group", name="Common questions").get_by_role("button")
    expect(topics).to_have_text(WELCOME_TITLES)
    expect(welcome(page)).to_contain_text("care team")
    before = bot_messages(page).count()
    welcome(page).get_by_role("button", name="What are the signs of CRS?").click()
    wait_for_answer(page, before)
    assert stub_rasa.received[-1]["message"] == "What are the signs of CRS?"
    expect(user_messages(page)).to_have_text(["You said: What are the signs of CRS?"])
    expect(bot_messages(page).last).to_contain_text("You asked: What are the signs of CRS?")
    # The parent has moved on: the welcome's buttons are gone, focus stays in the chat.
    expect(welcome(page).locator(".crs-quick")).to_have_count(0)
    assert page.evaluate("document.activeElement.classList.contains('crs-log')")


def test_restored_transcript_does_not_repeat_the_welcome(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    expect(page.locator(f"{LOG} .crs-quick")).to_have_count(1)
    page.reload()
    expect(page.locator(f"{LOG} .crs-quick__button")).to_have_text(WELCOME_TITLES)
    ask(page, "a question")
    page.reload()
    expect(bot_messages(page)).to_have_count(2)
    expect(bot_messages(page).filter(has_text="Hello. I answer questions")).to_have_count(1)
    expect(page.locator(f"{LOG} .crs-quick")).to_have_count(0)


def test_start_over_brings_the_welcome_topics_back(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    welcome(page).get_by_role("button", name="What is CRS?").click()
    wait_for_answer(page, 1)
    expect(welcome(page).locator(".crs-quick")).to_have_count(0)
    page.get_by_role("button", name="Start over").click()
    expect(bot_messages(page)).to_have_count(1)
    expect(welcome(page).locator(".crs-quick__button")).to_have_text(WELCOME_TITLES)


def test_related_topics_under_an_answer(page: Page, gateway_url: str, stub_rasa: StubRasa) -> None:
    open_chat(page, gateway_url)
    answer = ask(page, "related")
    # Passed on unchanged; the unsafe ones (markup, /restart, entities, unknown key) dropped.
    expect(answer.locator(".crs-quick__button")).to_have_text([b["title"] for b in RELATED_BUTTONS])
    assert page.locator(f"{LOG} img").count() == 0
    answer_id = answer.get_attribute("data-id")
    answer.get_by_role("button", name="What are the signs of CRS?").click()
    wait_for_answer(page, 2)
    # The payload is sent (as an intent, allowed by the gateway), the title is shown.
    assert stub_rasa.received[-1]["message"] == "/faq/symptoms_general"
    expect(user_messages(page).last).to_have_text("You said: What are the signs of CRS?")
    expect(bot_messages(page).last).to_contain_text("An answer about symptoms_general")
    # Only the newest answer's buttons can be tapped; earlier ones are removed, also after a reload.
    expect(page.locator(f'[data-id="{answer_id}"] .crs-quick')).to_have_count(0)
    expect(page.locator(f"{LOG} .crs-quick")).to_have_count(1)
    page.reload()
    expect(page.locator(f"{LOG} .crs-quick")).to_have_count(1)
    expect(bot_messages(page).last.locator(".crs-quick__button")).to_have_count(2)
    assert page.evaluate("window.__xss") is None


def test_a_failed_tap_brings_the_buttons_back(page: Page, gateway_url: str, stub_rasa: StubRasa) -> None:
    open_chat(page, gateway_url)
    expect(welcome(page).locator(".crs-quick__button")).to_have_count(len(WELCOME_TITLES))
    stub_rasa.mode = "error"
    welcome(page).get_by_role("button", name="What is CRS?").click()
    expect(page.get_by_role("alert")).to_contain_text("tap your question again")
    expect(page.get_by_role("alert")).to_contain_text("care team")
    expect(user_messages(page)).to_have_count(0)
    expect(page.locator(".crs-input")).to_have_value("")
    stub_rasa.mode = "normal"
    welcome(page).get_by_role("button", name="What is CRS?").click()
    wait_for_answer(page, 1)
    expect(user_messages(page)).to_have_text(["You said: What is CRS?"])


# ---- on a phone: the chat is one tap away ----------------------------------------------------

PHONE = {"width": 375, "height": 667}


def in_viewport(locator: Locator, viewport: dict[str, int]) -> bool:
    box = locator.bounding_box()
    assert box is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def test_phone_one_tap_on_the_skip_link_reaches_the_input(browser: Browser, gateway_url: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_chat(page, gateway_url)
        assert page.evaluate("window.scrollY") == 0
        skip = page.get_by_role("link", name="Skip to the chat")
        expect(skip).to_be_visible()
        assert in_viewport(skip, PHONE)
        # The safety information comes first on the page, so the input starts below the fold.
        assert not in_viewport(page.locator(".crs-input"), PHONE)
        skip.tap()
        expect(page.locator(".crs-input")).to_be_focused()
        assert in_viewport(page.locator(".crs-input"), PHONE)
        assert in_viewport(page.get_by_role("button", name="Send"), PHONE)
        assert in_viewport(page.locator(".crs-header"), PHONE)
        page.keyboard.type("typed after the skip link")
        page.keyboard.press("Enter")
        wait_for_answer(page, 1)
        expect(user_messages(page)).to_have_text(["You said: typed after the skip link"])
    finally:
        context.close()


def test_skip_link_is_the_first_tab_stop(page: Page, gateway_url: str) -> None:
    open_chat(page, gateway_url)
    page.locator("body").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the chat")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".crs-input")).to_be_focused()
