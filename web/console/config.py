"""The console's view of the web process's settings: a small typed subset, built explicitly.

Nothing here reads the environment: `ConsoleConfig.from_settings` copies named fields of
`web.settings.WebSettings` (``CRS_CONSOLE_*``, ``CRS_TRUSTED_PROXIES``) and the database
URL of `assistant.settings.Settings`. Tests build a `ConsoleConfig` directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.settings import Settings, get_settings
from assistant.settings_spec import SPEC
from web.settings import WebSettings, get_web_settings


def _default(name: str) -> Any:
    return SPEC[name].default


# How many networks' worth of wrong passwords lock an account for everyone: an outsider's
# guesses lock out the outsider's network, not the nurse on the ward.
ACCOUNT_SHARE = 10


@dataclass(frozen=True)
class ConsoleConfig:
    """Everything the console needs; defaults run on a laptop (the settings table's, as `WebSettings`)."""

    database_url: str
    session_minutes: int = _default("CRS_CONSOLE_SESSION_MINUTES")
    idle_minutes: int = _default("CRS_CONSOLE_IDLE_MINUTES")
    retention_days: int = _default("CRS_CONSOLE_RETENTION_DAYS")
    audit_retention_days: int = _default("CRS_CONSOLE_AUDIT_RETENTION_DAYS")
    low_confidence: float = _default("CRS_CONSOLE_LOW_CONFIDENCE")
    # Wrong passwords for one account from one client network before that network is refused
    # for `lockout_minutes` (web.console.guard.SourceLockout); the account itself locks after
    # ACCOUNT_SHARE times as many from all networks together (`account_failed_logins`).
    max_failed_logins: int = _default("CRS_CONSOLE_MAX_FAILED_LOGINS")
    lockout_minutes: int = _default("CRS_CONSOLE_LOCKOUT_MINUTES")
    login_rate_limit: str = _default("CRS_CONSOLE_LOGIN_RATE_LIMIT")
    max_concurrent_hashes: int = _default("CRS_CONSOLE_MAX_CONCURRENT_HASHES")
    # Not a setting: sign-ins that may wait for a hash slot (about 0.2 s a hash); one more is
    # refused with 503 at once (web.console.services.auth.PasswordHashes).
    max_waiting_sign_ins: int = 8
    cookie_secure: bool = _default("CRS_CONSOLE_COOKIE_SECURE")
    page_size: int = 25  # not a setting: rows per page of the conversation list
    # The gateway's CRS_TRUSTED_PROXIES (see web.security.TrustedProxies).
    trusted_proxies: str = _default("CRS_TRUSTED_PROXIES")
    # The console's address as staff open it (the staff alerts' conversation links).
    public_url: str = _default("CRS_CONSOLE_PUBLIC_URL")
    # Staff alerts on urgent reports (web.console.alerts): off while the URL is blank.
    webhook_url: str = _default("CRS_URGENT_WEBHOOK_URL")
    webhook_secret: str = field(default=_default("CRS_URGENT_WEBHOOK_SECRET"), repr=False)
    webhook_max_attempts: int = _default("CRS_URGENT_WEBHOOK_MAX_ATTEMPTS")

    @property
    def alerts_on(self) -> bool:
        return bool(self.webhook_url and self.webhook_secret)

    @property
    def account_failed_logins(self) -> int:
        """Wrong passwords from everywhere that lock the account for everyone (a distributed attack)."""
        return self.max_failed_logins * ACCOUNT_SHARE

    @classmethod
    def from_settings(cls, web: WebSettings, shared: Settings) -> ConsoleConfig:
        """The console's settings from the web process's two settings objects.

        The database URL is CRS_CONSOLE_DATABASE_URL (the console's own database role,
        read-only on Rasa's events) or else the tracker store's CRS_DATABASE_URL.
        """
        return cls(
            database_url=web.console_database_url or shared.database_url,
            session_minutes=web.console_session_minutes,
            idle_minutes=web.console_idle_minutes,
            retention_days=web.console_retention_days,
            audit_retention_days=web.console_audit_retention_days,
            low_confidence=web.console_low_confidence,
            max_failed_logins=web.console_max_failed_logins,
            lockout_minutes=web.console_lockout_minutes,
            login_rate_limit=web.console_login_rate_limit,
            max_concurrent_hashes=web.console_max_concurrent_hashes,
            cookie_secure=web.console_cookie_secure,
            trusted_proxies=web.trusted_proxies,
            public_url=web.console_public_url,
            webhook_url=web.urgent_webhook_url,
            webhook_secret=web.urgent_webhook_secret.get_secret_value(),
            webhook_max_attempts=web.urgent_webhook_max_attempts,
        )


def load_config() -> ConsoleConfig:
    """For the console CLI, a process of its own: its settings from the environment."""
    return ConsoleConfig.from_settings(get_web_settings(), get_settings())
