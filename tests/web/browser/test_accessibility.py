"""axe-core (WCAG 2.1 A and AA tags) on the page and the open widget, with and without
messages, at phone and desktop widths; screenshots saved to artifacts/screenshots/."""

from __future__ import annotations

import pytest
from browser_support import SCREENSHOTS, run_axe, screenshot
from playwright.sync_api import Browser, Page, expect
from webtest_support import StubRasa
from widget_steps import ask, open_chat

WIDTHS = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 900}}


def _conversation(page: Page) -> None:
    """One of each kind of message: answer, rated answer, quick replies, link, urgent,
    ending on an answer with related-topic buttons."""
    ask(page, "What is CRS?")
    page.locator(".crs-feedback__button[data-value='up']").first.click()
    expect(page.locator(".crs-feedback__button[aria-pressed='true']")).to_have_count(1)
    ask(page, "show me options")
    ask(page, "send a link")
    ask(page, "emergency: he is not breathing well")
    ask(page, "related")
    expect(page.locator(".crs-quick__button")).to_have_count(2)


def _assert_no_violations(page: Page, where: str) -> None:
    violations = run_axe(page)
    assert violations == [], f"{where}: {violations}"


@pytest.mark.parametrize("width", WIDTHS)
def test_parents_page_without_messages(page: Page, gateway_url: str, width: str) -> None:
    page.set_viewport_size(WIDTHS[width])
    open_chat(page, gateway_url)
    expect(page.get_by_role("group", name="Common questions").get_by_role("button")).to_have_count(4)
    _assert_no_violations(page, f"empty page at {width}px")
    screenshot(page, f"parents-page-{width}-empty")


@pytest.mark.parametrize("width", WIDTHS)
def test_parents_page_with_messages(page: Page, gateway_url: str, width: str) -> None:
    page.set_viewport_size(WIDTHS[width])
    open_chat(page, gateway_url)
    _conversation(page)
    _assert_no_violations(page, f"conversation at {width}px")
    screenshot(page, f"parents-page-{width}-conversation")


def test_error_state(page: Page, gateway_url: str, stub_rasa: StubRasa) -> None:
    page.set_viewport_size(WIDTHS["375"])
    open_chat(page, gateway_url)
    stub_rasa.mode = "error"
    page.locator(".crs-input").fill("are you there?")
    page.locator(".crs-input").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("care team")
    _assert_no_violations(page, "error state")
    screenshot(page, "parents-page-375-error")


@pytest.mark.parametrize("width", WIDTHS)
def test_embedded_widget_open(page: Page, gateway_url: str, width: str) -> None:
    page.set_viewport_size(WIDTHS[width])
    page.goto(gateway_url + "/static/embed-example.html")
    expect(page.locator(".crs-launcher")).to_be_visible()
    _assert_no_violations(page, f"embedded, closed, {width}px")
    page.locator(".crs-launcher").click()
    expect(page.locator(".crs-input")).to_be_focused()
    _assert_no_violations(page, f"embedded, open, empty, {width}px")
    screenshot(page, f"embedded-{width}-open-empty")
    _conversation(page)
    _assert_no_violations(page, f"embedded, open, conversation, {width}px")
    screenshot(page, f"embedded-{width}-open-conversation")


def test_high_contrast_and_reduced_motion(browser: Browser, gateway_url: str) -> None:
    context = browser.new_context(viewport=WIDTHS["375"], forced_colors="active", reduced_motion="reduce")
    page = context.new_page()
    try:
        open_chat(page, gateway_url)
        _conversation(page)
        _assert_no_violations(page, "forced colours + reduced motion")
        animation = page.evaluate(
            "getComputedStyle(document.querySelector('.crs-typing'), '::after').animationName"
        )
        assert animation in ("none", "")
        screenshot(page, "parents-page-375-forced-colors")
    finally:
        context.close()


def test_200_percent_zoom(browser: Browser, gateway_url: str) -> None:
    # 1280 CSS px at 200% zoom lays out like 640 CSS px with twice the device pixels.
    context = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page = context.new_page()
    try:
        open_chat(page, gateway_url)
        _conversation(page)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        _assert_no_violations(page, "200% zoom")
        screenshot(page, "parents-page-1280-zoom200")
    finally:
        context.close()


def test_phone_after_the_skip_link(browser: Browser, gateway_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_chat(page, gateway_url)
        page.get_by_role("link", name="Skip to the chat").tap()
        expect(page.locator(".crs-input")).to_be_focused()
        _assert_no_violations(page, "phone, after the skip link")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # what the parent sees, not the full page
        page.screenshot(path=str(SCREENSHOTS / "parents-page-375x667-after-skip.png"))
    finally:
        context.close()
