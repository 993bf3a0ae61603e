from pathlib import Path

import pycountry
import pytest

from app.locations import LocationTree, fold, load_locations

SAMPLED = (
    "Nairobi City",
    "Kiambu",
    "Nakuru",
    "Kisumu",
    "Mombasa",
    "Machakos",
    "Meru",
    "Kakamega",
    "Uasin Gishu",
    "Bungoma",
)
HEADER = "county_code,county,sub_county,ward\n"


@pytest.fixture(scope="module")
def tree() -> LocationTree:
    return load_locations()


def write_csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "locations.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_lists_all_47_counties_sorted(tree):
    counties = tree.children(())
    assert len(counties) == 47
    assert counties[0] == "Baringo"
    assert counties[-1] == "West Pokot"
    assert counties == sorted(counties, key=fold)


def test_county_codes_match_pycountry(tree):
    iso = {sub.name: sub.code for sub in pycountry.subdivisions.get(country_code="KE")}
    assert {name: tree.code(name) for name in tree.children(())} == iso
    assert tree.code("Nairobi City") == "KE-30"
    assert tree.code("Kiambu") == "KE-13"


def test_sampled_counties_have_three_sub_counties_with_three_wards(tree):
    for county in SAMPLED:
        sub_counties = tree.children((county,))
        assert len(sub_counties) >= 3, county
        for sub_county in sub_counties:
            assert len(tree.children((county, sub_county))) >= 3, (county, sub_county)


def test_nairobi_has_sub_counties_with_wards(tree):
    assert "Westlands" in tree.children(("Nairobi City",))
    assert "Lang'ata" in tree.children(("Nairobi City",))
    assert "Kangemi" in tree.children(("Nairobi City", "Westlands"))
    assert "Karen" in tree.children(("Nairobi City", "Lang'ata"))


def test_county_without_sample_has_no_sub_counties(tree):
    assert tree.children(("Turkana",)) == []
    assert tree.code("Turkana") == "KE-43"


def test_children_refuses_unknown_names_and_paths_below_wards(tree):
    with pytest.raises(KeyError, match="Atlantis"):
        tree.children(("Atlantis",))
    with pytest.raises(KeyError, match="Westlands"):
        tree.children(("Kiambu", "Westlands"))
    with pytest.raises(ValueError, match="no children"):
        tree.children(("Nairobi City", "Westlands", "Kangemi"))
    with pytest.raises(KeyError, match="Nairobi"):
        tree.code("Nairobi")


def test_levels_name_each_depth(tree):
    assert tree.levels == ("county", "sub_county", "ward")


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("murang", ["Murang'a"]),
        ("MURANGA", ["Murang'a"]),
        ("murang'a", ["Murang'a"]),
        ("Múrang", ["Murang'a"]),
        ("tharaka", ["Tharaka-Nithi"]),
        ("tharakan", ["Tharaka-Nithi"]),
        ("tharaka nithi", ["Tharaka-Nithi"]),
        ("homab", ["Homa Bay"]),
        ("elgeyo-marakwet", ["Elgeyo/Marakwet"]),
        ("nairobi", ["Nairobi City"]),
        ("ka", ["Kajiado", "Kakamega"]),
        ("zz", []),
    ],
)
def test_matching_counties_ignores_case_accents_and_punctuation(tree, prefix, expected):
    assert tree.matching((), prefix) == expected


def test_matching_wards_and_sub_counties(tree):
    assert tree.matching(("Nairobi City",), "langa") == ["Lang'ata"]
    assert tree.matching(("Uasin Gishu", "Soy"), "mois b") == ["Moi's Bridge"]
    assert tree.matching(("Kiambu", "Ruiru"), "kahawa") == ["Kahawa Sukari", "Kahawa Wendani"]


def test_empty_prefix_matches_every_child(tree):
    assert tree.matching((), "") == tree.children(())


def test_bad_county_code_names_the_row(tmp_path):
    path = write_csv(tmp_path, "KE-13,Kiambu,Ruiru,Biashara\nKE-48,Atlantis,,\n")
    with pytest.raises(ValueError, match=r"locations\.csv:3: county code 'KE-48'"):
        load_locations(path)


def test_county_name_not_matching_its_code_names_the_row(tmp_path):
    path = write_csv(tmp_path, "KE-30,Nairobi,Westlands,Kangemi\n")
    with pytest.raises(ValueError, match=r"locations\.csv:2: county 'Nairobi'.*'Nairobi City'"):
        load_locations(path)


def test_duplicate_ward_in_one_sub_county_names_both_rows(tmp_path):
    body = "KE-13,Kiambu,Ruiru,Biashara\nKE-13,Kiambu,Ruiru,Gitothua\nKE-13,Kiambu,Ruiru,biashara\n"
    path = write_csv(tmp_path, body)
    with pytest.raises(ValueError, match=r"locations\.csv:4: ward 'biashara'.*on line 2"):
        load_locations(path)


def test_same_ward_name_in_two_sub_counties_is_allowed(tmp_path):
    body = "KE-31,Nakuru,Naivasha,Biashara\nKE-31,Nakuru,Nakuru Town East,Biashara\n"
    tree = load_locations(write_csv(tmp_path, body))
    assert tree.children(("Nakuru",)) == ["Naivasha", "Nakuru Town East"]


def test_ward_without_sub_county_names_the_row(tmp_path):
    path = write_csv(tmp_path, "KE-13,Kiambu,,Biashara\n")
    with pytest.raises(ValueError, match=r"locations\.csv:2: sub_county and ward"):
        load_locations(path)


def test_wrong_header_is_refused(tmp_path):
    path = tmp_path / "locations.csv"
    path.write_text("code,county,sub_county,ward\nKE-13,Kiambu,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"locations\.csv:1: header"):
        load_locations(path)


def test_extra_cells_name_the_row(tmp_path):
    path = write_csv(tmp_path, "KE-13,Kiambu,Ruiru,Biashara,extra\n")
    with pytest.raises(ValueError, match=r"locations\.csv:2: more than 4 columns"):
        load_locations(path)


def test_wards_are_listed_word_by_word_as_a_directory_lists_them(app, client):
    from app.seed import seed_locations
    from tests.conftest import Handset

    with app.app_context():
        seed_locations()
    farmer = Handset(client, "+254733000077", "*384*2#")
    farmer.walk("1", "Achieng Atieno", "2", "1980", "nakuru")
    body = farmer.send("njoro")
    assert body.index("Mau Narok") < body.index("Mauche")
