"""Faults under load: Redis hung or restarted empty, PostgreSQL stopped hard, a row lock
held, a worker killed after commit, the broker down, and a TCP fault proxy in the way."""

import threading
import time
import uuid

import pytest

from tests.reliability import load
from tests.reliability.conftest import ledger_problems
from tests.reliability.servers import FaultProxy, RedisServer, running

pytestmark = pytest.mark.reliability
BUDGET_S = 15  # the gateways'
POLITE = ("END Sorry",)


class Caller:
    """One demo customer's session, hop by hop, on one Sauti."""

    def __init__(self, url: str, msisdn: str = "+254711000001", code: str = "*384*1#") -> None:
        self.url, self.msisdn, self.code = url, msisdn, code
        self.session_id = f"ATUid_{uuid.uuid4().hex}"
        self.inputs: list[str] = []
        self.client = load.Client()

    def send(self, reply: str | None = None, repeat: bool = False) -> tuple[int, str, float]:
        if reply is not None and not repeat:
            self.inputs.append(reply)
        form = {
            "sessionId": self.session_id,
            "serviceCode": self.code,
            "phoneNumber": self.msisdn,
            "networkCode": "63902",
            "text": "*".join(self.inputs),
        }
        started = time.monotonic()
        status, body = self.client.post(self.url, form)
        return status, body, time.monotonic() - started

    def close(self) -> None:
        self.client.close()


def balance(stack, msisdn: str) -> int:
    return stack.sql("SELECT balance_minor FROM accounts WHERE code = %s", f"wallet:{msisdn}")[0][0]


def postings(stack, kind: str | None = None) -> int:
    if kind:
        return stack.sql("SELECT count(*) FROM ledger_transactions WHERE kind = %s", kind)[0][0]
    return stack.sql("SELECT count(*) FROM ledger_transactions")[0][0]


def test_redis_hung_five_seconds_every_hop_answers_within_a_second(stack):
    sauti = stack.sauti()
    url = sauti.base + sauti.path
    stop = threading.Event()
    box: dict[str, load.Result] = {}
    runner = threading.Thread(
        target=lambda: box.update(r=load.run([url], (load.PEER,), 4, 30, load.fresh_msisdn, stop))
    )
    runner.start()
    time.sleep(1.5)
    stack.redis.hang()
    hung_at = time.monotonic()
    time.sleep(5)
    stack.redis.resume()
    resumed_at = time.monotonic()
    time.sleep(3)
    stop.set()
    runner.join()
    result = box["r"]
    print(result.summary())
    assert result.server_errors == [] and result.not_con_end == []
    during = [hop for hop in result.hops if hung_at <= hop.at < resumed_at]
    print(f"while hung: {len(during)} hops, max {max(h.latency_s for h in during):.3f} s")
    assert during and all(hop.latency_s < 1.0 for hop in during), max(h.latency_s for h in during)
    # A hop sent in the last second may be served once Redis is back: a CON is right then.
    settled = [hop for hop in during if hung_at + 1 < hop.at < resumed_at - 1]
    assert settled and all(hop.body.startswith(POLITE) for hop in settled)
    recovered = [hop for hop in result.hops if hop.at >= resumed_at and hop.body.startswith("CON")]
    assert recovered, "no CON after Redis came back"
    print(f"first CON {recovered[0].at - resumed_at:.2f} s after Redis came back")
    assert recovered[0].at - resumed_at < 2.0


def test_redis_restarted_empty_mid_money_session_runs_no_money_step(stack):
    sauti = stack.sauti()
    caller = Caller(sauti.base + sauti.path)
    before, count = balance(stack, caller.msisdn), postings(stack)
    caller.send()
    for reply in ("1", "100", "1"):  # deposit 100, confirm: the PIN is next
        status, body, _ = caller.send(reply)
        assert status == 200 and body.startswith("CON"), body
    stack.redis.restart()
    status, body, _ = caller.send("1234")
    caller.close()
    assert status == 200 and body.startswith(("CON ", "END ")), body
    assert "Deposited" not in body
    assert balance(stack, caller.msisdn) == before and postings(stack) == count


