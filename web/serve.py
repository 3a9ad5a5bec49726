"""Start the gateway: ``python -m web.serve --host 127.0.0.1 --port 8000``.

The one way the gateway is served (`make run`'s launcher, the image), so that uvicorn never
decides who the client is. Left to its defaults, uvicorn believes X-Forwarded-For and
X-Forwarded-Proto from 127.0.0.1 and ::1 and rewrites the client address before the app
sees it: any client on loopback (``make run``, a same-host proxy, an SSH tunnel, ``kubectl
port-forward``) would pick its own rate-limit bucket. Here uvicorn's proxy headers are off;
the app believes forwarded headers only from ``CRS_TRUSTED_PROXIES`` (`web.security.TrustedProxies`,
empty by default: the connection's own address is the client).

uvicorn's access log is off too: its line is the request line with the query string (a staff
search term) and the conversation id. The app writes its own (`web.access_log`, logger
``web.access``, on stdout like uvicorn's, at ``--log-level``): method, path without the query
string and with ids as placeholders, status, duration.
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Sequence
from typing import Any

import uvicorn
from starlette.types import ASGIApp
from uvicorn.config import LOG_LEVELS, LOGGING_CONFIG

from web.access_log import LOGGER as ACCESS_LOGGER

# uvicorn's own X-Forwarded-* handling: off, and trusting nobody should it be switched on.
PROXY_OPTIONS: dict[str, Any] = {"proxy_headers": False, "forwarded_allow_ips": ""}
# Options no caller may change: the proxy headers, and uvicorn's access log (the app's instead).
FIXED_OPTIONS: dict[str, Any] = {**PROXY_OPTIONS, "access_log": False}
APP = "web.app:create_app"


def log_config(log_level: str | int | None = None) -> dict[str, Any]:
    """uvicorn's logging configuration, plus a handler for the app's access log on stdout."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["web_access"] = {
        "formatter": "default",  # "INFO:     GET /api/config 200 1.2 ms"
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
    }
    level = LOG_LEVELS[log_level.lower()] if isinstance(log_level, str) else (log_level or LOG_LEVELS["info"])
    config["loggers"][ACCESS_LOGGER] = {"handlers": ["web_access"], "level": level, "propagate": False}
    return config


def config(
    app: ASGIApp | str = APP, host: str = "127.0.0.1", port: int = 8000, **options: Any
) -> uvicorn.Config:
    """uvicorn's configuration for the gateway (``app``: the factory's import path, or an app)."""
    factory = isinstance(app, str)
    options.setdefault("log_config", log_config(options.get("log_level")))
    return uvicorn.Config(app, host=host, port=port, factory=factory, **{**options, **FIXED_OPTIONS})


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m web.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    uvicorn.Server(config(host=args.host, port=args.port)).run()


if __name__ == "__main__":
    main()
