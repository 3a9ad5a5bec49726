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
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from limits import parse
from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.settings import Settings
from assistant.settings_spec import SPEC
from web.security import parse_networks


def spec_field(name: str) -> Any:
    """A pydantic field with the default and bounds the settings table gives `name`."""
    setting = SPEC[name]
    low, high = setting.minimum, setting.maximum
    return Field(
        default="" if setting.default is None else setting.default,
        gt=low if setting.above_minimum else None,
        ge=None if setting.above_minimum else low,
        le=high,
    )


class WebSettings(BaseSettings):
    """Settings of the web gateway, from `CRS_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="CRS_", frozen=True, extra="ignore")

    # Types here; defaults and bounds from the one table of settings (assistant/settings_spec.py).
    rasa_url: str = spec_field("CRS_RASA_URL")
    console_enabled: bool = spec_field("CRS_CONSOLE_ENABLED")
    console_database_url: str = spec_field("CRS_CONSOLE_DATABASE_URL")
    rasa_timeout_seconds: float = spec_field("CRS_RASA_TIMEOUT_SECONDS")
    health_timeout_seconds: float = spec_field("CRS_HEALTH_TIMEOUT_SECONDS")
    max_message_chars: int = spec_field("CRS_MAX_MESSAGE_CHARS")
    max_body_bytes: int = spec_field("CRS_MAX_BODY_BYTES")
    rate_limit: str = spec_field("CRS_RATE_LIMIT")
    rate_limit_enabled: bool = spec_field("CRS_RATE_LIMIT_ENABLED")
    new_conversation_rate: str = spec_field("CRS_NEW_CONVERSATION_RATE")
    conversation_message_limit: str = spec_field("CRS_CONVERSATION_MESSAGE_LIMIT")
    conversation_secret: SecretStr = SecretStr(str(SPEC["CRS_CONVERSATION_SECRET"].default))
    trusted_proxies: str = spec_field("CRS_TRUSTED_PROXIES")
    frame_ancestors: str = spec_field("CRS_FRAME_ANCESTORS")
    allowed_origins: str = spec_field("CRS_ALLOWED_ORIGINS")
    page_title: str = spec_field("CRS_PAGE_TITLE")
    transcript_ttl_hours: int = spec_field("CRS_TRANSCRIPT_TTL_HOURS")
    console_session_minutes: int = spec_field("CRS_CONSOLE_SESSION_MINUTES")
    console_idle_minutes: int = spec_field("CRS_CONSOLE_IDLE_MINUTES")
    console_max_failed_logins: int = spec_field("CRS_CONSOLE_MAX_FAILED_LOGINS")
    console_lockout_minutes: int = spec_field("CRS_CONSOLE_LOCKOUT_MINUTES")
    console_cookie_secure: bool = spec_field("CRS_CONSOLE_COOKIE_SECURE")
    console_retention_days: int = spec_field("CRS_CONSOLE_RETENTION_DAYS")
    console_audit_retention_days: int = spec_field("CRS_CONSOLE_AUDIT_RETENTION_DAYS")
    console_login_rate_limit: str = spec_field("CRS_CONSOLE_LOGIN_RATE_LIMIT")
    console_max_concurrent_hashes: int = spec_field("CRS_CONSOLE_MAX_CONCURRENT_HASHES")
    console_low_confidence: float = spec_field("CRS_CONSOLE_LOW_CONFIDENCE")
    console_public_url: str = spec_field("CRS_CONSOLE_PUBLIC_URL")
    urgent_webhook_url: str = spec_field("CRS_URGENT_WEBHOOK_URL")
    urgent_webhook_secret: SecretStr = SecretStr(str(SPEC["CRS_URGENT_WEBHOOK_SECRET"].default))
    urgent_webhook_max_attempts: int = spec_field("CRS_URGENT_WEBHOOK_MAX_ATTEMPTS")

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

    @field_validator("console_public_url", "urgent_webhook_url")
    @classmethod
    def _http_url(cls, value: str, info: ValidationInfo) -> str:
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.hostname):
            raise ValueError(f"CRS_{str(info.field_name).upper()} must be an http:// or https:// address")
        return value

    @model_validator(mode="after")
    def _webhook_secret(self) -> WebSettings:
        """An alert nobody can verify could come from anyone: the URL needs its secret."""
        secret = self.urgent_webhook_secret.get_secret_value()
        if self.urgent_webhook_url and len(secret) < 32:
            raise ValueError(
                "CRS_URGENT_WEBHOOK_SECRET must have at least 32 characters "
                "when CRS_URGENT_WEBHOOK_URL is set"
            )
        return self

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
