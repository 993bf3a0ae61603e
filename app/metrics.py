"""Prometheus metrics at `GET /metrics` (prometheus-client).

Under gunicorn each worker is a process: with PROMETHEUS_MULTIPROC_DIR set (an empty
folder, emptied at every start; compose.yaml does it), every worker writes its samples
there and `/metrics` sums them across workers. Without it, one process's own registry.

Counted on each hop (the USSD blueprint says what happened, `note_hop`):
    sauti_hops_total{channel, gateway, director, outcome}
    sauti_hop_seconds{channel, gateway}                       histogram
    sauti_sessions_total{gateway, outcome}                    gateway's end-of-session reports
    sauti_calls_total{gateway, outcome}                       voice calls ended
    sauti_task_queue_wait_seconds{queue}                      enqueued -> started, histogram
Read from SQL and the broker at scrape time (they are states, not events):
    sauti_outbox_depth{kind}, sauti_outbox_oldest_age_seconds{kind}
    sauti_outbox_messages{kind, status}                       SMS (and airtime) by status
    sauti_queue_length{queue}                                 tasks waiting (celery, sms, campaigns)
"""

import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select

log = logging.getLogger(__name__)

# A hop's answer must reach the gateway well within its 15 s budget; most take milliseconds.
HOP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)
QUEUE_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)

HOPS = Counter(
    "sauti_hops", "Hops answered", ["channel", "gateway", "director", "outcome"], registry=None
)
HOP_SECONDS = Histogram(
    "sauti_hop_seconds",
    "Time to answer a hop",
    ["channel", "gateway"],
    buckets=HOP_BUCKETS,
    registry=None,
)
SESSIONS = Counter(
    "sauti_sessions",
    "Sessions ended, by the gateway's report",
    ["gateway", "outcome"],
    registry=None,
)
CALLS = Counter("sauti_calls", "Voice calls ended", ["gateway", "outcome"], registry=None)
QUEUE_WAIT = Histogram(
    "sauti_task_queue_wait_seconds",
    "Time a task waited in its queue before it started",
    ["queue"],
    buckets=QUEUE_BUCKETS,
    registry=None,
)
ALL = (HOPS, HOP_SECONDS, SESSIONS, CALLS, QUEUE_WAIT)
ENQUEUED_HEADER = "sauti_enqueued_at"


def note_hop(**labels: str) -> None:
    """Label the current hop (`director`, `outcome`); counted when its response leaves."""
    g.setdefault("sauti_hop", {}).update(labels)


def _hop_started() -> None:
    if request.blueprint in {"ussd", "voice"}:
        g.sauti_hop_started = time.perf_counter()


def _hop_done(response: Response) -> Response:
    started = g.pop("sauti_hop_started", None)
    if started is None:
        return response
    channel = request.blueprint or "unknown"
    gateway = (request.view_args or {}).get("gateway", "unknown")
    hop = g.pop("sauti_hop", {})
    if request.endpoint == "ussd.events":
        return response
    if response.status_code >= 400:
        outcome = f"http_{response.status_code}"
    else:
        outcome = hop.get("outcome", "answered")
    HOPS.labels(channel, gateway, hop.get("director", "none"), outcome).inc()
    HOP_SECONDS.labels(channel, gateway).observe(time.perf_counter() - started)
    return response


class StateCollector(Collector):
    """Outbox depth, age and status counts from SQL, and queue lengths from the broker,
    read when Prometheus scrapes (a failure drops these families, never the scrape)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            yield from self._outbox()
        except Exception as err:  # a down database must not hide the other metrics
            log.warning("metrics: outbox not read: %s", err)
        try:
            yield from self._queues()
        except Exception as err:  # nor a down broker
            log.warning("metrics: queue lengths not read: %s", err)

    def _outbox(self) -> Iterator[GaugeMetricFamily]:
        from app.extensions import db
        from app.models import OutboxMessage

        depth = GaugeMetricFamily("sauti_outbox_depth", "Outbox rows not yet sent", labels=["kind"])
        age = GaugeMetricFamily(
            "sauti_outbox_oldest_age_seconds",
            "Age of the oldest unsent outbox row",
            labels=["kind"],
        )
        by_status = GaugeMetricFamily(
            "sauti_outbox_messages", "Outbox rows by kind and status", labels=["kind", "status"]
        )
        now = datetime.now(UTC).replace(tzinfo=None)
        with self.app.app_context():
            rows = db.session.execute(
                select(
                    OutboxMessage.kind,
                    OutboxMessage.status,
                    func.count(),
                    func.min(OutboxMessage.created_at),
                ).group_by(OutboxMessage.kind, OutboxMessage.status)
            ).all()
            db.session.remove()
        pending: dict[str, tuple[int, float]] = {}
        for kind, status, count, oldest in rows:
            by_status.add_metric([kind, status], count)
            if status == "pending":
                oldest = oldest.replace(tzinfo=None) if oldest else now
                pending[kind] = (count, max(0.0, (now - oldest).total_seconds()))
        for kind, (count, oldest_s) in pending.items():
            depth.add_metric([kind], count)
            age.add_metric([kind], oldest_s)
        yield from (depth, age, by_status)

    def _queues(self) -> Iterator[GaugeMetricFamily]:
        from app.celery_app import QUEUES

        url = self.app.config.get("CELERY_BROKER_URL")
        if not url or not url.startswith(("redis://", "rediss://")):
            return
        import redis

        lengths = GaugeMetricFamily(
            "sauti_queue_length", "Tasks waiting in the broker", labels=["queue"]
        )
        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        try:
            for queue in QUEUES:
                lengths.add_metric([queue], client.llen(queue))
        finally:
            client.close()
        yield lengths


def registry_for_scrape(app: Flask) -> CollectorRegistry:
    """A registry with every worker's samples (multiprocess) or this process's, plus the
    state read at scrape time."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        for metric in ALL:
            registry.register(metric)
    registry.register(StateCollector(app))
    return registry


def metrics_view() -> Response:
    """`GET /metrics`: the Prometheus text exposition."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    body = generate_latest(registry_for_scrape(app))
    return Response(
        body, mimetype=CONTENT_TYPE_LATEST.split(";")[0], content_type=CONTENT_TYPE_LATEST
    )


def _task_published(headers: dict | None = None, **_: object) -> None:
    if headers is not None:
        headers[ENQUEUED_HEADER] = time.time()


def _task_started(task: object = None, **_: object) -> None:
    request_ = getattr(task, "request", None)
    enqueued = getattr(request_, ENQUEUED_HEADER, None)
    if enqueued is None:
        enqueued = (getattr(request_, "headers", None) or {}).get(ENQUEUED_HEADER)
    if enqueued is None:
        return
    delivery = getattr(request_, "delivery_info", None) or {}
    queue = delivery.get("routing_key") or "unknown"
    QUEUE_WAIT.labels(queue).observe(max(0.0, time.time() - float(enqueued)))


def connect_celery_signals() -> None:
    """Stamp each task when enqueued and observe its wait when a worker starts it."""
    from celery.signals import before_task_publish, task_prerun

    before_task_publish.connect(_task_published, weak=False)
    task_prerun.connect(_task_started, weak=False)


def init_app(app: Flask) -> None:
    """Count hops and serve `/metrics`."""
    app.before_request(_hop_started)
    app.after_request(_hop_done)
    app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])
    if app.config.get("CELERY_BROKER_URL"):
        connect_celery_signals()
