"""Campaign statistics (counts by status, by hour) and the day's figures for the daily
statistics report: campaigns created, messages sent, delivery rate, busiest hour."""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.models import Campaign, SmsRecipient
from app.models.sms import DELIVERY_FINAL_STATUSES


def hour_of(column: Any) -> Any:
    """SQL for the UTC hour of a timestamp as ISO text ("2026-12-01T09:00:00Z")."""
    if db.session.get_bind().dialect.name == "postgresql":
        hour = func.date_trunc("hour", func.timezone("UTC", column))
        return func.to_char(hour, 'YYYY-MM-DD"T"HH24:00:00"Z"')
    return func.strftime("%Y-%m-%dT%H:00:00Z", column)


def campaign_stats(campaign: Campaign) -> dict[str, Any]:
    """Counts of the campaign's recipient rows by status, and of those sent by the hour
    they were sent in and their status now.

    Returns:
        {"campaign_id", "total", "by_status": {status: n},
         "by_hour": [{"hour": "...Z", "counts": {status: n}}], hours ascending}.
    """
    rows = SmsRecipient.message_id == campaign.message_id
    by_status = dict(
        db.session.execute(
            select(SmsRecipient.status, func.count()).where(rows).group_by(SmsRecipient.status)
        ).all()
    )
    hour = hour_of(SmsRecipient.sent_at)
    by_hour: dict[str, dict[str, int]] = defaultdict(dict)
    for bucket, status, count in db.session.execute(
        select(hour, SmsRecipient.status, func.count())
        .where(rows, SmsRecipient.sent_at.is_not(None))
        .group_by(hour, SmsRecipient.status)
    ):
        by_hour[bucket][status] = count
    return {
        "campaign_id": campaign.id,
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_hour": [{"hour": key, "counts": by_hour[key]} for key in sorted(by_hour)],
    }


def daily_statistics(day: date) -> dict[str, Any]:
    """The figures of one UTC day, for the daily statistics report.

    Returns:
        {"date": "YYYY-MM-DD", "campaigns_created": n, "messages_sent": n (bulk SMS the
        gateway took that day), "delivered": n, "delivery_rate": delivered / sent among
        those with a final report (None when none has one), "busiest_hour": "...Z" or
        None, "busiest_hour_messages": n}.
    """
    start = datetime.combine(day, time(), tzinfo=UTC)
    end = start + timedelta(days=1)
    created = db.session.scalar(
        select(func.count()).where(Campaign.created_at >= start, Campaign.created_at < end)
    )
    sent_that_day = (SmsRecipient.sent_at >= start, SmsRecipient.sent_at < end)
    by_status = dict(
        db.session.execute(
            select(SmsRecipient.status, func.count())
            .where(*sent_that_day)
            .group_by(SmsRecipient.status)
        ).all()
    )
    final = sum(by_status.get(status, 0) for status in DELIVERY_FINAL_STATUSES)
    hour = hour_of(SmsRecipient.sent_at)
    busiest = db.session.execute(
        select(hour, func.count().label("n"))
        .where(*sent_that_day)
        .group_by(hour)
        .order_by(func.count().desc(), hour)
        .limit(1)
    ).first()
    return {
        "date": day.isoformat(),
        "campaigns_created": created,
        "messages_sent": sum(by_status.values()),
        "delivered": by_status.get("success", 0),
        "delivery_rate": round(by_status.get("success", 0) / final, 4) if final else None,
        "busiest_hour": busiest[0] if busiest else None,
        "busiest_hour_messages": busiest[1] if busiest else 0,
    }
