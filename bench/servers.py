"""Start the benchmarked servers under gunicorn on loopback ports, and always stop them."""

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 20
PREPARE_TIMEOUT_SECONDS = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(proc: subprocess.Popen, port: int, log: Path) -> None:
    """Poll until the server answers any HTTP request, for at most START_TIMEOUT_SECONDS."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline and proc.poll() is None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            conn.request("GET", "/")
            conn.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
        finally:
            conn.close()
    tail = log.read_text(errors="replace")[-2000:]
    raise click.ClickException(f"server on port {port} did not answer; its log:\n{tail}")


@contextlib.contextmanager
def serve(app_spec: str, path: str, env: dict[str, str], log: Path) -> Iterator[str]:
    """Run `app_spec` under gunicorn (2 sync workers) on a free loopback port; yield its URL.

    The server is stopped on leaving, whatever happens; its output goes to `log`.
    """
    port = _free_port()
    args = f"-w 2 -b 127.0.0.1:{port} --graceful-timeout 5".split()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *args, app_spec],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_up(proc, port, log)
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # its own group: the master and its workers
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def spawn_env(redis_url: str, tmp: Path) -> dict[str, str]:
    """Return the caller's environment plus what a spawned Sauti or baseline needs."""
    env = dict(os.environ, REDIS_URL=redis_url, AT_CALLBACK_TOKEN="bench")
    env.update(
        SECRET_KEY=secrets.token_hex(32),
        SESSION_SIGNING_KEY=secrets.token_hex(32),
        PIN_PEPPER=secrets.token_hex(32),
        # Each virtual user dials its number dozens of times a minute.
        USSD_NEW_SESSIONS_PER_MINUTE="0",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    # `flask` and `gunicorn` from this interpreter's environment, even if it is not activated.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def start_servers(
    stack: contextlib.ExitStack, app_spec: str | None, prepare: str, env: dict[str, str], tmp: Path
) -> tuple[str | None, str]:
    """Prepare and start Sauti (unless `app_spec` is None) and the baseline; return their URLs.

    Raises:
        click.ClickException: the prepare command failed or a server did not start.
    """
    url = None
    if app_spec:
        try:
            subprocess.run(
                prepare,
                shell=True,
                cwd=ROOT,
                env=env,
                check=True,
                stdout=sys.stderr,
                timeout=PREPARE_TIMEOUT_SECONDS,
            )
        except subprocess.SubprocessError as err:
            raise click.ClickException(f"--prepare failed: {err}") from err
        sauti = serve(app_spec, "/ussd/africastalking/bench", env, tmp / "sauti.log")
        url = stack.enter_context(sauti)
    baseline = serve("bench.baseline_app:create_app()", "/ussd/bench", env, tmp / "baseline.log")
    return url, stack.enter_context(baseline)
