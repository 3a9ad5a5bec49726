"""Load on Rasa's REST channel with aiohttp: one user in sequence, or many at once.

Every conversation has its own sender id; each user sends its messages one after
the other (a closed loop, as people chat), so the load is bounded by
`users * messages_per_user`.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=120)


@dataclass
class LoadResult:
    latencies: List[float] = field(default_factory=list)  # seconds, successful messages only
    errors: int = 0
    elapsed: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, int(round(q / 100 * len(ordered) + 0.5)))
    return ordered[min(rank, len(ordered)) - 1]


async def timed_post(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> Optional[float]:
    """Send one message to the REST webhook: the seconds until a non-empty reply, None on an error."""
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None)
            ok = response.status == 200 and isinstance(body, list) and len(body) > 0
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        ok = False
    return time.perf_counter() - start if ok else None


async def _conversation(
    session: aiohttp.ClientSession, url: str, sender: str, texts: Sequence[str], result: LoadResult
) -> None:
    for text in texts:
        latency = await timed_post(session, url, sender, text)
        if latency is not None:
            result.latencies.append(latency)
        else:
            result.errors += 1


async def _run(rasa_url: str, texts: Sequence[str], users: int, per_user: int) -> LoadResult:
    url = f"{rasa_url}/webhooks/rest/webhook"
    result = LoadResult()
    run_id = uuid.uuid4().hex[:8]
    connector = aiohttp.TCPConnector(limit=users)
    async with aiohttp.ClientSession(timeout=TIMEOUT, connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(
            *(
                _conversation(
                    session,
                    url,
                    f"bench-{run_id}-{user}",
                    [texts[(user * per_user + i) % len(texts)] for i in range(per_user)],
                    result,
                )
                for user in range(users)
            )
        )
        result.elapsed = time.perf_counter() - start
    return result


def run_load(rasa_url: str, texts: Sequence[str], users: int, per_user: int) -> LoadResult:
    """`users` conversations at once, `per_user` messages each."""
    return asyncio.run(_run(rasa_url, texts, users, per_user))


async def _first_reply(url: str, deadline: float) -> bool:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        while time.monotonic() < deadline:
            try:
                async with session.post(url, json={"sender": "bench-cold", "message": "hi"}) as response:
                    if response.status == 200 and await response.json(content_type=None):
                        return True
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                pass
            await asyncio.sleep(0.1)
    return False


def wait_first_reply(rasa_url: str, timeout: float) -> bool:
    """Poll the webhook every 0.1 s until the bot answers a message."""
    return asyncio.run(_first_reply(f"{rasa_url}/webhooks/rest/webhook", time.monotonic() + timeout))
