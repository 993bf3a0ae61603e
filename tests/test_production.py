"""Production as the README says it, in real processes: gunicorn reading
gunicorn.conf.py, settings from the environment, logs, and the embedded default."""

import contextlib
import http.client
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.settings import REQUIRED_SECRETS
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOKEN = "production-token"
START_SECONDS = 60  # a worker boots in ~1 s; the machine may be shared and slow


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """This process's environment with complete settings for a spawned Sauti (SQLite in
    tmp_path, no Redis), then `settings` on top ("" unsets one, hiding any .env value)."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'sauti.db'}",
        REDIS_URL="",
        SECRET_KEY="s" * 32,
        SESSION_SIGNING_KEY="k" * 32,
        PIN_PEPPER="p" * 32,
        AT_CALLBACK_TOKEN=TOKEN,
        USSD_NEW_SESSIONS_PER_MINUTE="0",
        LOG_LEVEL="",
    )
    env.update(settings)
    return env


def migrated(env: dict[str, str]) -> dict[str, str]:
    """Run `flask db upgrade` with `env`; return `env`."""
    command = [str(BIN / "flask"), "--app", "manage", "db", "upgrade"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    return env


def refused(command: list[str], env: dict[str, str]) -> str:
    """Run a command that must refuse to start; return what it said."""
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=START_SECONDS
    )
    assert done.returncode != 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@contextlib.contextmanager
def gunicorn(args: list[str], env: dict[str, str], log: Path) -> Iterator[int]:
    """gunicorn (in ROOT, so it reads gunicorn.conf.py) on a free port; yields the port."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while post(port, "/", {}) is None:
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def post(port: int, path: str, form: dict[str, str]) -> str | None:
    """POST a form on a connection of its own (so any worker may take it); None when
    nothing listens yet."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        body = urllib.parse.urlencode(form)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", path, body, headers)
        return connection.getresponse().read().decode()
    except (ConnectionError, OSError):
        return None
    finally:
        connection.close()


def hop(port: int, session_id: str, inputs: list[str], msisdn: str = "+254733000901") -> str:
    form = {
        "sessionId": session_id,
        "serviceCode": "*384*1#",
        "phoneNumber": msisdn,
        "networkCode": "63902",
        "text": "*".join(inputs),
    }
    return post(port, f"/ussd/africastalking/{TOKEN}", form) or ""


def test_gunicorn_refuses_to_start_naming_every_missing_setting(tmp_path):
    env = environment(tmp_path, **{name: "" for name in REQUIRED_SECRETS})
    said = refused([str(BIN / "gunicorn"), "--workers", "2"], env)
    for name in (*REQUIRED_SECRETS, "REDIS_URL"):
        assert f"- {name} is not set" in said, said
    assert "Traceback" not in said


def test_the_cli_refuses_to_start_naming_every_missing_secret(tmp_path):
    env = environment(tmp_path, **{name: "" for name in REQUIRED_SECRETS})
    said = refused([str(BIN / "flask"), "--app", "manage", "seed"], env)
    assert all(f"- {name} is not set" in said for name in REQUIRED_SECRETS), said
    assert "Traceback" not in said


def test_workers_never_share_the_embedded_store_silently(tmp_path):
    # Not even when gunicorn is run without the shipped config: the second worker refuses.
    env = environment(tmp_path)
    said = refused(
        [str(BIN / "gunicorn"), "-c", "/dev/null", "--workers", "2", "app:create_app()"], env
    )
    assert "REDIS_URL is not set and another worker already serves the embedded" in said
    assert "Worker failed to boot" in said


def test_app_debug_lines_follow_gunicorn_log_level_and_access_logs_hide_the_token(tmp_path):
    env = migrated(environment(tmp_path))
    log = tmp_path / "gunicorn.log"
    args = ["--workers", "1", "--log-level", "debug", "--access-logfile", "-"]
    with gunicorn(args, env, log) as port:
        assert hop(port, "ATUid_log", []).startswith("CON Welcome to Sauti Money.")
    output = log.read_text()
    assert re.search(r"DEBUG:app\.ussd\.views:hop ATUid_log from \+2547\*+901", output), output
    assert '"POST /ussd/africastalking/<token> HTTP/1.1" 200' in output, output
    assert TOKEN not in output


def test_app_debug_lines_follow_log_level(tmp_path):
    env = migrated(environment(tmp_path, LOG_LEVEL="DEBUG"))
    log = tmp_path / "gunicorn.log"
    with gunicorn(["--workers", "1"], env, log) as port:
        assert hop(port, "ATUid_env", []).startswith("CON Welcome")
    assert "DEBUG:app.ussd.views:hop ATUid_env" in log.read_text()


def production_commands() -> list[list[str]]:
    """The commands of the README's Production block without Docker that start Sauti (not
    celery, not the `doctor` check)."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Production") :]
    blocks = section.split("```sh")[1:]
    block = next(b.split("```")[0] for b in blocks if ".venv/bin/gunicorn" in b)
    lines = [line for line in block.strip().splitlines() if line.strip()]
    for line in lines:  # settings are exported or in .env, never given to one command only
        assert not re.match(r"\s*[A-Z_]+=\S", line), line
    return [
        shlex.split(line, comments=True)
        for line in lines
        if line.startswith(".venv/bin/") and "celery" not in line and " doctor" not in line
    ]


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server")
def test_the_readme_production_path_serves_each_session_from_one_store(tmp_path, own_redis):
    _process, redis_url = own_redis
    env = environment(tmp_path, REDIS_URL=redis_url)
    (migrate, serve) = production_commands()
    assert migrate[:2] == [".venv/bin/flask", "--app"] and serve[0] == ".venv/bin/gunicorn"
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    with gunicorn(serve[1:], env, tmp_path / "gunicorn.log") as port:  # 2 workers
        inputs: list[str] = []
        screens = ["CON Welcome", "CON Which city", "CON Choose a 4-digit", "CON Enter the same"]
        for reply, screen in zip([None, "Wanjiku", "Thika", "4829"], screens, strict=True):
            inputs += [] if reply is None else [reply]
            assert hop(port, "ATUid_prod", inputs).startswith(screen), inputs
        inputs.append("4829")
        assert hop(port, "ATUid_prod", inputs).startswith("CON Thank you Wanjiku.")
