"""The widget in Chromium against the gateway and a stub Rasa: every parent-facing behaviour."""

from __future__ import annotations

from playwright.sync_api import Browser, Locator, Page, expect
from webtest_support import RELATED_BUTTONS, StubRasa
from widget_steps import LOG, ask, bot_messages, open_chat, sender_id, user_messages, wait_for_answer

from assistant.topics import TOPIC_TITLES
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
