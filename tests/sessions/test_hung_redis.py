"""A hung Redis costs a hop well under a second and the caller a polite END.

The test starts its own redis-server on a free port and SIGSTOPs it (never the shared one).
"""

import os
import shutil
import signal
import time

import pytest

from tests.conftest import Handset

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)


def test_hung_redis_answers_politely_in_under_a_second(own_redis, app_factory):
    process, url = own_redis
    app = app_factory(REDIS_URL=url)
    phone = Handset(app.test_client(), "+254733000222")
    assert phone.send().startswith("CON Welcome to Sauti Money.")
    os.kill(process.pid, signal.SIGSTOP)
    try:
        started = time.perf_counter()
        body = phone.send("Wanjiku")
        elapsed = time.perf_counter() - started
    finally:
        os.kill(process.pid, signal.SIGCONT)
    assert body == "END Sorry, we are busy right now. Please dial again in a moment."
    assert elapsed < 1.0, f"hop took {elapsed:.2f} s"
