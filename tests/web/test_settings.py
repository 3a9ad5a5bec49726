import pytest
from pydantic import ValidationError

from web.settings import WebSettings


def test_defaults_run_on_a_laptop(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "CRS_RASA_URL",
        "CRS_CONSOLE_ENABLED",
        "CRS_RATE_LIMIT",
        "CRS_FRAME_ANCESTORS",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = WebSettings()
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.rasa_webhook_url == "http://127.0.0.1:5005/webhooks/rest/webhook"
    assert settings.console_enabled is True
    assert settings.max_message_chars == 1000
    assert settings.rate_limit == "30/minute"


def test_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRS_RASA_URL", "http://rasa:5005/")
    monkeypatch.setenv("CRS_CONSOLE_ENABLED", "false")
    monkeypatch.setenv("CRS_ALLOWED_ORIGINS", "https://a.example, https://b.example")
    settings = WebSettings()
    assert settings.rasa_webhook_url == "http://rasa:5005/webhooks/rest/webhook"
    assert settings.console_enabled is False
    assert settings.allowed_origin_list == ["https://a.example", "https://b.example"]


def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRS_RASA_TIMEOUT_SECONDS", "-1")
    with pytest.raises(ValidationError):
        WebSettings()


def test_security_settings_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CRS_TRUSTED_PROXIES", "CRS_CONSOLE_LOGIN_RATE_LIMIT", "CRS_CONSOLE_MAX_CONCURRENT_HASHES",
                 "CRS_CONSOLE_AUDIT_RETENTION_DAYS"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    settings = WebSettings()
    assert settings.trusted_proxies == ""
    assert settings.console_login_rate_limit == "10/minute"
    assert settings.console_max_concurrent_hashes == 2
    assert settings.console_audit_retention_days == 365


def test_trusted_proxies_replace_trust_proxy_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRS_TRUST_PROXY_HEADERS", "true")
    monkeypatch.setenv("CRS_TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12")
    settings = WebSettings()
    assert not hasattr(settings, "trust_proxy_headers")
    assert settings.trusted_proxies == "10.0.0.1, 172.16.0.0/12"
    monkeypatch.setenv("CRS_TRUSTED_PROXIES", "nginx")
    with pytest.raises(ValidationError):
        WebSettings()
    monkeypatch.delenv("CRS_TRUSTED_PROXIES")
    monkeypatch.setenv("CRS_CONSOLE_LOGIN_RATE_LIMIT", "lots")
    with pytest.raises(ValidationError):
        WebSettings()


def test_the_console_can_have_its_own_database_role() -> None:
    from assistant.settings import Settings
    from web.console.config import ConsoleConfig

    shared = Settings.from_env({"CRS_DATABASE_URL": "postgresql://rasa@db/crs"})
    assert ConsoleConfig.from_settings(WebSettings(), shared).database_url == "postgresql://rasa@db/crs"
    own = WebSettings(console_database_url="postgresql://console@db/crs")
    assert ConsoleConfig.from_settings(own, shared).database_url == "postgresql://console@db/crs"


def test_every_console_setting_reaches_the_console() -> None:
    """Each CRS_CONSOLE_* field is copied by name into ConsoleConfig, none silently dropped."""
    from dataclasses import fields

    from assistant.settings import Settings
    from web.console.config import ConsoleConfig

    web = WebSettings(
        console_session_minutes=60, console_idle_minutes=10, console_max_failed_logins=3,
        console_lockout_minutes=7, console_cookie_secure=True, console_retention_days=30,
        console_audit_retention_days=90, console_login_rate_limit="4/minute",
        console_max_concurrent_hashes=1, console_low_confidence=0.3, trusted_proxies="10.0.0.1",
    )  # fmt: skip
    config = ConsoleConfig.from_settings(web, Settings.from_env({}))
    console_fields = {f.name for f in fields(ConsoleConfig)}
    for name in WebSettings.model_fields:
        if name.startswith("console_") and name not in ("console_enabled", "console_database_url"):
            short = name.removeprefix("console_")
            assert short in console_fields, name
            assert getattr(config, short) == getattr(web, name), name
    assert config.trusted_proxies == "10.0.0.1"


def test_the_launcher_reads_the_gateway_address_not_the_web_settings() -> None:
    assert "gateway_host" not in WebSettings.model_fields
    assert "gateway_port" not in WebSettings.model_fields


def test_transcript_lifetime_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRS_TRANSCRIPT_TTL_HOURS", raising=False)
    assert WebSettings().transcript_ttl_hours == 24
    monkeypatch.setenv("CRS_TRANSCRIPT_TTL_HOURS", "0")
    with pytest.raises(ValidationError):
        WebSettings()


def test_staff_alerts_need_a_web_address_and_a_long_secret() -> None:
    from assistant.settings import Settings
    from web.console.config import ConsoleConfig

    secret = "k" * 32
    web = WebSettings(
        urgent_webhook_url="https://bridge.example.org/crs",
        urgent_webhook_secret=secret,
        urgent_webhook_max_attempts=3,
        console_public_url="https://staff.example.org/console",
    )
    config = ConsoleConfig.from_settings(web, Settings.from_env({}))
    assert config.alerts_on and config.webhook_secret == secret and config.webhook_max_attempts == 3
    assert config.public_url == "https://staff.example.org/console"
    assert secret not in repr(config)
    assert not ConsoleConfig.from_settings(WebSettings(), Settings.from_env({})).alerts_on
    with pytest.raises(ValidationError, match="CRS_URGENT_WEBHOOK_SECRET"):
        WebSettings(urgent_webhook_url="https://bridge.example.org/crs", urgent_webhook_secret="short")
    for bad in ("ftp://bridge.example.org", "bridge.example.org/crs", "https://"):
        with pytest.raises(ValidationError, match="CRS_URGENT_WEBHOOK_URL"):
            WebSettings(urgent_webhook_url=bad, urgent_webhook_secret=secret)
    with pytest.raises(ValidationError, match="CRS_URGENT_WEBHOOK_MAX_ATTEMPTS|greater|less"):
        WebSettings(urgent_webhook_max_attempts=0)
