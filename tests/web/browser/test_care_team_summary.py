"""The summary for the care team: built in the browser from the conversation on the device,
shown in a dialog (keyboard only), printed alone, downloaded as text, and nothing sent to the
server; at phone and desktop widths, in a time zone other than the machine's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from browser_support import SCREENSHOTS, run_axe, screenshot
from playwright.sync_api import Browser, Locator, Page, Request, expect
from webtest_support import StubRasa
from widget_steps import ask, open_chat, stored_state, user_messages

from assistant.settings import get_settings
from web.pages import SOURCE_PUBLISHER, SOURCE_REVIEWED, SOURCE_TITLE

WIDTHS = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 900}}
TIME_ZONE = "Pacific/Auckland"  # not the machine's: times must be the device's local time
SUMMARY = ".crs-summary"
OPENER = ".crs-summary-open"
URGENT_QUESTION = "emergency: he is not breathing well"
SCRIPT_QUESTION = "Is <script>window.__xss=4;alert(4)</script> safe?"
FILE_NAME = re.compile(r"^crs-summary-(\d{4})-(\d\d)-(\d\d)-(\d\d)(\d\d)\.txt$")

# Stubs installed before the page's scripts: window.print records its calls, and the type of
# each Blob given to URL.createObjectURL is recorded.
RECORDERS = """
window.__printCalls = 0;
window.print = () => { window.__printCalls += 1; };
window.__blobTypes = [];
const createObjectURL = URL.createObjectURL.bind(URL);
URL.createObjectURL = (blob) => { window.__blobTypes.push(blob.type); return createObjectURL(blob); };
"""


@pytest.fixture(params=list(WIDTHS))
def width(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture()
def summary_page(browser: Browser, width: str) -> Iterator[Page]:
    context = browser.new_context(viewport=WIDTHS[width], timezone_id=TIME_ZONE)
    context.add_init_script(RECORDERS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def local_time(ms: float) -> str:
    """What the widget should show for `ms`: "8 Dec 2026, 03:12" in TIME_ZONE."""
    d = datetime.fromtimestamp(ms / 1000, ZoneInfo(TIME_ZONE))
    return f"{d.day} {d:%b} {d.year}, {d:%H:%M}"


def two_questions(page: Page, url: str) -> list[float]:
    """An ordinary question (its answer rated) and an urgent one; the times they were asked."""
    open_chat(page, url)
    ask(page, "What is CRS?")
    page.locator(".crs-feedback__button[data-value='up']").first.click()
    expect(page.locator(".crs-log")).to_contain_text("Thank you for your feedback")
    ask(page, URGENT_QUESTION)
    state = stored_state(page)
    assert state is not None
    return [float(e["at"]) for e in state["transcript"] if e["role"] == "user"]


def record_requests(page: Page) -> list[str]:
    """Every request the page makes from now on (blob: URLs of a download excepted)."""
    urls: list[str] = []

    def on_request(request: Request) -> None:
        if not request.url.startswith("blob:"):
            urls.append(request.url)

    page.on("request", on_request)
    return urls


def console_errors(page: Page) -> list[str]:
    """Errors the page logs from now on (a CSP violation is one)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def tab_to(page: Page, selector: str) -> None:
    """Press Tab from the top of the page until `selector` has focus."""
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def open_by_keyboard(page: Page) -> Locator:
    tab_to(page, OPENER)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Summary for your care team")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".crs-summary__title")).to_be_focused()
    return dialog


def press_in_dialog(page: Page, name: str) -> None:
    """From the dialog's title, Tab to the button `name` and press Enter."""
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == name:
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"Tab never reached {name}")


def summary_lines(times: list[float]) -> list[str]:
    """What the summary of `two_questions` says, in order (the dialog and the file alike)."""
    settings = get_settings()
    return [
        "Summary for your care team",
        f"Question 1, asked {local_time(times[0])}",
        "Question: What is CRS?",
        "Answer: You asked: What is CRS?",
        f"Question 2, asked {local_time(times[1])}",
        f"Question: {URGENT_QUESTION}",
        "EMERGENCY reply shown: This sounds urgent. Call emergency services now.",
        f'All answers are based on one article: "{SOURCE_TITLE}", from {SOURCE_PUBLISHER}, '
        f"reviewed {SOURCE_REVIEWED}.",
        f"Care team: {settings.care_team_contact}",
        "Care team phone: +1 555 0100",
        f"Emergency number: {settings.emergency_number}",
        "not medical advice",
        "contact your child's care team about your child",
    ]