def test_postgres_stopped_immediate_under_withdrawals_loses_no_acknowledged_posting(stack):
    sauti = stack.sauti()
    url = sauti.base + sauti.path
    count = postings(stack, "withdraw")
    stop = threading.Event()
    box: dict[str, load.Result] = {}
    runner = threading.Thread(
        target=lambda: box.update(r=load.run([url], (load.WITHDRAW,), 8, 60, stop=stop))
    )
    runner.start()
    time.sleep(3)
    stack.postgres.stop("immediate")
    time.sleep(2)
    stack.postgres.start()
    time.sleep(4)
    stop.set()
    runner.join()
    result = box["r"]
    print(result.summary())
    acknowledged = sum(1 for hop in result.hops if "Withdrew" in hop.body)
    durable = postings(stack, "withdraw") - count
    print(f"withdrawals acknowledged {acknowledged}, in the ledger {durable}")
    assert acknowledged > 0
    assert result.server_errors == [] and result.not_con_end == []
    assert postings(stack, "withdraw") - count >= acknowledged
    assert ledger_problems(stack.database_url) == []


def test_row_lock_held_the_hop_answers_within_the_budget_and_writes_nothing(stack):
    import psycopg

    sauti = stack.sauti()
    caller = Caller(sauti.base + sauti.path)
    before, count = balance(stack, caller.msisdn), postings(stack)
    caller.send()
    for reply in ("2", "100", "1"):
        caller.send(reply)
    with psycopg.connect(stack.database_url) as holder:  # holds the row for up to 20 s
        holder.execute("SET statement_timeout = '20s'")
        holder.execute(
            "SELECT id FROM accounts WHERE code = %s FOR UPDATE", (f"wallet:{caller.msisdn}",)
        )
        status, body, took = caller.send("1234")
        holder.rollback()
    caller.close()
    print(f"row lock held: the hop answered in {took:.2f} s: {body[:60]!r}")
    assert status == 200 and took < BUDGET_S / 3, (took, body)
    assert body.startswith("END "), body
    assert balance(stack, caller.msisdn) == before and postings(stack) == count
    assert ledger_problems(stack.database_url) == []


def test_worker_killed_right_after_commit_the_retry_gets_one_posting(stack):
    sauti = stack.sauti(
        app="tests.reliability.faulty_app:create_app()",
        SAUTI_TEST_KILL_AFTER_COMMIT=str(stack.folder / "kill"),
    )
    sauti_url = sauti.base + sauti.path
    caller = Caller(sauti_url)
    before, count = balance(stack, caller.msisdn), postings(stack, "deposit")
    caller.send()
    for reply in ("1", "100", "1"):
        caller.send(reply)
    (stack.folder / "kill").touch()  # the next commit that posts kills its worker
    status, body, _ = caller.send("1234")
    assert status in {0, 502}, body  # the gateway saw the connection drop
    assert not (stack.folder / "kill").exists()
    status, body, _ = caller.send("1234", repeat=True)  # the gateway retries the hop
    caller.close()
    assert status == 200 and "Deposited" in body, body
    assert postings(stack, "deposit") - count == 1
    assert balance(stack, caller.msisdn) == before + 100 * 100
    assert ledger_problems(stack.database_url) == []


def test_broker_down_during_a_deposit_the_receipt_is_sent_once_it_returns(stack):
    broker = RedisServer(stack.folder / "broker")  # not started: the broker is down
    sauti = stack.sauti(CELERY_BROKER_URL=broker.url(0))
    caller = Caller(sauti.base + sauti.path)
    caller.send()
    for reply in ("1", "100", "1"):
        caller.send(reply)
    status, body, took = caller.send("1234")
    caller.close()
    print(f"broker down: the deposit answered in {took:.2f} s")
    assert status == 200 and "Deposited" in body and took < 5, (took, body)
    pending = "SELECT count(*) FROM outbox WHERE recipient = %s AND kind = 'sms' AND status = %s"
    assert stack.sql(pending, caller.msisdn, "pending")[0][0] >= 1
    with running(broker.start()):
        env = dict(stack.env, CELERY_BROKER_URL=broker.url(0))
        from tests.reliability.servers import flask

        flask(env, "outbox", "sweep", "--older-than", "0")
        flask(env, "outbox", "sweep", "--older-than", "0")  # beat may sweep twice
        _drain_with_worker(env, stack.folder)
    assert stack.sql(pending, caller.msisdn, "pending")[0][0] == 0
    sent = stack.sql(
        "SELECT count(*), sum(attempts) FROM outbox WHERE recipient = %s AND kind = 'sms' "
        "AND status = 'sent'",
        caller.msisdn,
    )[0]
    assert sent[0] >= 1 and sent[1] == sent[0]  # each receipt sent once


