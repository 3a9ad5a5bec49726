import httpx
import pytest
from conftest import IDS

from web.security import content_security_policy

TOKEN = IDS.issue()


def test_csp_is_strict() -> None:
    csp = content_security_policy("'self' https://hospital.example")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'self' https://hospital.example" in csp


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/", None),
        ("GET", "/static/widget/main.js", None),
        ("GET", "/static/widget.css", None),
        ("GET", "/api/config", None),
        ("GET", "/nope", None),
        ("POST", "/api/chat", {"sender": TOKEN, "message": "hi"}),
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
            chat = http.post("/api/chat", json={"sender": TOKEN, "message": "hi"}, headers=origin)
            assert chat.headers["access-control-allow-origin"] == "https://hospital.example"
            other = http.get("/api/config", headers={"Origin": "https://evil.example"})
            assert "access-control-allow-origin" not in other.headers
    finally:
        server.stop()


# -- the client address and HTTPS behind trusted proxies ----------------------


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "client"),
    [
        ("", "198.51.100.7", "203.0.113.1", "198.51.100.7"),  # no proxy trusted: header ignored
        ("10.0.0.1", "198.51.100.7", "203.0.113.1", "198.51.100.7"),  # peer is not the proxy
        ("10.0.0.1", "10.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("10.0.0.1", "10.0.0.1", "203.0.113.1, 198.51.100.7", "198.51.100.7"),  # fake prepended
        ("10.0.0.1 10.0.0.2", "10.0.0.2", "198.51.100.7, 10.0.0.1", "198.51.100.7"),
        ("10.0.0.0/8", "10.1.2.3", "198.51.100.7, 10.9.9.9, 10.8.8.8", "198.51.100.7"),
        ("10.0.0.0/8", "10.1.2.3", "10.7.7.7, 10.8.8.8", "10.7.7.7"),  # all trusted: left-most
        ("10.0.0.1", "10.0.0.1", "", "10.0.0.1"),  # no header: the proxy itself
        ("10.0.0.1", "::ffff:10.0.0.1", "198.51.100.7:5555", "198.51.100.7"),
        ("fd00::/8", "fd00::1", "2001:db8::7, [fd00::2]:443", "2001:db8::7"),
        ("10.0.0.1", "10.0.0.1", "garbage, 198.51.100.7", "198.51.100.7"),
    ],
)
def test_client_address_walks_x_forwarded_for_from_the_right(
    trusted: str, peer: str, forwarded: str, client: str
) -> None:
    from web.security import TrustedProxies

    assert TrustedProxies(trusted).client(peer, forwarded) == client


def test_forwarded_proto_counts_only_from_a_trusted_proxy() -> None:
    from web.security import TrustedProxies

    proxies = TrustedProxies("10.0.0.1")
    assert proxies.is_https("https", "198.51.100.7", "")
    assert not proxies.is_https("http", "198.51.100.7", "https")
    assert proxies.is_https("http", "10.0.0.1", "https")
    assert not proxies.is_https("http", "10.0.0.1", "https, http")  # the nearest hop's word


def test_bad_trusted_proxy_entries_are_refused() -> None:
    from web.security import parse_networks

    assert [str(n) for n in parse_networks("10.0.0.1, 192.168.0.0/16 ::1")] == [
        "10.0.0.1/32", "192.168.0.0/16", "::1/128"
    ]  # fmt: skip
    with pytest.raises(ValueError):
        parse_networks("10.0.0.1, proxy.internal")


# -- per-path policies: the console is never framed; HSTS on HTTPS -------------


def _gateway_with_console(tmp_path, **overrides: object):  # type: ignore[no-untyped-def]
    from conftest import gateway_settings

    from web.app import create_app

    console_db = f"sqlite:///{tmp_path / 'rasa.db'}"
    return create_app(
        gateway_settings(
            rasa_url="http://127.0.0.1:1", console_enabled=True, console_database_url=console_db, **overrides
        )
    )


def test_console_is_never_framed_whatever_frame_ancestors_says(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from starlette.testclient import TestClient

    app = _gateway_with_console(tmp_path, frame_ancestors="https://hospital.example")
    http = TestClient(app)
    page = http.get("/")
    assert "frame-ancestors https://hospital.example" in page.headers["content-security-policy"]
    for path in ("/console/login", "/console/console.css", "/console/", "/console/nope"):
        response = http.get(path, follow_redirects=False)
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "hospital.example" not in csp, path
        assert "script-src" not in csp and "default-src 'none'" in csp, path
        assert response.headers["x-frame-options"] == "DENY", path
        assert response.headers["cache-control"] == "no-store", path
    assert "x-frame-options" not in page.headers


def test_hsts_only_on_https(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from starlette.testclient import TestClient

    hsts = "max-age=31536000; includeSubDomains"
    app = _gateway_with_console(tmp_path, trusted_proxies="10.0.0.1")
    for path in ("/", "/console/login", "/api/config"):
        secure = TestClient(app, base_url="https://testserver").get(path)
        assert secure.headers["strict-transport-security"] == hsts, path
        plain = TestClient(app).get(path)
        assert "strict-transport-security" not in plain.headers, path
    proto = {"X-Forwarded-Proto": "https"}
    spoofed = TestClient(app, client=("198.51.100.7", 1)).get("/", headers=proto)
    assert "strict-transport-security" not in spoofed.headers
    proxied = TestClient(app, client=("10.0.0.1", 1)).get("/", headers=proto)
    assert proxied.headers["strict-transport-security"] == hsts


def test_any_site_may_load_the_widget_modules_but_not_call_the_api(client: httpx.Client) -> None:
    """Module scripts are fetched with CORS: the widget shows on any embedding page (with its
    emergency text); only the origins in CRS_ALLOWED_ORIGINS may talk to the chat API."""
    origin = {"Origin": "https://not-allowed.example"}
    module = client.get("/static/widget/main.js", headers=origin)
    assert module.status_code == 200
    assert module.headers["access-control-allow-origin"] == "*"
    assert "script-src 'self'" in module.headers["content-security-policy"]
    api = client.post("/api/chat", json={"sender": TOKEN, "message": "hi"}, headers=origin)
    assert "access-control-allow-origin" not in api.headers
    assert "access-control-allow-origin" not in client.get("/", headers=origin).headers