def assert_in_order(text: str, expected: list[str]) -> None:
    position = 0
    for line in expected:
        found = text.find(line, position)
        assert found >= 0, f"{line!r} missing (or out of order) in:\n{text}"
        position = found + len(line)


# ---- the button and the dialog ---------------------------------------------------------------


def test_the_button_shows_once_there_is_a_question(summary_page: Page, gateway_url: str) -> None:
    open_chat(summary_page, gateway_url)
    expect(summary_page.locator(OPENER)).to_be_hidden()
    ask(summary_page, "What is CRS?")
    expect(summary_page.get_by_role("button", name="Summary for your care team")).to_be_visible()
    summary_page.get_by_role("button", name="Start over").click()
    expect(summary_page.locator(OPENER)).to_be_hidden()


def test_summary_by_keyboard_lists_questions_answers_and_contacts(
    summary_page: Page, gateway_url: str
) -> None:
    errors = console_errors(summary_page)
    times = two_questions(summary_page, gateway_url)
    requests = record_requests(summary_page)
    dialog = open_by_keyboard(summary_page)
    text = dialog.inner_text()
    made = re.search(r"Made on (.+) \(this device's local time\)", text)
    assert made is not None and made.group(1) == local_time(summary_page.evaluate("Date.now()"))
    assert_in_order(text, summary_lines(times))
    assert "Thank you for your feedback" not in text  # the reply to the rating is no answer
    urgent = dialog.locator(".crs-summary__answer--urgent")
    expect(urgent).to_have_count(1)
    expect(urgent).to_contain_text("EMERGENCY reply shown")
    expect(dialog.get_by_role("link", name="+1 555 0100")).to_have_attribute("href", "tel:+15550100")
    assert requests == []
    assert errors == []


def test_escape_closes_and_focus_returns_to_the_button(summary_page: Page, gateway_url: str) -> None:
    two_questions(summary_page, gateway_url)
    dialog = open_by_keyboard(summary_page)
    summary_page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(summary_page.locator(OPENER)).to_be_focused()
    expect(summary_page.locator(".crs-summary__body")).to_have_text("")
    open_by_keyboard(summary_page)
    press_in_dialog(summary_page, "Close")
    expect(dialog).to_be_hidden()
    expect(summary_page.locator(OPENER)).to_be_focused()


def test_escape_in_the_floating_widget_closes_the_summary_not_the_chat(
    summary_page: Page, gateway_url: str
) -> None:
    summary_page.goto(gateway_url + "/static/embed-example.html")
    summary_page.get_by_role("button", name="Ask about CRS").click()
    ask(summary_page, "asked on the hospital's page")
    summary_page.locator(OPENER).focus()
    summary_page.keyboard.press("Enter")
    dialog = summary_page.get_by_role("dialog", name="Summary for your care team")
    expect(dialog).to_contain_text("Question: asked on the hospital's page")
    summary_page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(summary_page.locator(".crs-panel")).to_be_visible()
    expect(summary_page.locator(OPENER)).to_be_focused()


def test_fits_the_screen_without_horizontal_scrolling(
    summary_page: Page, gateway_url: str, width: str
) -> None:
    open_chat(summary_page, gateway_url)
    ask(summary_page, "a-very-long-word-without-spaces-" * 8)
    dialog = open_by_keyboard(summary_page)
    assert summary_page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert dialog.evaluate("d => d.scrollWidth - d.clientWidth") <= 0
    box = dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS[width]["width"]


def test_no_accessibility_violations_with_the_summary_open(
    summary_page: Page, gateway_url: str, width: str
) -> None:
    two_questions(summary_page, gateway_url)
    open_by_keyboard(summary_page)
    assert run_axe(summary_page) == []
    screenshot(summary_page, f"care-team-summary-{width}")


