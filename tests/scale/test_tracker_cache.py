"""The tracker cache on PostgreSQL (127.0.0.1:5432): the scenarios of
tests/assistant/plugins/test_tracker_cache.py, each on two new databases (the one under
test and one for Rasa's store alone), dropped afterwards."""

from __future__ import annotations

from typing import Iterator, Tuple

import pytest

from tests.assistant.plugins.test_tracker_cache import (
    check_clock_behind,
    check_late_commit,
    check_long_conversation,
    check_restart,
    check_retention,
    check_retries,
    check_reused_ids,
    check_saves_without_reads,
    check_stores_taking_turns,
    stores,  # noqa: F401 - the fixture
)
from tests.scale.support import create_database, drop_database


@pytest.fixture
def urls() -> Iterator[Tuple[str, str]]:
    cached, alone = create_database(prefix="crs_cache"), create_database(prefix="crs_cache")
    try:
        yield cached, alone
    finally:
        drop_database(cached)
        drop_database(alone)


def test_a_long_conversation_is_rasas(urls, stores):  # noqa: F811
    check_long_conversation(*urls, stores)


def test_two_stores_taking_turns_on_one_database(urls, stores):  # noqa: F811
    check_stores_taking_turns(*urls, stores)


def test_a_restarted_store_starts_empty_and_catches_up(urls, stores):  # noqa: F811
    check_restart(*urls, stores)


def test_saves_without_a_read_store_what_rasa_stores(urls, stores):  # noqa: F811
    check_saves_without_reads(*urls, stores)


def test_retention_deletes_are_never_undone_by_the_cache(urls, stores):  # noqa: F811
    check_retention(urls[0], stores)


def test_events_from_a_clock_behind_stay_out_of_the_session_as_in_rasa(urls, stores):  # noqa: F811
    check_clock_behind(urls[0], stores)


def test_a_late_commit_below_the_last_id_is_noticed(urls, stores):  # noqa: F811
    check_late_commit(urls[0], stores)


def test_a_conversation_of_as_many_events_after_retention_is_read_anew(urls, stores):  # noqa: F811
    check_reused_ids(urls[0], stores)


def test_the_retries_work_on_the_cached_path(urls, stores):  # noqa: F811
    check_retries(urls[0], stores)
