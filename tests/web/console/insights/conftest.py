"""The insights tests' fixture: rows for the summary tables."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.web.console.insights.support import Rows


@pytest.fixture
def rows(engine: Engine) -> Rows:
    return Rows(engine)
