"""Survey results tests: the `diet_mini` fixture survey and five runs inserted by hand.

| run | MSISDN        | lang | status                  | current   | invalid             |
| A   | +254700000001 | en   | completed               | thanks    | spend 1             |
| B   | +254700000002 | sw   | dropped                 | spend     | spend 2, meals 1    |
| C   | +254700000003 | en   | stopped (consent)       | consent   |                     |
| D   | +254700000004 | sw   | started, stale: dropped | meals     | meals 1             |
| E   | +254700000005 | en   | started just now        | meals     |                     |
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.extensions import db
from app.models import SurveyAnswer, SurveyRun
from tests.conftest import FIXTURES

SURVEYS = FIXTURES / "surveys"
SURVEY_ID = "diet_mini"
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
MSISDNS = {name: f"+25470000000{n}" for n, name in enumerate("ABCDE", start=1)}

# (question, value, shown after, answered after) in seconds from the run's start.
ANSWERS: dict[str, list[tuple[str, Any, int | None, int]]] = {
    "A": [
        ("consent", True, 0, 5),
        ("meals", "two", 5, 9),
        ("foods", ["beans", "maize"], 9, 21),
        ("attention", "2", 21, 24),
        ("spend", 250, 24, 44),
        ("income", 5000, 44, 52),
        ("note", "Tasty ugali", 52, 67),
    ],
    "B": [
        ("consent", True, 0, 7),
        ("meals", "one", 7, 17),
        ("foods", ["greens"], 17, 23),
        ("attention", "1", 23, 25),
    ],
    "C": [],
    "D": [("consent", True, 0, 9)],
    "E": [("consent", True, None, 30)],
}


def survey_app(app_factory, **overrides):
    """An app whose catalog holds only `diet_mini`."""
    return app_factory(MENUS_DIR=str(SURVEYS), **overrides)


def add_runs(app) -> dict[str, int]:
    """Insert runs A–E and their answers; return run ids by letter."""
    now = datetime.now(UTC)
    runs = {
        "A": _run("A", "en", "completed", "thanks", T0, {"spend": 1}),
        "B": _run("B", "sw", "dropped", "spend", T0 + timedelta(hours=1), {"spend": 2, "meals": 1}),
        "C": _run("C", "en", "stopped", "consent", T0 + timedelta(hours=2), {}),
        "D": _run("D", "sw", "started", "meals", T0 + timedelta(hours=3), {"meals": 1}),
        "E": _run("E", "en", "started", "meals", now - timedelta(seconds=60), {}),
    }
    runs["A"].completed_at = runs["A"].updated_at = T0 + timedelta(seconds=70)
    runs["A"].choice_orders = {"foods": ["beans", "greens", "maize", "fish"]}
    runs["B"].choice_orders = {"foods": ["fish", "maize", "greens", "beans"]}
    runs["C"].stop_reason = "consent"
    with app.app_context():
        for name, run in runs.items():
            db.session.add(run)
            for question_id, value, shown, answered in ANSWERS[name]:
                run.answers.append(
                    SurveyAnswer(
                        question_id=question_id,
                        value=value,
                        definition_version="v1",
                        channel="ussd",
                        shown_at=None
                        if shown is None
                        else run.started_at + timedelta(seconds=shown),
                        answered_at=run.started_at + timedelta(seconds=answered),
                    )
                )
        db.session.commit()
        return {name: run.id for name, run in runs.items()}


def _run(name: str, language: str, status: str, current: str, started: datetime, invalid: dict):
    return SurveyRun(
        definition_id=SURVEY_ID,
        definition_version="v1",
        msisdn=MSISDNS[name],
        session_id=f"ATUid_{name}",
        channel="ussd",
        language=language,
        status=status,
        current_question=current,
        invalid_counts=invalid,
        choice_orders={},
        started_at=started,
        updated_at=started + timedelta(seconds=60),
    )
