"""Virtual users walking whole USSD sessions, as Africa's Talking posts them, on threads.

Each user dials one MSISDN, walks journeys round-robin until the deadline, and records every
hop: status, body, latency. With several base URLs a session's hops alternate between them.
"""

import http.client
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
HOP_TIMEOUT_SECONDS = 15  # the gateways' budget


@dataclass(frozen=True)
class Journey:
    """One session: dial `service_code`, then send each of `inputs`; `expect` on the end."""

    name: str
    service_code: str
    inputs: tuple[str, ...]
    expect: str


# The peer harness's reference journey (tests/reliability/menus/bench_journey.yaml).
PEER = Journey("peer", "*384*99#", ("1", "500", "1234", "1"), "END Sent")
# The money journeys of bench/scenarios/microfinance.yaml, on the seeded demo customers.
DEPOSIT = Journey("deposit", "*384*1#", ("1", "100", "1", "1234"), "Deposited")
WITHDRAW = Journey("withdraw", "*384*1#", ("2", "100", "1", "1234"), "Withdrew")
BALANCE = Journey("balance", "*384*1#", ("6", "1234"), "Balance")
SEND = Journey("send", "*384*1#", ("3", "0711000020", "10", "1", "1234"), "Sent")
MONEY = (DEPOSIT, WITHDRAW, BALANCE, SEND)


def demo_msisdn(user: int) -> str:
    """Demo customers +254711000001..19 (number 20 receives the transfers)."""
    return f"+2547110{user % 19 + 1:05d}"


def fresh_msisdn(user: int) -> str:
    return f"+2547990{user:05d}"


@dataclass
class Hop:
    session_id: str
    url: str
    status: int
    body: str
    latency_s: float
    at: float


@dataclass
class Result:
    """Every hop and session of one run."""

    hops: list[Hop] = field(default_factory=list)
    sessions: int = 0
    wrong_endings: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def server_errors(self) -> list[Hop]:
        return [hop for hop in self.hops if hop.status >= 500 or hop.status == 0]

    @property
    def not_con_end(self) -> list[Hop]:
        return [hop for hop in self.hops if not hop.body.startswith(("CON ", "END "))]

    def latency_ms(self, quantile: float) -> float:
        ordered = sorted(hop.latency_s for hop in self.hops)
        return 1000 * ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] if ordered else 0

    def summary(self) -> str:
        rate = len(self.hops) / self.elapsed_s if self.elapsed_s else 0
        return (
            f"{self.sessions} sessions, {len(self.hops)} hops in {self.elapsed_s:.1f} s "
            f"({rate:.0f} hops/s), p50 {self.latency_ms(0.5):.0f} ms, p99 "
            f"{self.latency_ms(0.99):.0f} ms, max {self.latency_ms(1.0):.0f} ms, "
            f"{len(self.server_errors)} 5xx, {len(self.not_con_end)} not CON/END, "
            f"{len(self.wrong_endings)} unexpected endings"
        )


class Client:
    """Keep-alive connections per base URL; a broken one is replaced on the next hop."""

    def __init__(self) -> None:
        self._conns: dict[str, http.client.HTTPConnection] = {}

    def close(self) -> None:
        for conn in self._conns.values():
            conn.close()
        self._conns.clear()

    def post(self, url: str, form: dict[str, str]) -> tuple[int, str]:
        parts = urlsplit(url)
        conn = self._conns.get(parts.netloc)
        if conn is None:
            conn = http.client.HTTPConnection(
                parts.hostname, parts.port, timeout=HOP_TIMEOUT_SECONDS
            )
            self._conns[parts.netloc] = conn
        try:
            conn.request("POST", parts.path, urlencode(form), HEADERS)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as err:
            conn.close()
            self._conns.pop(parts.netloc, None)
            return 0, f"connection failed: {err}"


def walk(
    client: Client,
    urls: list[str],
    journey: Journey,
    msisdn: str,
    result: Result,
    lock: threading.Lock,
) -> str:
    """Walk one session; hop n goes to urls[n % len(urls)]. Return the last body."""
    session_id = f"ATUid_{uuid.uuid4().hex}"
    inputs: list[str] = []
    body = ""
    for n, reply in enumerate((None, *journey.inputs)):
        if reply is not None:
            inputs.append(reply)
        form = {
            "sessionId": session_id,
            "serviceCode": journey.service_code,
            "phoneNumber": msisdn,
            "networkCode": "63902",
            "text": "*".join(inputs),
        }
        url = urls[n % len(urls)]
        started = time.monotonic()
        status, body = client.post(url, form)
        hop = Hop(session_id, url, status, body, time.monotonic() - started, started)
        with lock:
            result.hops.append(hop)
        if status != 200 or body.startswith("END "):
            break
    with lock:
        result.sessions += 1
        if journey.expect not in body:
            result.wrong_endings.append(f"{journey.name}: {body[:80]!r}")
    return body


def run(
    urls: list[str],
    journeys: tuple[Journey, ...],
    users: int,
    duration_s: float,
    msisdn=demo_msisdn,
    stop: threading.Event | None = None,
) -> Result:
    """`users` threads walk `journeys` round-robin for `duration_s` (or until `stop`)."""
    result, lock = Result(), threading.Lock()
    deadline = time.monotonic() + duration_s
    stop = stop or threading.Event()

    def user(number: int) -> None:
        client = Client()
        n = number
        try:
            while time.monotonic() < deadline and not stop.is_set():
                walk(client, urls, journeys[n % len(journeys)], msisdn(number), result, lock)
                n += 1
        finally:
            client.close()

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(u,), daemon=True) for u in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration_s + 3 * HOP_TIMEOUT_SECONDS)
    result.elapsed_s = time.monotonic() - started
    return result