def _drain_with_worker(env: dict[str, str], folder) -> None:
    import subprocess
    import sys

    from tests.reliability.servers import ROOT

    with (folder / "worker.log").open("ab") as log:
        worker = subprocess.run(
            [sys.executable, "-c", _DRAIN],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=60,
        )
    assert worker.returncode == 0, (folder / "worker.log").read_text()[-2000:]


# A worker that runs what is queued on the transactional queues, then stops.
_DRAIN = """
from app.worker import celery
import kombu
with celery.connection_for_read() as conn:
    for name in ("sms", "celery"):
        with conn.SimpleQueue(kombu.Queue(name)) as simple:
            while True:
                try:
                    message = simple.get(timeout=1)
                except simple.Empty:
                    break
                body, headers = message.payload, message.headers
                args, kwargs, _ = body
                celery.tasks[headers["task"]].apply(args=args, kwargs=kwargs, headers=headers)
                message.ack()
"""


@pytest.mark.parametrize("mode", ["latency", "reset", "blackhole"])
def test_tcp_faults_between_sauti_and_redis_still_answer_every_hop(stack, mode):
    proxy = FaultProxy(stack.redis.port).start()
    with running(proxy):
        sauti = stack.sauti(REDIS_URL=stack.redis.url(0, port=proxy.port))
        url = sauti.base + sauti.path
        stop = threading.Event()
        box: dict[str, load.Result] = {}
        runner = threading.Thread(
            target=lambda: box.update(
                r=load.run([url], (load.PEER,), 4, 30, load.fresh_msisdn, stop)
            )
        )
        runner.start()
        time.sleep(1)
        proxy.set(mode, latency_s=0.05)
        faulted_at = time.monotonic()
        time.sleep(3)
        proxy.set("pass")
        healed_at = time.monotonic()
        time.sleep(3)
        stop.set()
        runner.join()
    result = box["r"]
    print(mode, result.summary())
    assert result.server_errors == [] and result.not_con_end == []
    during = [hop for hop in result.hops if faulted_at <= hop.at < healed_at]
    assert during and max(hop.latency_s for hop in during) < 1.5
    after = [hop for hop in result.hops if hop.at > healed_at + 1]
    assert after and any(hop.body.startswith("CON") for hop in after)


BLACKHOLED_SQL = pytest.mark.xfail(
    reason="an established PostgreSQL connection whose peer accepts bytes and never answers "
    "(a hung server, not a dropped link) has no client-side read timeout in libpq: the hop "
    "waits for gunicorn's worker timeout (10 s, within the gateways' 15 s) and the gateway "
    "sees the connection drop; tcp_user_timeout covers real network blackholes",
    strict=False,
)


@pytest.mark.parametrize(
    "mode", ["latency", "reset", pytest.param("blackhole", marks=BLACKHOLED_SQL)]
)
def test_tcp_faults_between_sauti_and_postgres_still_answer_every_hop(stack, mode):
    proxy = FaultProxy(stack.postgres.port).start()
    with running(proxy):
        sauti = stack.sauti(DATABASE_URL=stack.postgres.url(stack.database, port=proxy.port))
        url = sauti.base + sauti.path
        stop = threading.Event()
        box: dict[str, load.Result] = {}
        runner = threading.Thread(
            target=lambda: box.update(r=load.run([url], (load.BALANCE,), 4, 30, stop=stop))
        )
        runner.start()
        time.sleep(1)
        proxy.set(mode, latency_s=0.02)
        faulted_at = time.monotonic()
        time.sleep(3)
        proxy.set("pass")
        healed_at = time.monotonic()
        time.sleep(4)
        stop.set()
        runner.join()
    result = box["r"]
    print(mode, result.summary())
    assert result.server_errors == [] and result.not_con_end == []
    during = [hop for hop in result.hops if faulted_at <= hop.at < healed_at]
    assert during and max(hop.latency_s for hop in during) < BUDGET_S
    assert ledger_problems(stack.database_url) == []