def test_an_answer_that_arrives_while_the_summary_is_open_is_added(
    summary_page: Page, gateway_url: str, stub_rasa: StubRasa
) -> None:
    open_chat(summary_page, gateway_url)
    delay = stub_rasa.delay_seconds
    stub_rasa.mode, stub_rasa.delay_seconds = "slow", 1.0  # within the gateway's 1.5 s
    try:
        summary_page.locator(".crs-input").fill("a question answered slowly")
        summary_page.locator(".crs-input").press("Enter")
        expect(summary_page.locator(".crs-panel")).to_have_attribute("aria-busy", "true")
        dialog = open_by_keyboard(summary_page)
        expect(dialog).to_contain_text("Answer: (no answer was shown)")
        expect(dialog).to_contain_text("Answer: You asked: a question answered slowly")
        expect(dialog.locator(".crs-summary__title")).to_be_focused()
    finally:
        stub_rasa.delay_seconds = delay


def test_an_open_summary_closes_when_the_conversation_expires(summary_page: Page, gateway_url: str) -> None:
    """A tab left open on the summary: once the conversation is deleted, so is its summary."""
    two_questions(summary_page, gateway_url)
    dialog = open_by_keyboard(summary_page)
    summary_page.clock.set_fixed_time(datetime.now() + timedelta(hours=25))
    summary_page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(dialog).to_be_hidden()
    expect(summary_page.locator(".crs-summary__body")).to_have_text("")
    expect(summary_page.locator(OPENER)).to_be_hidden()
    expect(summary_page.locator(".crs-input")).to_be_focused()
    assert stored_state(summary_page) is None


# ---- time of each entry ---------------------------------------------------------------------


def test_each_entry_is_stored_with_its_time(summary_page: Page, gateway_url: str) -> None:
    open_chat(summary_page, gateway_url)
    before = summary_page.evaluate("Date.now()")
    ask(summary_page, "What is CRS?")
    after = summary_page.evaluate("Date.now()")
    state = stored_state(summary_page)
    assert state is not None and [e["role"] for e in state["transcript"]] == ["user", "bot"]
    assert all(before <= e["at"] <= after for e in state["transcript"])


def test_entries_saved_without_a_time_say_so(summary_page: Page, gateway_url: str) -> None:
    """A conversation saved by an earlier version (no `at`) still loads and is summarised."""
    times = two_questions(summary_page, gateway_url)
    summary_page.evaluate(
        """() => {
            const key = Object.keys(sessionStorage).find(k => k.startsWith("crs-chat:v1:"));
            const state = JSON.parse(sessionStorage.getItem(key));
            state.transcript.slice(0, 2).forEach(e => { delete e.at; });
            sessionStorage.setItem(key, JSON.stringify(state));
        }"""
    )
    summary_page.reload()
    expect(user_messages(summary_page)).to_have_count(2)
    text = open_by_keyboard(summary_page).inner_text()
    expected = ["Question 1, asked time not recorded", f"Question 2, asked {local_time(times[1])}"]
    assert_in_order(text, expected)


# ---- print ---------------------------------------------------------------------------------


def test_print_shows_only_the_summary(summary_page: Page, gateway_url: str, width: str) -> None:
    two_questions(summary_page, gateway_url)
    dialog = open_by_keyboard(summary_page)
    summary_page.emulate_media(media="print")
    for hidden in (".page-header", "#main > section", ".crs-header", ".crs-log", ".crs-form", OPENER):
        expect(summary_page.locator(hidden).first).to_be_attached()
        for node in summary_page.locator(hidden).all():
            expect(node).to_be_hidden()
    expect(dialog).to_be_visible()
    expect(dialog.locator("button")).to_have_count(3)
    for button in dialog.locator("button").all():
        expect(button).to_be_hidden()
    assert_print_styles(dialog)
    assert run_axe(summary_page) == []
    screenshot(summary_page, f"care-team-summary-{width}-print")


