"""Every `CRS_*` setting of every process, in one table: its type, default, bounds, and which
processes read it. The processes build their typed settings objects from this table
(`assistant.settings` for Rasa and the action server, `web.settings` for the gateway and the
console, the launcher for `make run` and `scripts/scale.sh`); compose and the deployment
scripts read the `deploy` ones. The README's settings table is checked against it
(tests/contract/test_settings_spec.py).

Standard library only, so every virtualenv imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Mapping, Optional, Tuple, Union

Value = Union[str, int, float, bool]

# Who reads a setting.
RASA = "rasa"  # the Rasa server and its plugins (tracker store, response generator)
ACTIONS = "actions"  # the action server
WEB = "web"  # the gateway
CONSOLE = "console"  # the staff console (inside the gateway, or its own service)
LAUNCHER = "launcher"  # `make run` (launcher/stack.py) and `scripts/scale.sh` (launcher/scale.py)
DEPLOY = "deploy"  # docker-compose.yml, Kubernetes, deploy/postgres
PROCESSES = (RASA, ACTIONS, WEB, CONSOLE, LAUNCHER, DEPLOY)
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class SettingError(ValueError):
    """A setting's value is not of its type or outside its bounds; the message names both."""


@dataclass(frozen=True)
class Setting:
    name: str
    kind: type  # str, int, float or bool
    default: Optional[Value]  # None: no default (unset, or worked out by the process)
    read_by: Tuple[str, ...]
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    above_minimum: bool = False  # the minimum itself is not allowed (a time-out of 0)
    secret: bool = False

    @property
    def field(self) -> str:
        """The name in a settings object: CRS_MAX_BODY_BYTES -> max_body_bytes."""
        return self.name[len("CRS_") :].lower()

    def bounds_text(self) -> str:
        """ "from 0 to 300", "above 0 and at most 120", "at least 60", or "" without bounds."""
        low = self.minimum is not None and (
            f"above {self.minimum:g}" if self.above_minimum else f"from {self.minimum:g}"
        )
        if low and self.maximum is not None:
            joiner = " and at most " if self.above_minimum else " to "
            return f"{low}{joiner}{self.maximum:g}"
        if low:
            return low if self.above_minimum else f"at least {self.minimum:g}"
        return f"at most {self.maximum:g}" if self.maximum is not None else ""

    def parse(self, raw: Optional[str]) -> Optional[Value]:
        """The value of `raw` (blank or None: the default); SettingError names a bad one."""
        text = (raw or "").strip()
        if not text:
            return self.default
        if self.kind is bool:
            if text.lower() in _TRUE + _FALSE:
                return text.lower() in _TRUE
            raise SettingError(f"{self.name} must be true or false, not {text!r}")
        if self.kind in (int, float):
            return self._number(text)
        return text

    def _number(self, text: str) -> Value:
        what = "a whole number" if self.kind is int else "a number"
        try:
            value = self.kind(text)
        except ValueError:
            raise SettingError(f"{self.name} must be {what}, not {text!r}") from None
        too_low = self.minimum is not None and (
            value <= self.minimum if self.above_minimum else value < self.minimum
        )
        if too_low or (self.maximum is not None and value > self.maximum):
            raise SettingError(f"{self.name} must be {self.bounds_text()}, not {text!r}")
        return value


def _s(name: str, kind: type, default: Optional[Value], *read_by: str, **limits: object) -> Setting:
    return Setting(name, kind, default, tuple(read_by), **limits)  # type: ignore[arg-type]


