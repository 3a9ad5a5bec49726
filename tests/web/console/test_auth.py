import asyncio
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from tests.web.console.conftest import PASSWORD, csrf_of
from web.console.app import create_console
from web.console.config import ConsoleConfig
from web.console.services import auth
from web.console.tables import sessions
from web.console.tables import users as users_table


class SpyHasher:
    """Wraps the real argon2 hasher: counts verifications and how many run at once."""

    def __init__(self, real, pause: float = 0.0) -> None:  # noqa: ANN001
        self.real = real
        self.pause = pause
        self.hashes: list[str] = []
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def verify(self, stored: str, password: str) -> bool:
        with self._lock:
            self.hashes.append(stored)
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            if self.pause:
                time.sleep(self.pause)  # widen the window in which hashes overlap
            return self.real.verify(stored, password)
        finally:
            with self._lock:
                self.running -= 1

    def real_checks(self) -> int:
        """Verifications against a stored password (not the dummy hash)."""
        return sum(h != auth._DUMMY_HASH for h in self.hashes)

    def __getattr__(self, name: str):  # noqa: ANN204 - hash, check_needs_rehash...
        return getattr(self.real, name)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> SpyHasher:
    hasher = SpyHasher(auth._hasher)
    monkeypatch.setattr(auth, "_hasher", hasher)
    return hasher


def _sign_in(app, username: str, password: str, address: str = "198.51.100.7"):  # noqa: ANN001, ANN202
    """One sign-in through the HTTP form, from ``address``."""
    client = TestClient(app, client=(address, 40000))
    token = csrf_of(client.get("/login").text)
    data = {"username": username, "password": password, "csrf_token": token}
    return client.post("/login", data=data, follow_redirects=False)


def _message(response) -> str:  # noqa: ANN001
    found = re.search(r'class="errors" role="alert">([^<]*)<', response.text)
    assert found, response.text
    return found.group(1)


def _in_parallel(count: int, task: Callable[[int], object]) -> list[object]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(task, range(count)))


def _authenticate(engine, username: str, password: str, config: ConsoleConfig) -> auth.User:  # noqa: ANN001
    return asyncio.run(auth.authenticate(engine, username, password, config))


def _failed_logins(engine, username: str) -> int:  # noqa: ANN001
    with engine.begin() as conn:
        query = select(users_table.c.failed_logins).where(users_table.c.username == username)
        return conn.execute(query).scalar_one()


def test_password_is_hashed_with_argon2(engine, users) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        stored = conn.execute(select(users_table.c.password_hash)).scalars().all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)


def test_lockout_after_repeated_failures(engine, users, config: ConsoleConfig) -> None:  # noqa: ANN001
    for _ in range(config.account_failed_logins):
        with pytest.raises(auth.AuthError):
            _authenticate(engine, "rex", "wrong password!", config)
    with pytest.raises(auth.AuthError, match="Wrong username or password"):
        _authenticate(engine, "rex", PASSWORD, config)
    with engine.begin() as conn:
        conn.execute(update(users_table).values(locked_until=time.time() - 1))
    assert _authenticate(engine, "rex", PASSWORD, config).username == "rex"
    assert _failed_logins(engine, "rex") == 0


def test_an_expired_lockout_starts_a_new_count(engine, users, config: ConsoleConfig) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        conn.execute(update(users_table).values(failed_logins=9, locked_until=time.time() - 1))
    with pytest.raises(auth.AuthError):
        _authenticate(engine, "rex", "wrong password!", config)
    assert _failed_logins(engine, "rex") == 1
    assert _authenticate(engine, "rex", PASSWORD, config).username == "rex"


def test_parallel_wrong_guesses_are_all_counted_and_lock_the_account(config, users, engine, spy) -> None:  # noqa: ANN001
    limit = config.account_failed_logins
    guesses = limit + 10
    # Room for every guess to wait for a hash slot (none refused as busy: that is tested below).
    app = create_console(replace(config, max_waiting_sign_ins=guesses), engine)
    # Each guess from its own address, so the per-address sign-in limit stays out of the way.
    statuses = _in_parallel(
        guesses,
        lambda n: _sign_in(app, "rex", f"wrong guess {n}", f"198.51.100.{n + 1}").status_code,
    )
    assert statuses == [401] * guesses
    assert _failed_logins(engine, "rex") == guesses
    assert spy.real_checks() <= limit  # the rest were refused before the password was checked
    assert len(spy.hashes) == guesses  # ...but did the same work (the dummy hash)
    assert _sign_in(app, "rex", PASSWORD, "203.0.113.1").status_code == 401  # locked
    assert _sign_in(app, "ada", PASSWORD, "203.0.113.2").status_code == 303  # other accounts work


def test_an_outsiders_guesses_lock_out_the_outsider_not_the_staff_member(app, users, engine, spy) -> None:  # noqa: ANN001
    """The review's lockout DoS: 5 wrong passwords from 5 addresses, then the real admin."""
    for n in range(5):
        assert _sign_in(app, "ada", f"wrong password {n}", f"203.0.113.{n}").status_code == 401
    assert _sign_in(app, "ada", PASSWORD, "10.0.0.5").status_code == 303