def assert_print_styles(dialog: Locator) -> None:
    """Black on white, at least 12pt (16px), no page break inside an entry."""
    styles = dialog.evaluate(
        """d => [d, ...d.querySelectorAll('.crs-summary__body *')].map(n => {
            const s = getComputedStyle(n);
            return [s.color, s.backgroundColor, parseFloat(s.fontSize)];
        })"""
    )
    for color, background, size in styles:
        assert color == "rgb(0, 0, 0)" and background in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
        assert size >= 16
    entries = dialog.locator(".crs-summary__entry")
    breaks = entries.evaluate_all("es => es.map(e => getComputedStyle(e).breakInside)")
    assert breaks == ["avoid", "avoid"]


def test_a_long_summary_prints_over_several_pages(summary_page: Page, gateway_url: str, width: str) -> None:
    """Headless Chromium prints to PDF: the open dialog is laid out on the page, not fixed to
    the screen (a fixed one would print its first screenful only, on one page)."""
    open_chat(summary_page, gateway_url)
    for n in range(12):
        ask(summary_page, f"question number {n} " + "about CRS " * 30)
    open_by_keyboard(summary_page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = summary_page.pdf(path=str(SCREENSHOTS / f"care-team-summary-{width}.pdf"), format="A4")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2


def test_the_print_button_calls_window_print(summary_page: Page, gateway_url: str) -> None:
    two_questions(summary_page, gateway_url)
    requests = record_requests(summary_page)
    open_by_keyboard(summary_page)
    assert summary_page.evaluate("window.__printCalls") == 0
    press_in_dialog(summary_page, "Print")
    assert summary_page.evaluate("window.__printCalls") == 1
    assert requests == []


# ---- download -------------------------------------------------------------------------------


def test_download_as_text(summary_page: Page, gateway_url: str, tmp_path: Path) -> None:
    errors = console_errors(summary_page)
    times = two_questions(summary_page, gateway_url)
    requests = record_requests(summary_page)
    dialog = open_by_keyboard(summary_page)
    shown = dialog.inner_text()
    with summary_page.expect_download() as info:
        press_in_dialog(summary_page, "Download as text")
    download = info.value
    made = re.search(r"Made on (.+) \(this", shown)
    assert made is not None
    assert_file_name(download.suggested_filename, made.group(1))
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = path.read_text(encoding="utf-8")
    lines = summary_lines(times)
    assert_in_order(text, [lines[0], f"Made on {made.group(1)}", *lines[1:]])
    assert summary_page.evaluate("window.__blobTypes") == ["text/plain;charset=utf-8"]
    expect(dialog.get_by_role("status")).to_have_text(f"Saving the summary as {download.suggested_filename}.")
    assert requests == []
    assert errors == []


def assert_file_name(name: str, made: str) -> None:
    """crs-summary-YYYY-MM-DD-HHMM.txt, the time the summary was made ("8 Dec 2026, 03:12")."""
    match = FILE_NAME.match(name)
    assert match is not None, name
    year, month, day, hour, minute = (int(g) for g in match.groups())
    d = datetime(year, month, day, hour, minute)
    assert f"{d.day} {d:%b} {d.year}, {d:%H:%M}" == made


def test_html_in_a_question_is_text_in_the_summary_and_the_file(
    summary_page: Page, gateway_url: str, tmp_path: Path
) -> None:
    open_chat(summary_page, gateway_url)
    ask(summary_page, SCRIPT_QUESTION)
    dialog = open_by_keyboard(summary_page)
    expect(dialog.locator(".crs-summary__question")).to_have_text(f"Question: {SCRIPT_QUESTION}")
    expect(dialog.locator(".crs-summary__answer")).to_contain_text(f"You asked: {SCRIPT_QUESTION}")
    assert dialog.locator("script").count() == 0
    with summary_page.expect_download() as info:
        press_in_dialog(summary_page, "Download as text")
    path = tmp_path / "summary.txt"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert f"Question: {SCRIPT_QUESTION}\nAnswer: You asked: {SCRIPT_QUESTION}" in text
    assert summary_page.evaluate("window.__xss") is None
