import httpx
import pytest

from web.security import content_security_policy


def test_csp_is_strict() -> None:
    csp = content_security_policy("'self' https://hospital.example")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'self' https://hospital.example" in csp


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/", None),
        ("GET", "/static/widget.js", None),
        ("GET", "/static/widget.css", None),
        ("GET", "/api/config", None),
        ("GET", "/nope", None),
        ("POST", "/api/chat", {"sender": "parent-0001", "message": "hi"}),
        ("POST", "/api/chat", {"sender": "bad", "message": "hi"}),
    ],
)
def test_security_headers_on_every_response(
    client: httpx.Client, method: str, path: str, body: dict | None
) -> None:
    response = client.request(method, path, json=body)
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_api_is_not_cached(client: httpx.Client) -> None:
    assert client.get("/api/config").headers["cache-control"] == "no-store"


def test_413_has_headers_too(client: httpx.Client) -> None:
    response = client.post("/api/chat", content=b"x" * 50_000)
    assert response.status_code == 413
    assert response.headers["x-content-type-options"] == "nosniff"
