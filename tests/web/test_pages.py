import re
from pathlib import Path

import httpx


def test_page_says_what_it_is_before_the_chat(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    chat = html.index('id="crs-chat"')
    for words in (
        "not medical advice",
        "care team",
        "In an emergency",
        "Together",
        "March 2019",
    ):
        assert words in html[:chat], words
    assert 'href="tel:' in html


def test_page_has_no_inline_script_or_style(client: httpx.Client) -> None:
    html = client.get("/").text
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert " style=" not in html and "<style" not in html
    assert re.search(r"\son[a-z]+=", html) is None


WIDGET_DIR = Path(__file__).resolve().parents[2] / "web" / "static" / "widget"
WIDGET_MODULES = sorted(f"/static/widget/{p.name}" for p in WIDGET_DIR.glob("*.js"))


def test_assets_are_served_locally(client: httpx.Client) -> None:
    assert "/static/widget/main.js" in WIDGET_MODULES
    for path in (
        *WIDGET_MODULES,
        "/static/widget.css",
        "/static/page.css",
        "/static/embed-example.html",
    ):
        assert client.get(path).status_code == 200, path
    for path in WIDGET_MODULES:
        widget = client.get(path).text
        assert re.search(r"\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write", widget) is None, path


def test_widget_modules_are_served_as_javascript(client: httpx.Client) -> None:
    """Browsers refuse a module script with any other MIME type."""
    for path in WIDGET_MODULES:
        response = client.get(path)
        mime = response.headers["content-type"].split(";")[0]
        assert mime in ("text/javascript", "application/javascript"), path
        assert "script-src 'self'" in response.headers["content-security-policy"]


def test_modules_import_only_their_siblings() -> None:
    """Plain ES modules, no bundler: every import is a relative file in /static/widget/."""
    names = {p.name for p in WIDGET_DIR.glob("*.js")}
    for module in WIDGET_DIR.glob("*.js"):
        for target in re.findall(r"^import .* from \"([^\"]+)\";$", module.read_text(), re.M):
            assert target.startswith("./") and target[2:] in names, (module.name, target)


def test_pages_load_the_widget_entry_as_a_module(client: httpx.Client) -> None:
    tag = '<script type="module" src="/static/widget/main.js"></script>'
    for path in ("/", "/static/embed-example.html"):
        html = client.get(path).text
        assert html.count("<script") == 1 and tag in html, path
