import time

import pytest
from sqlalchemy import select, update

from tests.web.console.conftest import PASSWORD
from web.console import auth
from web.console.config import ConsoleConfig
from web.console.tables import sessions
from web.console.tables import users as users_table


def test_password_is_hashed_with_argon2(engine, users) -> None:
    with engine.begin() as conn:
        stored = conn.execute(select(users_table.c.password_hash)).scalars().all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)


def test_lockout_after_repeated_failures(engine, users, config: ConsoleConfig) -> None:
    for _ in range(config.max_failed_logins):
        with engine.begin() as conn, pytest.raises(auth.AuthError):
            auth.authenticate(conn, "rex", "wrong password!", config)
    with engine.begin() as conn, pytest.raises(auth.AuthError, match="Too many"):
        auth.authenticate(conn, "rex", PASSWORD, config)
    with engine.begin() as conn:
        conn.execute(update(users_table).values(locked_until=time.time() - 1))
        assert auth.authenticate(conn, "rex", PASSWORD, config).username == "rex"


def test_sessions_expire_and_end(engine, users, config: ConsoleConfig) -> None:
    with engine.begin() as conn:
        token = auth.start_session(conn, users["reviewer"], config)
        assert auth.load_session(conn, token, config).user.username == "rex"
        assert auth.load_session(conn, token + "x", config) is None
        conn.execute(update(sessions).values(last_seen=time.time() - 31 * 60))
        assert auth.load_session(conn, token, config) is None  # idle
        token = auth.start_session(conn, users["reviewer"], config)
        conn.execute(update(sessions).values(expires_at=time.time() - 1))
        assert auth.load_session(conn, token, config) is None  # absolute
        token = auth.start_session(conn, users["reviewer"], config)
        auth.end_session(conn, token)
        assert auth.load_session(conn, token, config) is None


def test_disabled_user_cannot_sign_in_and_loses_sessions(engine, users, config) -> None:
    with engine.begin() as conn:
        token = auth.start_session(conn, users["reviewer"], config)
        auth.set_active(conn, "rex", False)
        assert auth.load_session(conn, token, config) is None
        with pytest.raises(auth.AuthError):
            auth.authenticate(conn, "rex", PASSWORD, config)


def test_create_user_validation(engine, users) -> None:
    with engine.begin() as conn:
        for args in (("x", "short", "admin"), ("x", PASSWORD, "root"),
                     ("bad name;", PASSWORD, "admin"), ("rex", PASSWORD, "admin")):  # fmt: skip
            with pytest.raises(ValueError):
                auth.create_user(conn, *args)


def test_csrf_ok() -> None:
    assert auth.csrf_ok("abc", "abc")
    assert not auth.csrf_ok("abc", "abd")
    assert not auth.csrf_ok("abc", None)
    assert not auth.csrf_ok("", "")
