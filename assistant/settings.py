"""Deployment settings shared by the action server, the tracker store and the web app.

Read from the environment once, with defaults that run on a laptop. A hospital
changes the care-team contact or the emergency number here, without retraining.
Standard library only, so every process (Rasa's Python 3.10 and the web app's
environment) can import it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

from assistant.settings_spec import SPEC, read

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'rasa.db'}"
# Said in every reply as "To reach them, {care_team_contact}." (domain/core.yml's slot
# `initial_value` is the same text, checked by tests/contract/test_settings_defaults.py).
DEFAULT_CARE_TEAM_CONTACT = (
    "call the phone number on your discharge papers, or if you are in the hospital, tell your child's nurse"
)
DEFAULT_EMERGENCY_NUMBER = str(SPEC["CRS_EMERGENCY_NUMBER"].default)
DEFAULT_DB_RETRY_SECONDS = float(SPEC["CRS_DB_RETRY_SECONDS"].default or 0)
# Conversations whose tracker each Rasa process keeps in memory (assistant/plugins/tracker_store.py):
# enough for the conversations going on at once; a miss costs one full read, as without the cache.
# A 10-turn conversation holds about 0.2 MB, a 300-turn one about 6 MB (bench/tracker_turns.py).
DEFAULT_TRACKER_CACHE_SIZE = int(SPEC["CRS_TRACKER_CACHE_SIZE"].default or 0)
MAX_TRACKER_CACHE_SIZE = int(SPEC["CRS_TRACKER_CACHE_SIZE"].maximum or 0)
# Most Sanic workers `make run` may start (launcher/stack.py); each loads the model (about 1 GB).
MAX_RASA_WORKERS = int(SPEC["CRS_RASA_WORKERS"].maximum or 0)
# A contact made only of a phone number: digits with spaces, dashes, dots, brackets, a leading +.
_BARE_PHONE = re.compile(r"\+?[\d\s().-]*\d[\d\s().-]*")


def contact_text(contact: str) -> str:
    """The care-team contact as the end of "To reach them, ...".

    A bare phone number ("555-0100", "+1 (555) 010-0100") becomes "call them at 555-0100",
    and a final full stop is dropped, since the reply adds its own.
    """
    contact = contact.strip().rstrip(".").strip()
    if _BARE_PHONE.fullmatch(contact) and sum(c.isdigit() for c in contact) >= 3:
        return f"call them at {contact}"
    return contact


@dataclass(frozen=True)
class Settings:
    """Everything a deployment may change without retraining the model."""

    care_team_contact: str
    care_team_phone: Optional[str]
    emergency_number: str
    database_url: str
    # How long Rasa's tracker store retries a failing database before the parent gets an error.
    db_retry_seconds: float = DEFAULT_DB_RETRY_SECONDS
    # How many conversations' trackers each Rasa process keeps in memory (0: none).
    tracker_cache_size: int = DEFAULT_TRACKER_CACHE_SIZE
    # Sanic workers of the Rasa server `make run` starts; None: one per core.
    rasa_workers: Optional[int] = None

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> Settings:
        env = os.environ if env is None else env
        phone = env.get("CRS_CARE_TEAM_PHONE", "").strip() or None
        contact = contact_text(env.get("CRS_CARE_TEAM_CONTACT", ""))
        if not contact:
            contact = f"call them at {phone}" if phone else DEFAULT_CARE_TEAM_CONTACT
        emergency = env.get("CRS_EMERGENCY_NUMBER", "").strip() or DEFAULT_EMERGENCY_NUMBER
        database_url = env.get("CRS_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
        return cls(
            care_team_contact=contact,
            care_team_phone=phone,
            emergency_number=emergency,
            database_url=database_url,
            db_retry_seconds=float(read("CRS_DB_RETRY_SECONDS", env) or 0),
            tracker_cache_size=int(read("CRS_TRACKER_CACHE_SIZE", env) or 0),
            rasa_workers=_workers(env.get("CRS_RASA_WORKERS", "")),
        )


def _workers(raw: str) -> Optional[int]:
    """CRS_RASA_WORKERS: blank or "auto" is None (one per core), else 1 to MAX_RASA_WORKERS."""
    if raw.strip().lower() in ("", "auto"):
        return None
    return int(SPEC["CRS_RASA_WORKERS"].parse(raw) or 0)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings.from_env()
