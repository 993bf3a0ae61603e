"""Survey statistics, against figures worked out by hand for runs A–E (see __init__)."""

import pytest
from flask import current_app
from sqlalchemy import update

from app.extensions import db
from app.models import SurveyAnswer
from app.surveys.cli import surveys_cli
from app.surveys.stats import status_counts, survey_runs, survey_stats
from tests.surveys import SURVEY_ID, add_runs, survey_app


@pytest.fixture
def app(app_factory):
    app = survey_app(app_factory)
    add_runs(app)
    return app


def stats_of(app) -> dict:
    with app.app_context():
        flow = current_app.extensions["menus"].flow(SURVEY_ID)
        return survey_stats(flow, survey_runs(SURVEY_ID))


def by_id(figures: dict) -> dict[str, dict]:
    return {row["id"]: row for row in figures["questions"]}


def test_counts_a_stale_started_run_as_dropped(app):
    figures = stats_of(app)
    assert figures["respondents"] == 5
    assert (figures["completed"], figures["dropped"], figures["stopped"]) == (1, 2, 1)
    assert figures["started"] == 1
    assert figures["completion_rate"] == pytest.approx(0.2)


def test_a_long_resume_window_keeps_an_old_run_in_progress(app_factory):
    app = survey_app(app_factory, USSD_RESUME_WINDOW_SECONDS=10**10)
    add_runs(app)
    figures = stats_of(app)
    assert (figures["started"], figures["dropped"]) == (2, 1)


def test_questions_come_in_definition_order_without_steps_that_ask_nothing(app):
    ids = [row["id"] for row in stats_of(app)["questions"]]
    assert ids == ["consent", "meals", "foods", "attention", "spend", "income", "note", "thanks"]


@pytest.mark.parametrize(
    ("question", "reached", "answered", "left_there"),
    [
        ("consent", 5, 4, 1),
        ("meals", 4, 2, 2),
        ("foods", 2, 2, 0),
        ("attention", 2, 2, 0),
        ("spend", 2, 1, 1),
        ("income", 1, 1, 0),
        ("note", 1, 1, 0),
        ("thanks", 1, 0, 0),
    ],
)
def test_reached_answered_and_left_there(app, question, reached, answered, left_there):
    row = by_id(stats_of(app))[question]
    assert (row["reached"], row["answered"], row["left_there"]) == (reached, answered, left_there)


def test_median_seconds_uses_answers_with_both_times(app):
    rows = by_id(stats_of(app))
    medians = {question: row["median_seconds"] for question, row in rows.items()}
    # consent: A 5 s, B 7 s, D 9 s; E has no shown_at and is left out.
    assert medians == {
        "consent": 7,
        "meals": 7,
        "foods": 9,
        "attention": 2.5,
        "spend": 20,
        "income": 8,
        "note": 15,
        "thanks": None,
    }


def test_invalid_rate_is_refused_replies_per_run_reaching_the_question(app):
    rows = by_id(stats_of(app))
    assert rows["meals"]["invalid_rate"] == pytest.approx(2 / 4)
    assert rows["spend"]["invalid_rate"] == pytest.approx(3 / 2)
    assert rows["consent"]["invalid_rate"] == 0


def test_a_skipped_question_is_reached_but_not_answered(app):
    with app.app_context():
        db.session.execute(
            update(SurveyAnswer).where(SurveyAnswer.question_id == "note").values(value=None)
        )
        db.session.commit()
    row = by_id(stats_of(app))["note"]
    assert (row["reached"], row["answered"]) == (1, 0)


def test_completion_by_language(app):
    languages = stats_of(app)["by_language"]
    assert languages["en"] == {
        "respondents": 3,
        "completed": 1,
        "completion_rate": pytest.approx(1 / 3),
    }
    assert languages["sw"] == {"respondents": 2, "completed": 0, "completion_rate": 0}


def test_status_counts_in_sql_match_the_stats(app):
    with app.app_context():
        counts = status_counts(SURVEY_ID)
    assert counts == {"respondents": 5, "started": 1, "completed": 1, "dropped": 2, "stopped": 1}


def test_stats_with_no_runs_has_no_rates(app_factory):
    figures = stats_of(survey_app(app_factory))
    assert figures["respondents"] == 0 and figures["completion_rate"] is None
    assert by_id(figures)["meals"]["invalid_rate"] is None


def test_cli_list_prints_the_counts(app):
    result = app.test_cli_runner().invoke(surveys_cli, ["list"])
    assert result.exit_code == 0, result.output
    words = result.output.split()
    assert words[0] == SURVEY_ID
    assert words[1:] == ["respondents", "5", "completed", "1", "dropped", "2", "stopped", "1"]


def test_cli_stats_prints_a_table(app):
    result = app.test_cli_runner().invoke(surveys_cli, ["stats", SURVEY_ID])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "5 respondents, 1 completed (20%), 2 dropped, 1 stopped" in lines[0]
    assert lines[1].split() == [
        "question",
        "type",
        "reached",
        "answered",
        "left",
        "median",
        "s",
        "invalid",
    ]
    spend = next(line for line in lines if line.startswith("spend "))
    assert spend.split() == ["spend", "number", "2", "1", "1", "20.0", "1.50"]
    assert "language sw: 0 of 2 completed (0%)" in lines


def test_cli_stats_of_an_unknown_survey_names_the_known_ones(app):
    result = app.test_cli_runner().invoke(surveys_cli, ["stats", "nope"])
    assert result.exit_code == 2
    assert "no survey 'nope'; known: diet_mini" in result.output
