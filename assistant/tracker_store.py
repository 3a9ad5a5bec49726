"""Rasa's SQL tracker store, pointed at the database URL of the deployment settings.

`endpoints.yml` names this class, so Rasa and the staff console read one setting
(`CRS_DATABASE_URL`; default: the SQLite file `var/rasa.db`). Any SQLAlchemy URL
Rasa supports works, e.g. `postgresql://user@127.0.0.1:5432/crs`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import make_url

from assistant.settings import get_settings


class SettingsSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose URL comes from `assistant.settings`."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        url = get_settings().database_url
        ensure_sqlite_folder(url)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite database file, so a fresh clone just runs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