def test_one_network_is_locked_out_of_an_account_after_its_wrong_guesses(app, users, engine, spy) -> None:  # noqa: ANN001
    limit = app.state.config.max_failed_logins
    for n in range(limit):
        assert _sign_in(app, "rex", f"wrong password {n}", "203.0.113.9").status_code == 401
    checked = spy.real_checks()
    # Further tries from that network (also as REX, also with the right password) are refused
    # after the same work, without a check and without counting toward the account's lockout.
    for name in ("rex", "REX", "rex"):
        response = _sign_in(app, name, PASSWORD, "203.0.113.9")
        assert response.status_code == 401 and auth.SIGN_IN_FAILED in _message(response)
    assert spy.real_checks() == checked and len(spy.hashes) == limit + 3
    assert _failed_logins(engine, "rex") == limit
    assert _sign_in(app, "ada", PASSWORD, "203.0.113.9").status_code == 303  # other accounts open
    assert _sign_in(app, "rex", PASSWORD, "198.51.100.20").status_code == 303  # from elsewhere too
    assert _failed_logins(engine, "rex") == 0


def test_a_right_password_clears_the_networks_count(app, users, engine, spy) -> None:  # noqa: ANN001
    limit = app.state.config.max_failed_logins
    for n in range(limit - 1):
        _sign_in(app, "rex", f"wrong password {n}", "203.0.113.9")
    assert _sign_in(app, "rex", PASSWORD, "203.0.113.9").status_code == 303
    for n in range(limit - 1):
        _sign_in(app, "rex", f"wrong password {n}", "203.0.113.9")
    assert _sign_in(app, "rex", PASSWORD, "203.0.113.9").status_code == 303


def test_every_refusal_has_the_same_message_and_one_verification(app, users, engine, spy) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        auth.create_user(conn, "dora", PASSWORD, "reviewer")
        auth.create_user(conn, "lock", PASSWORD, "reviewer")
        auth.set_active(conn, "dora", False)
        conn.execute(update(users_table).where(users_table.c.username == "lock")
                     .values(failed_logins=5, locked_until=time.time() + 600))  # fmt: skip
    cases = {
        "unknown user": ("nobody", PASSWORD),
        "wrong password": ("rex", "not the password"),
        "disabled account": ("dora", PASSWORD),
        "locked account, right password": ("lock", PASSWORD),
        "locked account, wrong password": ("lock", "not the password"),
    }
    messages = {}
    for number, (case, (username, password)) in enumerate(cases.items()):
        before = len(spy.hashes)
        response = _sign_in(app, username, password, f"198.51.100.{number + 1}")
        assert response.status_code == 401, case
        assert len(spy.hashes) - before == 1, case
        messages[case] = _message(response)
    assert len(set(messages.values())) == 1, messages
    assert auth.SIGN_IN_FAILED in messages.values()


def test_at_most_n_password_hashes_run_at_once(app, users, engine, spy) -> None:  # noqa: ANN001
    spy.pause = 0.05
    _in_parallel(8, lambda n: _sign_in(app, ("ada", "rex", "ghost")[n % 3], "wrong!", f"198.51.100.{n + 1}"))
    assert len(spy.hashes) == 8
    assert 1 <= spy.most_at_once <= 2  # the default CRS_CONSOLE_MAX_CONCURRENT_HASHES
    assert app.state.config.max_concurrent_hashes == 2


def test_sessions_expire_and_end(engine, users, config: ConsoleConfig) -> None:  # noqa: ANN001
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


def test_disabled_user_cannot_sign_in_and_loses_sessions(engine, users, config) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        token = auth.start_session(conn, users["reviewer"], config)
        auth.set_active(conn, "rex", False)
        assert auth.load_session(conn, token, config) is None
    with pytest.raises(auth.AuthError):
        _authenticate(engine, "rex", PASSWORD, config)


def test_create_user_validation(engine, users) -> None:  # noqa: ANN001
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


def test_sign_ins_beyond_the_hash_queue_are_refused_at_once_and_not_counted(engine, users, config) -> None:  # noqa: ANN001
    small = replace(config, max_concurrent_hashes=1, max_waiting_sign_ins=1)
    hashes = auth.password_hashes(small)
    with hashes.admission(), hashes.admission():  # two sign-ins hold every place
        with pytest.raises(auth.Busy):
            _authenticate(engine, "rex", "wrong password!", small)
        http = TestClient(create_console(small, engine), base_url="http://testserver")
        csrf = csrf_of(http.get("/login").text)
        form = {"username": "rex", "password": "wrong password!", "csrf_token": csrf}
        refused = http.post("/login", data=form, follow_redirects=False)
    assert refused.status_code == 503 and refused.headers["retry-after"] == "5"
    assert "Wait a few seconds" in refused.text
    assert _failed_logins(engine, "rex") == 0  # a refused sign-in counts toward no lockout
    assert hashes.admitted == 0
    assert _authenticate(engine, "rex", PASSWORD, small).username == "rex"


