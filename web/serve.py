"""Start the gateway: ``python -m web.serve --host 127.0.0.1 --port 8000``.

The one way the gateway is served (`make run`'s launcher, the image), so that uvicorn never
decides who the client is. Left to its defaults, uvicorn believes X-Forwarded-For and
X-Forwarded-Proto from 127.0.0.1 and ::1 and rewrites the client address before the app
sees it: any client on loopback (``make run``, a same-host proxy, an SSH tunnel, ``kubectl
port-forward``) would pick its own rate-limit bucket. Here uvicorn's proxy headers are off;
the app believes forwarded headers only from ``CRS_TRUSTED_PROXIES`` (`web.security.TrustedProxies`,
empty by default: the connection's own address is the client).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

import uvicorn
from starlette.types import ASGIApp

# uvicorn's own X-Forwarded-* handling: off, and trusting nobody should it be switched on.
PROXY_OPTIONS: dict[str, Any] = {"proxy_headers": False, "forwarded_allow_ips": ""}
APP = "web.app:create_app"


def config(
    app: ASGIApp | str = APP, host: str = "127.0.0.1", port: int = 8000, **options: Any
) -> uvicorn.Config:
    """uvicorn's configuration for the gateway (``app``: the factory's import path, or an app)."""
    factory = isinstance(app, str)
    return uvicorn.Config(app, host=host, port=port, factory=factory, **{**options, **PROXY_OPTIONS})


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m web.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    uvicorn.Server(config(host=args.host, port=args.port)).run()


if __name__ == "__main__":
    main()
