"""The alert worker: a task of the console's process that, every `POLL_SECONDS`, catches the
summary up with Rasa's events, makes the alerts of new urgent reports and posts those due.

It runs beside the parents' chat, never in it: the chat's handlers do not wait for it, its
database work runs in worker threads, and its posts are asynchronous with a time-out, so a
slow or failing receiver delays nothing but its own retries. An attempt that fails (no
answer in `TIMEOUT_SECONDS`, a refused connection, a status other than 2xx) is tried again
after 1, 2, 4 … seconds, up to CRS_URGENT_WEBHOOK_MAX_ATTEMPTS tries.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

import anyio
import httpx
from sqlalchemy import Engine

from web.console.alerts import outbox, payload
from web.console.alerts.outbox import Attempt
from web.console.alerts.payload import Alert
from web.console.config import ConsoleConfig
from web.console.services import summary

POLL_SECONDS = 1.0
TIMEOUT_SECONDS = 5.0
SYNC_BATCH = 2000
LOG_EVERY = 60  # polls between two log lines of one lasting failure
logger = logging.getLogger(__name__)


class AlertWorker:
    """Delivers the staff alerts of one console (``config.alerts_on``)."""

    def __init__(
        self,
        engine: Engine,
        config: ConsoleConfig,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.config = config
        self.transport = transport
        self.clock = clock

    async def run(self) -> None:
        """Poll until cancelled; a failing database or receiver is logged and tried again."""
        async with httpx.AsyncClient(
            timeout=TIMEOUT_SECONDS, transport=self.transport, follow_redirects=False
        ) as client:
            failures = 0
            while True:
                try:
                    await self.tick(client)
                    failures = 0
                except Exception:  # noqa: BLE001 - the next poll tries again
                    # Logged at once, then once a minute while it lasts (e.g. before the
                    # console's tables are created: `python -m web.console.cli migrate`).
                    if failures % LOG_EVERY == 0:
                        logger.exception("Staff alerts: could not read or record alerts (failing for %d s)",
                                         failures * POLL_SECONDS)  # fmt: skip
                    failures += 1
                await asyncio.sleep(POLL_SECONDS)

    async def tick(self, client: httpx.AsyncClient) -> int:
        """One poll: returns how many alerts were posted."""
        due = await anyio.to_thread.run_sync(self._prepare)
        if not due:
            return 0
        attempts = await asyncio.gather(*(self._post(client, alert) for alert in due))
        await anyio.to_thread.run_sync(self._record, due, attempts)
        return len(due)

    def _prepare(self) -> list[Alert]:
        with self.engine.connect() as conn:
            behind = summary.is_behind(conn)
        if behind:
            summary.sync(self.engine, batch_size=SYNC_BATCH, max_batches=1)
        now = self.clock()
        with self.engine.begin() as conn:
            outbox.enqueue_new(conn, now)
            return outbox.claim_due(conn, now)

    async def _post(self, client: httpx.AsyncClient, alert: Alert) -> Attempt:
        body = payload.encode(payload.build(alert, self.config.public_url))
        headers = payload.headers(self.config.webhook_secret, alert.id, body, self.clock())
        try:
            response = await client.post(self.config.webhook_url, content=body, headers=headers)
        except httpx.TimeoutException:
            return Attempt(False, "timed out")
        except httpx.HTTPError as error:
            return Attempt(False, f"not sent: {type(error).__name__}")
        return Attempt(response.is_success, f"HTTP {response.status_code}")

    def _record(self, due: Sequence[Alert], attempts: Sequence[Attempt]) -> None:
        now = self.clock()
        with self.engine.begin() as conn:
            for alert, attempt in zip(due, attempts, strict=True):
                status = outbox.record(conn, alert, attempt, self.config.webhook_max_attempts, now)
                if status == outbox.FAILED:
                    logger.error("Staff alert %s was not delivered after %s tries", alert.id, alert.attempt)
