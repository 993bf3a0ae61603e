"""Campaign benchmark: plan a 100,000-recipient campaign over clients in 5 time zones,
then dispatch messages through the development gateway.

    python -m bench.campaigns [--clients 100000] [--dispatch 20000] [--database-url URL]

Measures, in this one process:
- planning: wall time of `planner.plan` (target <= 10 s) and the process's memory growth
  while it runs (peak RSS growth, target <= 50 MB; and, in a second run under tracemalloc,
  the peak of Python allocations);
- dispatch: messages per second from `dispatch_due` to recorded sends (claim, gateway call,
  outcome, simulated delivery report), in batches of SMS_BATCH_SIZE.

The database is emptied and rebuilt: SQLite by default (a file under a temporary
folder); pass an empty PostgreSQL database with --database-url (never a shared one).
"""

import resource
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, insert, select, update

from app import create_app
from app.campaigns import planner
from app.extensions import db
from app.models import Campaign, Customer, SmsRecipient
from app.models.base import utcnow
from app.sms.dispatch import dispatch_due
from app.sms.messages import message_for
from config import sqlalchemy_url

ZONES = ("Africa/Nairobi", "Africa/Lagos", "Europe/London", "America/New_York", "Asia/Tokyo")
WINDOWS = ((None, None), (clock(8), clock(20)), (clock(7), clock(22)), (clock(21), clock(6)))


def bench_app(database_url: str):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SESSION_SIGNING_KEY": "bench",
            "PIN_PEPPER": "bench",
            "AT_CALLBACK_TOKEN": "bench",
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(database_url),
            "CELERY_BROKER_URL": None,
            "SMS_BACKEND": "development",
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def add_clients(count: int, tag: str, first: int) -> None:
    """`count` clients round-robin over 5 zones and 4 notification windows."""
    for start in range(0, count, 10_000):
        rows = []
        for n in range(start, min(start + 10_000, count)):
            number = first + n
            window = WINDOWS[n % len(WINDOWS)]
            rows.append(
                {
                    "msisdn": f"+2547{number:08d}",
                    "operator_code": f"7{number // 10**7 % 100:02d}",
                    "name": f"Client {number}",
                    "city": "",
                    "language": "en",
                    "pin_failures": 0,
                    "fields": {},
                    "tags": [],
                    "created_at": utcnow(),
                    "tag": tag,
                    "timezone": ZONES[n % len(ZONES)],
                    "notify_from": window[0],
                    "notify_to": window[1],
                }
            )
        db.session.execute(insert(Customer), rows)
        db.session.commit()


def new_campaign(tag: str, start: datetime, finish: datetime, key: str) -> Campaign:
    message = message_for(
        key, "campaign", "Hello {{ customer.name }}", current_app.config, templated=True
    )
    campaign = Campaign(
        message_id=message.id, tag_filter=tag, filters={}, start_at=start, finish_at=finish
    )
    db.session.add(campaign)
    db.session.commit()
    return campaign


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def measure_plan(app, clients: int) -> None:
    with app.app_context():
        add_clients(clients, "bench", 0)
        now = utcnow()
        start = datetime.now() + timedelta(days=1)
        first = new_campaign("bench", start, start + timedelta(days=2), "bench:1")
        rss_before, peak_before = current_rss_mb(), peak_rss_mb()
        began = time.perf_counter()
        added = planner.plan(first, now, "Africa/Nairobi")
        seconds = time.perf_counter() - began
        peak_growth = peak_rss_mb() - max(peak_before, rss_before)
        click.echo(f"plan: {added:,} recipients in {seconds:.2f} s")
        click.echo(
            f"plan: peak RSS growth {max(peak_growth, 0):.1f} MB "
            f"(RSS {rss_before:.0f} -> {current_rss_mb():.0f} MB)"
        )
        second = new_campaign("bench", start, start + timedelta(days=2), "bench:2")
        tracemalloc.start()
        planner.plan(second, now, "Africa/Nairobi")
        _, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        click.echo(f"plan: peak Python allocations {python_peak / 2**20:.1f} MB (tracemalloc)")


def measure_dispatch(app, count: int) -> None:
    with app.app_context():
        add_clients(count, "dispatch", 50_000_000)
        now = datetime.now()
        campaign = new_campaign(
            "dispatch", now - timedelta(days=2), now + timedelta(days=2), "dispatch:1"
        )
        planner.plan(campaign, utcnow(), "Africa/Nairobi")
        # every row due now, whatever its client's window
        db.session.execute(
            update(SmsRecipient)
            .where(SmsRecipient.message_id == campaign.message_id)
            .values(due_at=utcnow() - timedelta(minutes=1), expires_at=None)
        )
        db.session.commit()
        due = db.session.scalar(
            select(func.count()).where(SmsRecipient.message_id == campaign.message_id)
        )
        began = time.perf_counter()
        dispatch_due()
        seconds = time.perf_counter() - began
        delivered = db.session.scalar(
            select(func.count()).where(
                SmsRecipient.message_id == campaign.message_id, SmsRecipient.status == "success"
            )
        )
        click.echo(
            f"dispatch: {delivered:,} of {due:,} sent and reported in {seconds:.1f} s = "
            f"{delivered / seconds:,.0f} messages/s"
        )


@click.command()
@click.option("--clients", default=100_000, show_default=True, help="Clients to plan for.")
@click.option("--dispatch", default=20_000, show_default=True, help="Messages to dispatch.")
@click.option("--database-url", help="An empty database (default: SQLite, temporary).")
def main(clients: int, dispatch: int, database_url: str | None) -> None:
    """Plan a campaign over CLIENTS clients in 5 zones; dispatch DISPATCH messages."""
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = bench_app(url)
        click.echo(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")
        measure_plan(app, clients)
        if dispatch:
            measure_dispatch(app, dispatch)
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
