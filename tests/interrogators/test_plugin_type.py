"""A question type from outside: an interrogator registered through the
`sauti.interrogators` entry point is a type a definition can use, answered on a handset,
exported with the FLOIP type it declares, and checked for voice like the built-ins."""

import importlib.metadata
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.extensions import db
from app.interrogators import Ask, Interrogator, InvalidAnswer, interrogators
from app.models import SurveyAnswer
from app.surveys.export import floip_package
from app.surveys.stats import survey_runs
from tests.conftest import Handset


class StarsInterrogator(Interrogator):
    """A rating from 1 to 5 stars."""

    floip_type = "numeric"
    keypad = True

    def parse(self, ask: Ask, raw: str) -> Any:
        if raw.strip() not in {"1", "2", "3", "4", "5"}:
            raise InvalidAnswer("Enter 1 to 5 stars.")
        return int(raw)


HARVEST = """\
id: harvest_rating
kind: survey
service_codes: ["*384*77#"]
entry: {voice: ["+254711082077"]}
questions:
  - id: stars
    type: stars
    label: How was the harvest, from 1 to 5 stars?
    next: thanks
  - id: thanks
    type: message
    label: Thank you.
"""


@pytest.fixture
def stars_plugin(monkeypatch):
    """`stars` offered by an installed package's entry point (and gone after the test)."""
    point = importlib.metadata.EntryPoint(
        name="stars", value=f"{__name__}:StarsInterrogator", group="sauti.interrogators"
    )
    interrogators.discover()  # the built-ins, before the registry is copied
    real = importlib.metadata.entry_points
    monkeypatch.setattr(
        importlib.metadata,
        "entry_points",
        lambda group: [point] if group == point.group else real(group=group),
    )
    monkeypatch.setattr(interrogators, "_by_name", dict(interrogators._by_name))
    monkeypatch.setattr(interrogators, "_discovered", False)


@pytest.fixture
def menus(tmp_path):
    menus = tmp_path / "plugin_menus"
    shutil.copytree(Path(__file__).parents[2] / "app" / "menus", menus)
    (menus / "harvest_rating.yaml").write_text(HARVEST)
    return menus


def test_a_plugin_question_type_works_in_yaml_with_its_floip_type(stars_plugin, menus, app_factory):
    app = app_factory(MENUS_DIR=str(menus))
    phone = Handset(app.test_client(), service_code="*384*77#")
    assert phone.send() == "CON How was the harvest, from 1 to 5 stars?"
    assert phone.send("9").startswith("CON Enter 1 to 5 stars.")
    assert phone.send("4") == "END Thank you."
    with app.app_context():
        answer = db.session.scalars(select(SurveyAnswer)).one()
        assert (answer.question_id, answer.value) == ("stars", 4)
        flow = app.extensions["menus"].flows["harvest_rating"]
        package = floip_package(flow, survey_runs("harvest_rating"))
    question = package["resources"][0]["schema"]["questions"]["stars"]
    assert question["type"] == "numeric"


def test_validate_accepts_the_plugin_type_on_every_channel(stars_plugin, menus, app_factory):
    app = app_factory(MENUS_DIR=str(menus))
    result = app.test_cli_runner().invoke(
        args=["menus", "validate", str(menus / "harvest_rating.yaml")]
    )
    assert result.exit_code == 0, result.stderr


def test_without_the_plugin_the_type_is_unknown(menus, app_factory, tmp_path):
    path = tmp_path / "harvest_rating.yaml"
    path.write_text(HARVEST)
    result = app_factory().test_cli_runner().invoke(args=["menus", "validate", str(path)])
    assert result.exit_code == 1
    assert "questions.stars.type: unknown type 'stars'" in result.stderr


def test_a_plugin_type_not_answerable_from_a_keypad_is_refused_on_voice(
    stars_plugin, menus, app_factory, monkeypatch
):
    monkeypatch.setattr(StarsInterrogator, "keypad", False)
    app = app_factory(MENUS_DIR=str(menus), MENUS_REQUIRED=False)
    path = menus / "harvest_rating.yaml"
    result = app.test_cli_runner().invoke(args=["menus", "validate", str(path)])
    assert result.exit_code == 1
    assert "questions.stars.type: a stars cannot be answered on a call" in result.stderr
