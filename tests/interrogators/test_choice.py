"""multi_choice with an exclusive option, on the shipped farmer registration."""

import pytest

from app.seed import seed_locations
from tests.conftest import Handset

REFUSED = "CON None cannot be chosen with other answers.\n"


@pytest.fixture
def at_livestock(app, client):
    """A farmer at the livestock question (1. Cattle … 8. None)."""
    with app.app_context():
        seed_locations()
    phone = Handset(client, "+254733000301", "*384*2#")
    body = phone.walk("1", "Achieng Otieno", "2", "1980", "Kiambu", "1", "1", "1", "1,2")
    assert body.startswith("CON Which animals do you keep? e.g. 1,4\n1. Cattle")
    return phone


def test_an_exclusive_choice_beside_others_is_refused_with_the_reason(at_livestock):
    assert at_livestock.send("1,8").startswith(REFUSED + "Which animals do you keep?")
    assert at_livestock.send("8,1").startswith(REFUSED + "Which animals do you keep?")
    assert at_livestock.send("8").startswith("CON Chosen: None\nWhich animals")


def test_an_exclusive_choice_is_refused_one_at_a_time_too(at_livestock):
    assert at_livestock.send("1").startswith("CON Chosen: Cattle\nWhich animals")
    assert at_livestock.send("8").startswith(REFUSED + "Chosen: Cattle\nWhich animals")
    assert at_livestock.send("1").startswith("CON Which animals")  # Cattle taken back
    assert at_livestock.send("8").startswith("CON Chosen: None\nWhich animals")
    assert at_livestock.send("1").startswith(REFUSED + "Chosen: None\nWhich animals")
