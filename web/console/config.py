"""The console's settings, taken from the web app's settings object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ConsoleConfig:
    """Everything the console needs; defaults run on a laptop."""

    database_url: str
    session_minutes: int = 480
    idle_minutes: int = 30
    retention_days: int = 180
    audit_retention_days: int = 365
    low_confidence: float = 0.6
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    login_rate_limit: str = "10/minute"
    max_concurrent_hashes: int = 2
    cookie_secure: bool = False
    page_size: int = 25
    # The gateway's CRS_TRUSTED_PROXIES (see web.security.TrustedProxies).
    trusted_proxies: str = ""

    @classmethod
    def from_settings(cls, settings: Any) -> ConsoleConfig:
        """From the web settings' ``console_*`` fields and ``trusted_proxies``; the
        database URL is ``console_database_url`` (CRS_CONSOLE_DATABASE_URL: the console's
        own database role, read-only on Rasa's events) or else the tracker store's
        (``assistant.settings``)."""
        from assistant.settings import get_settings

        url = (
            getattr(settings, "console_database_url", None)
            or getattr(settings, "database_url", None)
            or get_settings().database_url
        )
        values: dict[str, Any] = {"database_url": url}
        for name in (
            "session_minutes",
            "idle_minutes",
            "retention_days",
            "audit_retention_days",
            "low_confidence",
            "max_failed_logins",
            "lockout_minutes",
            "login_rate_limit",
            "max_concurrent_hashes",
            "cookie_secure",
            "page_size",
        ):
            value = getattr(settings, f"console_{name}", None)
            if value is not None:
                values[name] = value
        proxies = getattr(settings, "trusted_proxies", None)
        if proxies is not None:
            values["trusted_proxies"] = proxies
        return cls(**values)


def load_config() -> ConsoleConfig:
    """The console settings of this process (``CRS_CONSOLE_*`` and ``CRS_DATABASE_URL``)."""
    from web.settings import get_web_settings

    return ConsoleConfig.from_settings(get_web_settings())
