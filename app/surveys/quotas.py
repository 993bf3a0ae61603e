"""Quotas: a cap on completed runs, overall or per answer value (e.g. per gender).

A place is taken by one conditional UPDATE (`count < limit`), which is atomic on SQLite
and PostgreSQL alike, so concurrent completions can never push a bucket past its cap.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update

from app.extensions import db
from app.menus.schema import QuotaDef
from app.models import SurveyQuota
from app.models.base import insert_ignoring_duplicates

OVERALL = "*"


def bucket_value(value: Any) -> str | None:
    """The value a quota counts by: a location counts by its first level (county)."""
    if isinstance(value, dict):
        value = next(iter(value.values()), None)
    return None if value is None else str(value)


def buckets(quotas: Iterable[QuotaDef], answers: dict[str, Any]) -> list[tuple[str, int]]:
    """The (bucket, limit) pairs a run with these answers counts against."""
    found = []
    for quota in quotas:
        if quota.by is None:
            if quota.limit:
                found.append((OVERALL, quota.limit))
            continue
        value = bucket_value(answers.get(quota.by))
        limit = (quota.limits or {}).get(value or "", quota.limit)
        if value is not None and limit:
            found.append((f"{quota.by}={value}", limit))
    return found


def full_quota(
    definition_id: str, quotas: list[QuotaDef], answers: dict[str, Any], by: str | None
) -> int | None:
    """The index of the first full quota among those counting by question `by` (None:
    the overall caps), given `answers`; None when all have room."""
    for index, quota in enumerate(quotas):
        if quota.by != by:
            continue
        if any(is_full(definition_id, b, limit) for b, limit in buckets([quota], answers)):
            return index
    return None


def is_full(definition_id: str, bucket: str, limit: int) -> bool:
    """Whether `bucket` has already reached `limit` completed runs."""
    count = db.session.scalar(
        select(SurveyQuota.count).where(
            SurveyQuota.definition_id == definition_id, SurveyQuota.bucket == bucket
        )
    )
    return (count or 0) >= limit


def take_places(definition_id: str, wanted: list[tuple[str, int]]) -> bool:
    """Count one completed run in every bucket, or in none if any is full.

    Runs in a savepoint inside the hop's transaction.

    Returns:
        True when every bucket had room (and now counts the run).
    """
    with db.session.begin_nested() as savepoint:
        for bucket, limit in wanted:
            insert_ignoring_duplicates(
                SurveyQuota,
                ["definition_id", "bucket"],
                definition_id=definition_id,
                bucket=bucket,
                count=0,
            )
            taken = db.session.execute(
                update(SurveyQuota)
                .where(
                    SurveyQuota.definition_id == definition_id,
                    SurveyQuota.bucket == bucket,
                    SurveyQuota.count < limit,
                )
                .values(count=SurveyQuota.count + 1)
            ).rowcount
            if taken != 1:
                savepoint.rollback()
                return False
    return True
