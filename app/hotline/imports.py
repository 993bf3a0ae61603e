"""Importing shifts from CSV: every line checked, all added or none."""

import csv
from collections.abc import Iterable

from app.errors import InputError
from app.extensions import db
from app.hotline.admin import add_shift

COLUMNS = ("group", "volunteer", "day", "start", "end")


def import_shifts(lines: Iterable[str]) -> tuple[int, list[str]]:
    """Add the shifts of a CSV file, all or none.

    Args:
        lines: CSV text with the header `group,volunteer,day,start,end`: the group's id,
            name or number; the volunteer's id or phone; a weekday or an ISO date; local
            start and end times (HH:MM). Blank lines are skipped.

    Returns:
        (shifts added, problems): each problem as "line N: field: message". With any
        problem nothing is added (the transaction is rolled back); otherwise the shifts
        are flushed and the caller commits.
    """
    reader = csv.DictReader(lines)
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        return 0, [f"line 1: header: missing column(s) {', '.join(missing)}"]
    added, problems = 0, []
    for row in reader:
        values = [(row.get(column) or "").strip() for column in COLUMNS]
        if not any(values):
            continue
        try:
            add_shift(*values)
        except InputError as err:
            problems.append(f"line {reader.line_num}: {err}")
        else:
            added += 1
    if problems:
        db.session.rollback()
        return 0, problems
    return added, []
