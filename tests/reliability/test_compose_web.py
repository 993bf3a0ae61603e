"""The web command of compose.yaml, run as the container would run it (sh, the same
environment names): it starts gunicorn, sizes workers to the cores, and serves /readyz."""

import os
import signal
import subprocess
import time
import urllib.request

import pytest
from ruamel.yaml import YAML

from tests.reliability.servers import ROOT, flask, free_port

pytestmark = pytest.mark.reliability


def test_compose_web_command_serves_with_workers_sized_to_the_cores(stack, tmp_path):
    web = YAML(typ="safe").load((ROOT / "compose.yaml").read_text())["services"]["web"]
    sh, dash_c, script = web["command"]
    port = free_port()
    script = script.replace("$$", "$").replace("0.0.0.0:8000", f"127.0.0.1:{port}")
    env = dict(stack.env, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"), SAUTI_WEB_WORKERS="")
    flask(env, "db", "stamp", "head")
    log = (tmp_path / "web.log").open("wb")
    server = subprocess.Popen(
        [sh, dash_c, script],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:  # noqa: S310
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "web.log").read_text()[-2000:]
                time.sleep(0.3)
        # `exec gunicorn` replaces the shell: its pid is gunicorn's master.
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(workers) == 2 * os.cpu_count() + 1
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        log.close()
