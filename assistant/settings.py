"""Deployment settings shared by the action server, the tracker store and the web app.

Read from the environment once, with defaults that run on a laptop. A hospital
changes the care-team contact or the emergency number here, without retraining.
Standard library only, so every process (Rasa's Python 3.10 and the web app's
environment) can import it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'rasa.db'}"


@dataclass(frozen=True)
class Settings:
    """Everything a deployment may change without retraining the model."""

    care_team_contact: str
    care_team_phone: Optional[str]
    emergency_number: str
    database_url: str

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> Settings:
        env = os.environ if env is None else env
        phone = env.get("CRS_CARE_TEAM_PHONE", "").strip() or None
        contact = env.get("CRS_CARE_TEAM_CONTACT", "").strip()
        if not contact:
            contact = f"call them at {phone}" if phone else "call the phone number on your discharge papers"
        emergency = env.get("CRS_EMERGENCY_NUMBER", "").strip() or "911"
        database_url = env.get("CRS_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
        return cls(
            care_team_contact=contact,
            care_team_phone=phone,
            emergency_number=emergency,
            database_url=database_url,
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings.from_env()
