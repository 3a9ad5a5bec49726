import re

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


def test_assets_are_served_locally(client: httpx.Client) -> None:
    for path in (
        "/static/widget.js",
        "/static/widget.css",
        "/static/page.css",
        "/static/embed-example.html",
    ):
        assert client.get(path).status_code == 200, path
    widget = client.get("/static/widget.js").text
    assert re.search(r"\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write", widget) is None
