"""Helpers of the scale-out tests: REST calls, PostgreSQL databases, Redis keys, tracker events."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa

from launcher.databases import ensure_database

SHARED_POSTGRES = "postgresql://postgres@127.0.0.1:5432"


@dataclass
class Reply:
    status: int
    body: Any

    @property
    def texts(self) -> List[str]:
        if self.status != 200 or not isinstance(self.body, list):
            return []
        return [m["text"] for m in self.body if "text" in m]


def post(base_url: str, sender: str, message: str, timeout: float = 90) -> Reply:
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, json.loads(response.read()))
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode(errors="replace")
        return Reply(error.code, body)
    except (urllib.error.URLError, OSError) as error:
        return Reply(0, str(error))


def get_json(url: str, timeout: float = 15) -> Tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def create_database(server_url: str = SHARED_POSTGRES, prefix: str = "crs_scale") -> str:
    """A new, empty database on the server; its URL."""
    url = f"{server_url}/{prefix}_{uuid.uuid4().hex[:10]}"
    ensure_database(url)
    return url


def drop_database(database_url: str) -> None:
    server_url, name = database_url.rsplit("/", 1)
    admin = sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
        )
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def delete_redis_keys(host: str, port: int, db: int, prefix: str) -> None:
    import redis

    client = redis.Redis(host=host, port=port, db=db)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


def tracker_events(database_url: str, sender: str) -> List[Dict[str, Any]]:
    """The sender's events in the order Rasa stored them."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            ).fetchall()
    finally:
        engine.dispose()
    return [json.loads(row[0]) for row in rows]


def turns(events: List[Dict[str, Any]]) -> List[Tuple[str, List[str]]]:
    """(user text, bot texts that followed it before the next user message), in stored order."""
    out: List[Tuple[str, List[str]]] = []
    for event in events:
        if event["event"] == "user":
            out.append((event.get("text") or "", []))
        elif event["event"] == "bot" and out:
            out[-1][1].append(event.get("text") or "")
    return out


def count(events: List[Dict[str, Any]], kind: str, name: Optional[str] = None) -> int:
    return sum(1 for e in events if e["event"] == kind and (name is None or e.get("name") == name))
