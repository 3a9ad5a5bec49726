import io

import pytest
from sqlalchemy import select

from tests.web.console.conftest import PASSWORD
from web.console import cli
from web.console.config import ConsoleConfig
from web.console.tables import users


def test_create_disable_enable_purge(database_url: str, engine, monkeypatch, capsys) -> None:  # noqa: ANN001
    config = ConsoleConfig(database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["create-user", "--username", "nina", "--role", "admin",
                     "--password-stdin"], config) == 0  # fmt: skip
    assert "Created admin 'nina'" in capsys.readouterr().out
    assert cli.main(["disable-user", "--username", "nina"], config) == 0
    with engine.begin() as conn:
        assert conn.execute(select(users.c.active)).scalar_one() is False
    assert cli.main(["enable-user", "--username", "nina"], config) == 0
    assert cli.main(["migrate"], config) == 0
    assert cli.main(["purge-old", "--days", "30"], config) == 0
    assert "Deleted 0 conversation(s) older than 30 days" in capsys.readouterr().out


def test_errors_are_reported_not_raised(database_url: str, monkeypatch, capsys) -> None:  # noqa: ANN001
    config = ConsoleConfig(database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["create-user", "--username", "x", "--role", "admin",
                     "--password-stdin"], config) == 2  # fmt: skip
    assert cli.main(["disable-user", "--username", "ghost"], config) == 2
    with pytest.raises(SystemExit):
        cli.main(["create-user", "--username", "x", "--role", "root"], config)