def test_password_checks_never_hold_the_shared_thread_pool(engine, users, config, monkeypatch) -> None:  # noqa: ANN001
    import anyio.to_thread

    release = threading.Event()
    real_verify = auth._verify_now

    def slow_verify(stored: str, password: str) -> bool:
        release.wait(10)
        return real_verify(stored, password)

    monkeypatch.setattr(auth, "_verify_now", slow_verify)
    small = replace(config, max_concurrent_hashes=2, max_waiting_sign_ins=30)

    async def scenario() -> bool:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 4
        guess = auth.authenticate
        sign_ins = [asyncio.ensure_future(guess(engine, "rex", "guess", small)) for _ in range(20)]
        await asyncio.sleep(0.3)  # every sign-in is checking or waiting for a hash slot
        # Work that needs the shared pool (the chat's database and Rasa calls) still gets a thread.
        got_thread = await asyncio.wait_for(anyio.to_thread.run_sync(lambda: True), timeout=5)
        release.set()
        await asyncio.gather(*sign_ins, return_exceptions=True)
        return got_thread

    assert asyncio.run(scenario())


# -- password policy and usernames (security review, issue 18) -----------------


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("nina", "password1234"),
        ("nina", "aaaaaaaaaaaa"),  # one repeated character
        ("nina", "abcdefghijkl"),  # a sequence
        ("nina", "123456789012"),
        ("nina", "qwerty123456"),
        ("nina", "letmein12345"),
        ("nina", "welcome12345"),
        ("nina", "admin1234567"),
        ("nina", "nina-password1"),  # the username inside the password
    ],
)
def test_guessable_passwords_are_refused_with_a_clear_message(engine, username: str, password: str) -> None:  # noqa: ANN001
    with engine.begin() as conn, pytest.raises(ValueError, match=r"^password is too easy to guess\. \w"):
        auth.create_user(conn, username, password, "admin")


def test_the_password_policy_keeps_the_minimum_length_and_accepts_strong_passwords(engine) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        with pytest.raises(ValueError, match="at least 12 characters"):
            auth.create_user(conn, "nina", "x7#Qv!2m", "admin")
        assert auth.create_user(conn, "nina", PASSWORD, "admin").username == "nina"
        assert auth.create_user(conn, "omar", "sunflower-tiger-42", "reviewer").username == "omar"
        assert auth.create_user(conn, "pia", "Tr0ub4dor&3xy" * 10, "reviewer").username == "pia"  # over 72


def test_usernames_are_normalised_and_look_alikes_refused(engine, users) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        for look_alike in ("ＡＤＡ", "ａｄａ", "ADA", " Ada "):  # full-width, capitals: the same account
            with pytest.raises(ValueError, match="user 'ada' already exists"):
                auth.create_user(conn, look_alike, PASSWORD, "admin")
        for refused in ("\u0430da", "adé", "bad name;", "a" * 65, "", "ada\u200b"):  # Cyrillic а, accent...
            with pytest.raises(ValueError, match="a username is 1-64 characters from a-z, 0-9"):
                auth.create_user(conn, refused, PASSWORD, "admin")
        assert auth.create_user(conn, "Nina.Ward-2", PASSWORD, "reviewer").username == "nina.ward-2"
        assert auth.normalise_username("ＡＤＡ") == auth.normalise_username("ADA") == "ada"


def test_sign_in_reads_the_username_as_accounts_are_created(engine, users, config: ConsoleConfig) -> None:  # noqa: ANN001
    for typed in ("ADA", "ａｄａ", " Ada"):
        assert _authenticate(engine, typed, PASSWORD, config).username == "ada"
    with pytest.raises(auth.AuthError):
        _authenticate(engine, "\u0430da", PASSWORD, config)  # Cyrillic а: another name, no account
    assert _failed_logins(engine, "ada") == 0


def test_unlock_user_clears_the_lockout_and_keeps_its_rules(engine, users, config: ConsoleConfig) -> None:  # noqa: ANN001
    for _ in range(config.account_failed_logins):
        with pytest.raises(auth.AuthError):
            _authenticate(engine, "rex", "wrong password!", config)
    with engine.begin() as conn:
        done = auth.unlock_user(conn, "REX")
        with pytest.raises(ValueError, match="no user 'ghost'"):
            auth.unlock_user(conn, "ghost")
    limit = config.account_failed_logins
    assert (done.username, done.failed_logins, done.was_locked(time.time())) == ("rex", limit, True)
    assert _authenticate(engine, "rex", PASSWORD, config).username == "rex"
    for _ in range(config.account_failed_logins):  # the lockout itself is unchanged
        with pytest.raises(auth.AuthError):
            _authenticate(engine, "rex", "wrong password!", config)
    with pytest.raises(auth.AuthError):
        _authenticate(engine, "rex", PASSWORD, config)
