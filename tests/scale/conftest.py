"""The scaled stack (2 Rasa replicas + actions behind nginx, PostgreSQL, Redis), once per session."""

from __future__ import annotations

import os
import uuid

import pytest

from launcher.scale import start_scale
from tests.scale.support import create_database, delete_redis_keys, drop_database

REDIS_HOST = os.environ.get("CRS_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("CRS_REDIS_PORT", "6379"))
REDIS_DB = int(os.environ.get("CRS_REDIS_DB", "1"))


@pytest.fixture(scope="session")
def scale_stack(tmp_path_factory):
    database_url = create_database()
    key_prefix = f"crstest{uuid.uuid4().hex[:8]}"  # Rasa accepts alphanumeric prefixes only
    log_dir = tmp_path_factory.mktemp("scale")
    try:
        with start_scale(
            replicas=2,
            database_url=database_url,
            redis_host=REDIS_HOST,
            redis_port=REDIS_PORT,
            redis_db=REDIS_DB,
            key_prefix=key_prefix,
            log_dir=log_dir,
        ) as stack:
            yield stack
    finally:
        delete_redis_keys(REDIS_HOST, REDIS_PORT, REDIS_DB, key_prefix)
        drop_database(database_url)
