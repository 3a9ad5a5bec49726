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


def test_embedding_is_configurable(stub_rasa) -> None:  # type: ignore[no-untyped-def]
    from conftest import gateway_settings
    from webtest_support import ServerThread

    from web.app import create_app

    settings = gateway_settings(
        rasa_url=stub_rasa.url,
        frame_ancestors="'self' https://hospital.example",
        allowed_origins="https://hospital.example",
    )
    server = ServerThread(create_app(settings)).start()
    try:
        with httpx.Client(base_url=server.url, trust_env=False) as http:
            page = http.get("/")
            assert (
                "frame-ancestors 'self' https://hospital.example" in page.headers["content-security-policy"]
            )
            origin = {"Origin": "https://hospital.example"}
            preflight = http.options(
                "/api/chat",
                headers={
                    **origin,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type",
                },
            )
            assert preflight.headers["access-control-allow-origin"] == "https://hospital.example"
            chat = http.post("/api/chat", json={"sender": "parent-0001", "message": "hi"}, headers=origin)
            assert chat.headers["access-control-allow-origin"] == "https://hospital.example"
            other = http.get("/api/config", headers={"Origin": "https://evil.example"})
            assert "access-control-allow-origin" not in other.headers
    finally:
        server.stop()
