"""Soak (slow, never in CI; `make soak`): 20 minutes of the peer and money journeys at half
of the measured saturation. RSS stays flat, every Redis key has a TTL, the SQL pool is never
exhausted, and nothing answers 5xx.

SOAK_SECONDS shortens it for a try-out (e.g. SOAK_SECONDS=60 make soak).
"""

import os
import threading
import time

import psutil
import pytest

from tests.reliability import load
from tests.reliability.conftest import ledger_problems
from tests.reliability.test_load import keys_without_ttl

pytestmark = [pytest.mark.slow, pytest.mark.reliability]
SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", 20 * 60))
SAMPLE_EVERY_SECONDS = 10


def _rss_mb(pid: int) -> float:
    parent = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)]) / 2**20


def _saturation_users(url: str) -> int:
    """The number of users past which throughput stops growing (1, 2, 4, 8, 16)."""
    best_rate, best_users = 0.0, 1
    for users in (1, 2, 4, 8, 16):
        result = load.run([url], (load.PEER,), users, 5, msisdn=load.fresh_msisdn)
        rate = len(result.hops) / result.elapsed_s
        if rate < best_rate * 1.1:
            break
        best_rate, best_users = rate, users
    return best_users


def test_soak_at_half_of_saturation(stack):
    sauti = stack.sauti()
    url = sauti.base + sauti.path
    users = max(1, _saturation_users(url) // 2)
    stop = threading.Event()
    box: dict[str, load.Result] = {}
    journeys = (load.PEER, *load.MONEY)
    runner = threading.Thread(
        target=lambda: box.update(r=load.run([url], journeys, users, SOAK_SECONDS, stop=stop))
    )
    samples: list[tuple[float, float, int]] = []  # (seconds, RSS MB, SQL connections)
    started = time.monotonic()
    runner.start()
    while runner.is_alive():
        runner.join(SAMPLE_EVERY_SECONDS)
        connections = stack.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", stack.database
        )[0][0]
        samples.append((time.monotonic() - started, _rss_mb(sauti.proc.pid), connections))
    result = box["r"]
    warm = [rss for t, rss, _ in samples if t > min(120, SOAK_SECONDS / 4)] or [samples[-1][1]]
    growth = (warm[-1] - warm[0]) / warm[0]
    print(
        f"soak {SOAK_SECONDS:.0f} s at {users} users: {result.summary()}; RSS {warm[0]:.0f} -> "
        f"{warm[-1]:.0f} MB ({growth:+.1%}); SQL connections max {max(c for *_, c in samples)}"
    )
    assert result.server_errors == [] and result.not_con_end == []
    assert growth < 0.10, samples
    assert keys_without_ttl(stack.redis.url(0)) == []
    # 2 workers x (pool 5 + overflow 10): far below means the pool never ran dry.
    assert max(c for *_, c in samples) < 2 * 15
    assert ledger_problems(stack.database_url) == []
