"""The sample survey a designer copies (`examples/harvest_survey.yaml`), answered through
the callback URL as a Swahili caller would."""

import shutil
from pathlib import Path

from tests.conftest import Handset

SAMPLE = Path(__file__).parent.parent.parent / "examples" / "harvest_survey.yaml"


def test_the_sample_reads_as_a_swahili_caller_expects(app_factory, tmp_path):
    menus = tmp_path / "menus"
    menus.mkdir()
    shutil.copy(SAMPLE, menus / "harvest.yaml")
    phone = Handset(app_factory(MENUS_DIR=str(menus)).test_client(), "+254700000124", "*384*12#")
    # read before a language is chosen: both languages on the first screen
    assert phone.send().startswith(
        "CON Harvest survey / Utafiti wa mavuno\nChoose language / Chagua lugha\n"
    )
    assert phone.send("2").startswith("CON Sauti inauliza maswali 5")
    assert phone.send("1").startswith("CON Ulivuna zao gani zaidi?\n1. Mahindi")
    # the choice shows as its Swahili label, not the stored value `maize`
    assert phone.send("1").startswith("CON Ulivuna magunia mangapi ya kilo 90 ya Mahindi?")
    assert phone.send("50").startswith("CON Uliuza baadhi yake?")
    assert phone.send("1").startswith("CON Bei kwa gunia (KES)?")
    # 50 bags at KES 3,000: the amount reads as everywhere else
    assert phone.send("3000") == "END Asante! Mauzo yako: KES 150,000."


def test_the_sample_thanks_a_caller_who_sold_nothing_without_a_dangling_space(
    app_factory, tmp_path
):
    menus = tmp_path / "menus"
    menus.mkdir()
    shutil.copy(SAMPLE, menus / "harvest.yaml")
    phone = Handset(app_factory(MENUS_DIR=str(menus)).test_client(), "+254700000125", "*384*12#")
    assert phone.walk("1", "1", "2", "10", "2") == "END Thank you!"
