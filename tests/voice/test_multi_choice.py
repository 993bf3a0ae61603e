"""A multi_choice question on a call: asked one pick at a time (a keypad has no comma),
each pick said back, "Done" when finished; the answer is the list of picks."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import SurveyAnswer
from tests.voice.conftest import PUBLIC_BASE_URL, TWILIO_TOKEN, Phone

LINE = "+254711082077"
FRUITS = f"""\
id: fruits
kind: survey
entry: {{voice: ["{LINE}"]}}
questions:
  - id: fruits
    type: multi_choice
    label: Which fruits did you eat yesterday?
    choices:
      - {{value: mango, label: Mango}}
      - {{value: banana, label: Banana}}
      - {{value: none, label: None of these, exclusive: true}}
    next: thanks
  - id: thanks
    type: message
    label: Thank you.
"""


@pytest.fixture
def fruits_app(app_factory, tmp_path):
    menus = tmp_path / "fruit_menus"
    shutil.copytree(Path(__file__).parents[2] / "app" / "menus", menus)
    (menus / "fruits.yaml").write_text(FRUITS)
    return app_factory(
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN, PUBLIC_BASE_URL=PUBLIC_BASE_URL, MENUS_DIR=str(menus)
    )


@pytest.mark.parametrize("gateway", ["twilio", "africastalking"])
def test_multi_choice_is_asked_one_pick_at_a_time(fruits_app, gateway):
    phone = Phone(fruits_app.test_client(), gateway, LINE, "+254733000901")
    phone.call()
    assert phone.said.startswith(
        "Which fruits did you eat yesterday? Press one at a time, "
        "then the key for Done. For Mango, press 1."
    )
    assert phone.asking.get("numDigits") == "1"
    phone.press("1")
    assert phone.said.startswith("Chosen: Mango. Which fruits did you eat yesterday?")
    assert "For Done, press 4." in phone.said
    phone.press("3")
    assert phone.said.startswith("None of these cannot be chosen with other answers.")
    phone.press("2")
    assert phone.said.startswith("Chosen: Mango, Banana.")
    phone.press("4")
    assert phone.said.startswith("Thank you.")
    with fruits_app.app_context():
        answer = db.session.scalars(select(SurveyAnswer)).one()
        assert (answer.question_id, answer.channel) == ("fruits", "voice")
        assert answer.value == ["mango", "banana"]