SETTINGS: Tuple[Setting, ...] = (
    # The care team and the emergency number, said in every reply (assistant/settings.py).
    _s("CRS_CARE_TEAM_PHONE", str, None, RASA, ACTIONS, WEB),
    _s("CRS_CARE_TEAM_CONTACT", str, None, RASA, ACTIONS, WEB),
    _s("CRS_EMERGENCY_NUMBER", str, "911", RASA, ACTIONS, WEB),
    # The conversations' database and Rasa's serving.
    _s("CRS_DATABASE_URL", str, None, RASA, WEB, CONSOLE, LAUNCHER),
    _s("CRS_DB_RETRY_SECONDS", float, 5.0, RASA, minimum=0, maximum=300),
    _s("CRS_TRACKER_CACHE_SIZE", int, 64, RASA, minimum=0, maximum=100_000),
    # Blank or "auto": one per core (assistant/settings.py reads "auto").
    _s("CRS_RASA_WORKERS", int, None, LAUNCHER, minimum=1, maximum=64),
    _s("CRS_GATEWAY_HOST", str, "127.0.0.1", LAUNCHER),
    _s("CRS_GATEWAY_PORT", int, 8000, LAUNCHER, minimum=1, maximum=65_535),
    _s("CRS_SCALE_PORT", int, 5080, LAUNCHER, minimum=1, maximum=65_535),
    _s("CRS_REDIS_HOST", str, "127.0.0.1", LAUNCHER, DEPLOY),
    _s("CRS_REDIS_PORT", int, 6379, LAUNCHER, DEPLOY, minimum=1, maximum=65_535),
    _s("CRS_REDIS_DB", int, 1, LAUNCHER, DEPLOY, minimum=0, maximum=15),
    # The gateway (web/settings.py).
    _s("CRS_RASA_URL", str, "http://127.0.0.1:5005", WEB),
    _s("CRS_RASA_TIMEOUT_SECONDS", float, 20.0, WEB, minimum=0, maximum=120, above_minimum=True),
    _s("CRS_HEALTH_TIMEOUT_SECONDS", float, 2.0, WEB, minimum=0, maximum=30, above_minimum=True),
    _s("CRS_PAGE_TITLE", str, "CRS questions: a helper for parents", WEB),
    _s("CRS_MAX_MESSAGE_CHARS", int, 1000, WEB, minimum=1, maximum=10_000),
    _s("CRS_MAX_BODY_BYTES", int, 16_384, WEB, minimum=1024, maximum=1_048_576),
    _s("CRS_RATE_LIMIT", str, "30/minute", WEB),
    _s("CRS_RATE_LIMIT_ENABLED", bool, True, WEB),
    _s("CRS_NEW_CONVERSATION_RATE", str, "30/hour", WEB),
    _s("CRS_CONVERSATION_MESSAGE_LIMIT", str, "300/day", WEB),
    _s("CRS_CONVERSATION_SECRET", str, "", WEB, secret=True),
    _s("CRS_FRAME_ANCESTORS", str, "'self'", WEB),
    _s("CRS_ALLOWED_ORIGINS", str, "", WEB),
    _s("CRS_TRUSTED_PROXIES", str, "", WEB, CONSOLE),
    _s("CRS_TRANSCRIPT_TTL_HOURS", int, 24, WEB, minimum=1, maximum=24 * 30),
    # The staff console (web/settings.py, web/console/config.py).
    _s("CRS_CONSOLE_ENABLED", bool, True, WEB),
    _s("CRS_CONSOLE_DATABASE_URL", str, "", CONSOLE),
    _s("CRS_CONSOLE_SESSION_MINUTES", int, 480, CONSOLE, minimum=5, maximum=7 * 24 * 60),
    _s("CRS_CONSOLE_IDLE_MINUTES", int, 30, CONSOLE, minimum=1, maximum=24 * 60),
    _s("CRS_CONSOLE_MAX_FAILED_LOGINS", int, 5, CONSOLE, minimum=1, maximum=100),
    _s("CRS_CONSOLE_LOCKOUT_MINUTES", int, 15, CONSOLE, minimum=1, maximum=24 * 60),
    _s("CRS_CONSOLE_COOKIE_SECURE", bool, False, CONSOLE),
    _s("CRS_CONSOLE_RETENTION_DAYS", int, 180, CONSOLE, minimum=1, maximum=3650),
    _s("CRS_CONSOLE_AUDIT_RETENTION_DAYS", int, 365, CONSOLE, minimum=1, maximum=3650),
    _s("CRS_CONSOLE_LOGIN_RATE_LIMIT", str, "10/minute", CONSOLE),
    _s("CRS_CONSOLE_MAX_CONCURRENT_HASHES", int, 2, CONSOLE, minimum=1, maximum=32),
    _s("CRS_CONSOLE_LOW_CONFIDENCE", float, 0.6, CONSOLE, minimum=0, maximum=1),
    # Where the console's links point (the staff alerts' conversation link).
    _s("CRS_CONSOLE_PUBLIC_URL", str, "http://127.0.0.1:8000/console", CONSOLE),
    # Staff alerts on urgent reports (web/console/alerts): off while the URL is blank.
    _s("CRS_URGENT_WEBHOOK_URL", str, "", CONSOLE),
    _s("CRS_URGENT_WEBHOOK_SECRET", str, "", CONSOLE, secret=True),
    _s("CRS_URGENT_WEBHOOK_MAX_ATTEMPTS", int, 12, CONSOLE, minimum=1, maximum=50),
    # Deployment only (docker-compose.yml, deploy/k8s, deploy/postgres).
    _s("CRS_REDIS_PASSWORD", str, None, DEPLOY, secret=True),  # deploy/endpoints.docker.yml
    _s("CRS_RASA_DB_PASSWORD", str, None, DEPLOY, secret=True),
    _s("CRS_CONSOLE_DB_PASSWORD", str, None, DEPLOY, secret=True),
    _s("CRS_RETENTION_DB_PASSWORD", str, None, DEPLOY, secret=True),
    _s("CRS_TLS_DIR", str, None, DEPLOY),
    _s("CRS_CONSOLE_BIND", str, "127.0.0.1", DEPLOY),
    _s("CRS_RETENTION_INTERVAL_SECONDS", int, 86_400, DEPLOY, minimum=60),
    _s("CRS_ROLES_SQL", str, "/etc/crs/roles.sql", DEPLOY),
)
SPEC: Dict[str, Setting] = {setting.name: setting for setting in SETTINGS}
# Variables of the build and test tools, not of the product: not settings.
TOOL_VARIABLES = ("CRS_TEST_POSTGRES_URL", "CRS_REQUIRE_REAL_STACK", "CRS_AUDIT_UNAUDITED")


def default(name: str) -> Optional[Value]:
    return SPEC[name].default


def read(name: str, env: Mapping[str, str]) -> Optional[Value]:
    """The value of one setting in `env` (its default when unset or blank)."""
    return SPEC[name].parse(env.get(name))


def read_by(process: str) -> Tuple[Setting, ...]:
    return tuple(setting for setting in SETTINGS if process in setting.read_by)
