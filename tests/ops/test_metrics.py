"""`/metrics`: hops, latency, sessions, outbox state, in Prometheus's text format."""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.extensions import db
from app.outbox import queue
from tests.conftest import USSD_URL, Handset
from tests.reliability.servers import RedisServer

ROOT = Path(__file__).resolve().parents[2]


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def hop_count(metrics: dict, **labels: str) -> float:
    return sum(
        value
        for (name, sample_labels), value in metrics.items()
        if name == "sauti_hops_total" and set(labels.items()) <= sample_labels
    )


def test_metrics_count_hops_by_gateway_and_outcome(seeded, client):
    before = samples(client.get("/metrics").get_data(as_text=True))
    Handset(client).walk("6", "1234")
    client.post("/ussd/africastalking/wrong-token", data={})
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    after = samples(response.get_data(as_text=True))
    gateway = {"channel": "ussd", "gateway": "africastalking"}
    assert (
        hop_count(after, **gateway, outcome="continue")
        - hop_count(before, **gateway, outcome="continue")
        == 2
    )
    assert (
        hop_count(after, **gateway, outcome="end") - hop_count(before, **gateway, outcome="end")
        == 1
    )
    assert hop_count(after, outcome="http_404") - hop_count(before, outcome="http_404") == 1
    microfinance = {"director": "microfinance", **gateway}
    assert hop_count(after, **microfinance) - hop_count(before, **microfinance) == 3
    key = ("sauti_hop_seconds_count", frozenset(gateway.items()))
    assert after[key] - before.get(key, 0) == 4


def test_metrics_count_sessions_by_the_gateways_report(app, client):
    form = {
        "sessionId": "ATUid_report",
        "serviceCode": "*384*1#",
        "phoneNumber": "+254711000001",
        "networkCode": "63902",
        "status": "Incomplete",
        "hopsCount": "2",
        "durationInMillis": "9000",
        "date": "2026-11-30 10:00:00",
        "input": "1",
        "lastAppResponse": "CON Enter amount",
        "errorMessage": "",
        "cost": "KES 0.0",
    }
    before = samples(client.get("/metrics").get_data(as_text=True))
    assert client.post(f"{USSD_URL}/events", data=form).status_code == 200
    after = samples(client.get("/metrics").get_data(as_text=True))
    key = (
        "sauti_sessions_total",
        frozenset({"gateway": "africastalking", "outcome": "Incomplete"}.items()),
    )
    assert after[key] - before.get(key, 0) == 1


def test_metrics_show_the_outbox_depth_and_age(app, client):
    with app.app_context():
        queue("sms", "+254711000001", {"message": "hello"}, "metrics-1")
        queue("sms", "+254711000002", {"message": "hello"}, "metrics-2")
        db.session.commit()  # committed without dispatch: both rows wait
    metrics = samples(client.get("/metrics").get_data(as_text=True))
    sms = frozenset({"kind": "sms"}.items())
    assert (
        metrics[("sauti_outbox_messages", frozenset({"kind": "sms", "status": "pending"}.items()))]
        == 2
    )
    assert metrics[("sauti_outbox_depth", sms)] == 2
    assert 0 <= metrics[("sauti_outbox_oldest_age_seconds", sms)] < 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        return response.read().decode()


def test_metrics_sum_every_gunicorn_worker(tmp_path):
    """Two sync workers, PROMETHEUS_MULTIPROC_DIR: /metrics counts every worker's hops."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server: gunicorn workers share their sessions in Redis")
    redis_server = RedisServer(tmp_path / "redis").start()
    try:
        _count_across_workers(tmp_path, redis_server.url(0))
    finally:
        redis_server.stop()


def _count_across_workers(tmp_path, redis_url: str) -> None:
    port = _free_port()
    (tmp_path / "prom").mkdir()
    env = dict(
        os.environ,
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prom"),
        DATABASE_URL=f"sqlite:///{tmp_path}/metrics.db",
        SECRET_KEY=secrets.token_hex(16),
        SESSION_SIGNING_KEY=secrets.token_hex(16),
        PIN_PEPPER=secrets.token_hex(16),
        AT_CALLBACK_TOKEN="metrics",
    )
    env["REDIS_URL"] = redis_url
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                _get(f"{base}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        hops = 20
        for n in range(hops):
            form = {
                "sessionId": f"s{n}",
                "serviceCode": "*384*9#",
                "phoneNumber": "+254711000001",
                "networkCode": "63902",
                "text": "",
            }
            request = urllib.request.Request(
                f"{base}/ussd/africastalking/metrics", data=urlencode(form).encode()
            )
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
                assert response.status == 200
        metrics = samples(_get(f"{base}/metrics"))
        assert hop_count(metrics, gateway="africastalking") == hops
        assert len(list((tmp_path / "prom").glob("counter_*.db"))) >= 1
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def test_queue_wait_is_observed_from_the_enqueue_stamp(app, client):
    from types import SimpleNamespace

    from app.metrics import ENQUEUED_HEADER, _task_published, _task_started

    headers: dict = {}
    _task_published(headers=headers)
    request = SimpleNamespace(
        **{ENQUEUED_HEADER: headers[ENQUEUED_HEADER] - 2.0},
        delivery_info={"routing_key": "transactional"},
    )
    before = samples(client.get("/metrics").get_data(as_text=True))
    _task_started(task=SimpleNamespace(request=request))
    after = samples(client.get("/metrics").get_data(as_text=True))
    labels = frozenset({"queue": "transactional"}.items())
    assert (
        after[("sauti_task_queue_wait_seconds_count", labels)]
        - before.get(("sauti_task_queue_wait_seconds_count", labels), 0)
        == 1
    )
    assert after[("sauti_task_queue_wait_seconds_sum", labels)] >= 2.0
