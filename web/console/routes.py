"""Where the console's routes used to live; kept so ``from web.console.routes import
create_console`` (and ``ROUTES``, ``PUBLIC_PATHS``) keeps working.

The factory and the URL table are in `web.console.app`, the handlers in
`web.console.handlers`, sessions and CSRF in `web.console.guard`.
"""

from __future__ import annotations

from web.console.app import PUBLIC_PATHS, ROUTES, create_console

__all__ = ["PUBLIC_PATHS", "ROUTES", "create_console"]
