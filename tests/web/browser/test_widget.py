"""The widget in Chromium against the gateway and a stub Rasa: every parent-facing behaviour."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from webtest_support import StubRasa
from widget_steps import LOG, ask, bot_messages, open_chat, sender_id, user_messages, wait_for_answer

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
    assert {m["sender"] for m in stub_rasa.received} == {sender}


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
    expect(page.get_by_role("alert")).to_contain_text("care team")
    expect(page.locator(".crs-input")).to_have_value("hello")


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
