"""A hung Redis costs a hop well under a second and the caller a polite END.

The test starts its own redis-server on a free port and SIGSTOPs it (never the shared one).
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

from tests.conftest import Handset

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.02)
    yield process, f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=5)


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
    assert body == "END Sorry, we are busy. Please dial again."
    assert elapsed < 1.0, f"hop took {elapsed:.2f} s"
