"""Real servers for the reliability suite, each on a free loopback port, always stopped:
redis-server, PostgreSQL (initdb + pg_ctl), Sauti under gunicorn, nginx, and a TCP fault
proxy that can add latency, reset connections or swallow them (blackhole)."""

import contextlib
import http.client
import os
import pwd
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 30


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout_s: float = START_TIMEOUT_SECONDS) -> None:
    """Return once 127.0.0.1:`port` accepts connections; fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing listens on port {port} after {timeout_s} s")
        time.sleep(0.05)


def _stop(proc: subprocess.Popen, group: bool = True) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        if group:
            os.killpg(proc.pid, signal.SIGTERM)
        else:
            proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL) if group else proc.kill()
        proc.wait(timeout=10)


class RedisServer:
    """A throw-away redis-server (no persistence): `hang()`/`resume()`, `restart()` empty."""

    def __init__(self, folder: Path, password: str | None = None) -> None:
        self.folder, self.password = folder, password
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)

    def url(self, db: int = 0, port: int | None = None) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{port or self.port}/{db}"

    def start(self) -> "RedisServer":
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", str(self.folder)]
        if self.password:
            args += ["--requirepass", self.password]
        with (self.folder / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=log, start_new_session=True)
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.resume()
            _stop(self.proc)

    def restart(self) -> None:
        """Stop and start again on the same port: every key is gone."""
        self.stop()
        self.start()

    def hang(self) -> None:
        """Freeze the server: connections stay open, nothing is answered."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)


class PostgresServer:
    """A throw-away PostgreSQL cluster (initdb) run as the `postgres` user when root."""

    def __init__(self) -> None:
        # Its own folder: pytest's are private to root, and the server runs as `postgres`.
        self.folder = folder = Path(tempfile.mkdtemp(prefix="sauti-postgres-"))
        self.data = folder / "data"
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")  # initdb refuses to run as root
        folder.mkdir(parents=True, exist_ok=True)
        if self.user:
            os.chown(folder, self.user.pw_uid, self.user.pw_gid)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            list(args),
            user=self.user.pw_uid if self.user else None,
            check=check,
            capture_output=True,
            text=True,
            cwd=self.folder,
            timeout=120,
        )

    def init(self) -> "PostgresServer":
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        options += " -c max_connections=100 -c fsync=on"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "pg.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres", port: int | None = None) -> str:
        return f"postgresql://postgres@127.0.0.1:{port or self.port}/{database}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def app_env(redis_url: str, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a Sauti server under test: fresh secrets, the shipped menus."""
    env = dict(os.environ)
    for name in ("TEST_DATABASE_URL", "TEST_REDIS_URL", "CELERY_BROKER_URL", "MENUS_DIR"):
        env.pop(name, None)
    env.update(
        SECRET_KEY="reliability-secret-key-0123456789",
        SESSION_SIGNING_KEY="reliability-signing-key-0123456789",
        PIN_PEPPER="reliability-pepper-0123456789",
        AT_CALLBACK_TOKEN="reliability",
        REDIS_URL=redis_url,
        DATABASE_URL=database_url,
        USSD_NEW_SESSIONS_PER_MINUTE="0",
        SMS_BACKEND="development",
        AIRTIME_BACKEND="development",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    env.update(extra)
    return env


def flask(env: dict[str, str], *args: str) -> str:
    """Run `flask --app manage ARGS` in `env`; return its output (fail loudly)."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "manage", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"flask {' '.join(args)}: {result.stdout}{result.stderr}"
    return result.stdout


class Sauti:
    """Sauti under gunicorn (sync workers) on a free port; `url` is its AT callback URL."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        workers: int = 2,
        app: str = "app:create_app()",
        timeout_s: int = 10,
    ) -> None:
        self.env, self.log, self.workers, self.app = env, log, workers, app
        self.timeout_s = timeout_s
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def path(self) -> str:
        return f"/ussd/africastalking/{self.env['AT_CALLBACK_TOKEN']}"

    def start(self) -> "Sauti":
        args = [
            "-w",
            str(self.workers),
            "-b",
            f"127.0.0.1:{self.port}",
            "--timeout",
            str(self.timeout_s),
            "--graceful-timeout",
            "3",
            "--log-level",
            "warning",
        ]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", *args, self.app],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            try:
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return self
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Sauti did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)


class Nginx:
    """nginx round-robin over `upstreams`, logging which upstream served each session."""

    def __init__(self, folder: Path, upstreams: list[int]) -> None:
        self.folder, self.upstreams = folder, upstreams
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def binary() -> str | None:
        return shutil.which("nginx") or next(
            (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None
        )

    def start(self) -> "Nginx":
        servers = "\n".join(f"    server 127.0.0.1:{port};" for port in self.upstreams)
        conf = self.folder / "nginx.conf"
        conf.write_text(f"""
daemon off;
worker_processes 1;
pid {self.folder}/nginx.pid;
error_log {self.folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
  client_body_temp_path {self.folder}/body;
  proxy_temp_path {self.folder}/proxy;
  fastcgi_temp_path {self.folder}/fastcgi;
  uwsgi_temp_path {self.folder}/uwsgi;
  scgi_temp_path {self.folder}/scgi;
  log_format hops '$upstream_addr $status $request_body';
  access_log {self.folder}/access.log hops;
  client_max_body_size 64k;
  upstream sauti {{
{servers}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{self.port};
    location / {{
      proxy_pass http://sauti;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_read_timeout 14s;
    }}
  }}
}}
""")
        with (self.folder / "nginx.out").open("ab") as log:
            self.proc = subprocess.Popen(
                [self.binary() or "nginx", "-c", str(conf), "-p", str(self.folder)],
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        wait_for_port(self.port)
        return self

    def access_log(self) -> list[str]:
        path = self.folder / "access.log"
        return path.read_text().splitlines() if path.exists() else []

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)


class FaultProxy:
    """A TCP proxy from a free port to `target_port`, with a mode set at any time:
    "pass", "latency" (`latency_s` each way per chunk), "reset" (new and open connections
    are reset) or "blackhole" (bytes are accepted and never forwarded nor answered)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.mode = "pass"
        self.latency_s = 0.0
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(128)
        self._listener.settimeout(0.1)
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> "FaultProxy":
        self._thread.start()
        return self

    def set(self, mode: str, latency_s: float = 0.0) -> None:
        self.mode, self.latency_s = mode, latency_s
        if mode == "reset":
            with self._lock:
                for conn in self._conns:
                    self._reset(conn)
                self._conns.clear()

    @staticmethod
    def _reset(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            conn.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            conn.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                continue
            if self.mode == "reset":
                self._reset(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), 2)
            except OSError:
                self._reset(client)
                continue
            with self._lock:
                self._conns += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        peers = {client: upstream, upstream: client}
        try:
            while not self._stop.is_set():
                readable, _, _ = select.select(list(peers), [], [], 0.1)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if self.mode == "blackhole":
                        continue
                    if self.mode == "latency":
                        time.sleep(self.latency_s)
                    peers[sock].sendall(data)
        except (OSError, ValueError):  # ValueError: `set("reset")` closed it under select()
            return
        finally:
            for sock in peers:
                with contextlib.suppress(OSError):
                    sock.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._listener.close()
        with self._lock:
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.close()


@contextlib.contextmanager
def running(*servers: object) -> Iterator[None]:
    """Stop every server on leaving, in reverse order, whatever happened."""
    try:
        yield
    finally:
        for server in reversed(servers):
            with contextlib.suppress(Exception):
                server.stop()  # type: ignore[attr-defined]


def random_token() -> str:
    return secrets.token_hex(8)
