"""A survey offered by its director's bid to matching customers on a shared service code,
with cascading choices."""

import shutil
from pathlib import Path

import pytest

from app.seed import seed_demo
from tests.conftest import FIXTURES, Handset

SHIPPED = Path(__file__).parents[2] / "app" / "menus"
AMINA, CYNTHIA = "+254711000001", "+254711000003"  # Nairobi, Nakuru


@pytest.fixture
def app(app_factory, tmp_path):
    menus = tmp_path / "menus"
    shutil.copytree(SHIPPED, menus)
    shutil.copy(FIXTURES / "offers" / "nakuru_offer.yaml", menus)
    app = app_factory(MENUS_DIR=str(menus))
    with app.app_context():
        seed_demo(app.config)
    return app


def test_matching_customers_get_the_offer_others_the_usual_menu(app, client):
    assert Handset(client, CYNTHIA).send().startswith("CON Where do you sell your milk?")
    assert Handset(client, AMINA).send().startswith("CON Sauti Money. Hello Amina")


def test_bids_explain_who_is_offered_what(app, runner):
    lines = runner.invoke(args=["directors", "bids", AMINA, "*384*1#"]).output.splitlines()
    assert any(
        "nakuru_offer" in line and "audience: customer.city == 'Nakuru'" in line for line in lines
    )


def test_choice_filter_cascades_from_an_earlier_answer(app, client):
    phone = Handset(client, CYNTHIA)
    phone.send()
    markets = phone.send("1")
    assert "1. Nakuru town" in markets and "2. Naivasha" in markets and "Nyeri" not in markets
    assert phone.send("2") == "END Thank you, Cynthia Njeri."


def test_once_taken_the_offer_gives_way_to_the_menu(app, client):
    Handset(client, CYNTHIA).walk("2", "1")
    assert Handset(client, CYNTHIA).send().startswith("CON Sauti Money. Hello Cynthia")
