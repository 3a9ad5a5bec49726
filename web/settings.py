"""The web app's settings: one typed object, read from the environment once.

Deployment facts shared with the bot (care-team contact, phone, emergency number,
database URL) live in `assistant.settings`; this object holds only what the web
process needs on top of them. Defaults run on a laptop.

The web process reads both once, in `web.app.create_app`, which keeps them on
``app.state``; handlers receive them through the FastAPI dependencies below, never
from a module-level global. The gateway's host and port (CRS_GATEWAY_HOST/PORT) are not
here: the launcher (launcher/stack.py) reads them and passes them to `python -m web.serve`.
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import Request
from limits import parse
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.settings import Settings
from web.security import parse_networks


class WebSettings(BaseSettings):
    """Settings of the web gateway, from `CRS_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="CRS_", frozen=True, extra="ignore")

    rasa_url: str = "http://127.0.0.1:5005"
    console_enabled: bool = True
    # The console's own database role (its tables; SELECT only on Rasa's events). Empty:
    # CRS_DATABASE_URL, Rasa's, as on a laptop. See deploy/README.md.
    console_database_url: str = ""

    # Bounded wait for Rasa: the parent gets an answer or an error within this time.
    rasa_timeout_seconds: float = Field(default=20.0, gt=0, le=120)
    health_timeout_seconds: float = Field(default=2.0, gt=0, le=30)

    # Input limits.
    max_message_chars: int = Field(default=1000, ge=1, le=10_000)
    max_body_bytes: int = Field(default=16_384, ge=1024, le=1_048_576)

    # Per-client rate limit on the chat API, in the `limits` library's notation.
    rate_limit: str = "30/minute"
    rate_limit_enabled: bool = True
    # New conversations one client network may start (POST /api/conversations), and the
    # messages one conversation may take in a day (past it the widget starts a new one).
    new_conversation_rate: str = "30/hour"
    conversation_message_limit: str = "300/day"
    # Signs the conversation tokens the gateway issues (web/chat/conversation_ids.py), at least
    # 32 characters. Empty: a random secret per process, so tokens end when the gateway restarts
    # (the widget then starts a new conversation by itself); gateways behind one load balancer
    # must share one.
    conversation_secret: SecretStr = SecretStr("")
    # Reverse proxies (IPs or CIDRs, comma/space-separated) whose X-Forwarded-For and
    # X-Forwarded-Proto are believed; empty: the direct peer is the client. Replaces the
    # removed CRS_TRUST_PROXY_HEADERS (see web.security.TrustedProxies).
    trusted_proxies: str = ""

    # Embedding: who may frame the page (CSP frame-ancestors) and call the API from
    # another origin (CORS). Space/comma-separated lists of origins.
    frame_ancestors: str = "'self'"
    allowed_origins: str = ""

    page_title: str = "CRS questions: a helper for parents"
    # How long the widget keeps a conversation on the parent's device after the last message.
    transcript_ttl_hours: int = Field(default=24, ge=1, le=24 * 30)

    # Staff console (web/console): sessions, sign-in lockout, retention, flags.
    console_session_minutes: int = Field(default=480, ge=5, le=7 * 24 * 60)
    console_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    console_max_failed_logins: int = Field(default=5, ge=1, le=100)
    console_lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    console_cookie_secure: bool = False  # Secure cookies even on plain HTTP (always on HTTPS)
    console_retention_days: int = Field(default=180, ge=1, le=3650)
    console_audit_retention_days: int = Field(default=365, ge=1, le=3650)
    # Sign-in attempts per client address, and password hashes (64 MiB each) at once.
    console_login_rate_limit: str = "10/minute"
    console_max_concurrent_hashes: int = Field(default=2, ge=1, le=32)
    console_low_confidence: float = Field(default=0.6, ge=0, le=1)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        parse_networks(value)  # ValueError names the bad entry
        return value

    @field_validator("conversation_secret")
    @classmethod
    def _secret(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() and len(value.get_secret_value()) < 32:
            raise ValueError("CRS_CONVERSATION_SECRET must have at least 32 characters")
        return value

    @field_validator(
        "rate_limit", "console_login_rate_limit", "new_conversation_rate", "conversation_message_limit"
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        parse(value)
        return value

    @property
    def allowed_origin_list(self) -> list[str]:
        return [o for o in self.allowed_origins.replace(",", " ").split() if o]

    @property
    def rasa_webhook_url(self) -> str:
        return self.rasa_url.rstrip("/") + "/webhooks/rest/webhook"


@lru_cache(maxsize=1)
def get_web_settings() -> WebSettings:
    """The process's web settings, read from the environment on first use.

    Only for entry points (`create_app()` without arguments, the console CLI);
    handlers use `get_web_settings_from_app`."""
    return WebSettings()


def web_settings_of(request: Request) -> WebSettings:
    """The web settings `create_app` was given (for code outside a dependency)."""
    settings: WebSettings = request.app.state.web_settings
    return settings


def shared_settings_of(request: Request) -> Settings:
    """The deployment settings shared with the bot (`assistant.settings`) `create_app` was given."""
    shared: Settings = request.app.state.shared_settings
    return shared


# FastAPI dependencies are coroutines: a plain function would be run in the shared thread
# pool, so the parents' chat would wait for a thread whenever something else holds them all.


async def get_web_settings_from_app(request: Request) -> WebSettings:
    """FastAPI dependency: the web settings `create_app` was given."""
    return web_settings_of(request)


async def get_shared_settings_from_app(request: Request) -> Settings:
    """FastAPI dependency: the deployment settings shared with the bot (`assistant.settings`)."""
    return shared_settings_of(request)
