"""`flask menus import-xlsform`: an XLSForm workbook becomes a definition that validates."""

from pathlib import Path

import openpyxl
import pytest
from ruamel.yaml import YAML

from app.errors import MenuDefinitionError
from app.menus.xlsform import convert_xlsform, import_xlsform_command

EN, SW = "label::English (en)", "label::Swahili (sw)"
SURVEY = [
    {"type": "note", "name": "welcome", EN: "Welcome to the farm survey.", SW: "Karibu."},
    {"type": "select_one county", "name": "county", EN: "Which county?", SW: "Kaunti gani?",
     "required": "yes"},
    {"type": "select_one sub_county", "name": "sub_county", EN: "Which sub-county?",
     SW: "Kaunti ndogo gani?", "required": "yes", "choice_filter": "county=${county}"},
    {"type": "select_multiple crops", "name": "crops", EN: "Which crops do you grow?",
     SW: "Unalima mazao gani?", "required": True},
    {"type": "integer", "name": "acres", EN: "How many acres?", SW: "Ekari ngapi?",
     "required": "yes", "constraint": ". > 0 and . < 1000",
     "constraint_message::English (en)": "Enter 1 to 999",
     "constraint_message::Swahili (sw)": "Weka 1 hadi 999"},
    {"type": "text", "name": "Farmer_Name", EN: "Your name?", SW: "Jina lako?",
     "hint::English (en)": "First and last name"},
    {"type": "date", "name": "planted", EN: "When did you plant, ${Farmer_Name}?",
     SW: "Ulipanda lini, ${Farmer_Name}?"},
    {"type": "geopoint", "name": "farm_location", EN: "Farm location"},
    {"type": "begin_group", "name": "maize", EN: "Maize",
     "relevant": "selected(${crops}, 'maize')"},
    {"type": "integer", "name": "maize_bags", EN: "Bags of maize harvested?",
     SW: "Magunia mangapi ya mahindi?", "relevant": "${acres} > 1", "required": "yes"},
    {"type": "calculate", "name": "bags_per_acre", "calculation": "${maize_bags} div ${acres}"},
    {"type": "end_group"},
]  # fmt: skip
CHOICES = [
    {"list_name": "county", "name": "nairobi", EN: "Nairobi", SW: "Nairobi"},
    {"list_name": "county", "name": "kiambu", EN: "Kiambu", SW: "Kiambu"},
    {"list_name": "sub_county", "name": "westlands", EN: "Westlands", SW: "Westlands",
     "county": "nairobi"},
    {"list_name": "sub_county", "name": "thika", EN: "Thika", SW: "Thika", "county": "kiambu"},
    {"list_name": "crops", "name": "maize", EN: "Maize", SW: "Mahindi"},
    {"list_name": "crops", "name": "beans", EN: "Beans", SW: "Maharagwe"},
]  # fmt: skip
SETTINGS = [
    {"form_id": "Farm-Survey", "form_title": "Farm survey",
     "default_language": "English (en)", "version": "2024010101"},
]  # fmt: skip


def write_workbook(path: Path, **sheets: list[dict]) -> Path:
    """An .xlsx with one sheet per keyword; headers are the row keys in first-seen order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        headers = list(dict.fromkeys(key for row in rows for key in row))
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(header) for header in headers])
    book.save(path)
    return path


@pytest.fixture
def farm_survey(tmp_path) -> Path:
    return write_workbook(
        tmp_path / "farm_survey.xlsx", survey=SURVEY, choices=CHOICES, settings=SETTINGS
    )


def read_yaml(path: Path) -> dict:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_import_writes_a_definition_that_validates(app, runner, farm_survey, tmp_path):
    out = tmp_path / "farm.yaml"
    result = runner.invoke(import_xlsform_command, [str(farm_survey), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "note: survey row 9: type 'geopoint' is not supported on USSD; skipped" in (
        result.stderr
    )
    assert f"wrote {out}: 10 questions, 6 notes" in result.stdout
    with app.app_context():
        flows, problems, _warnings = app.extensions["menus"].compile([out])
    assert problems == []
    assert list(flows) == ["farm_survey"]


def test_import_converts_types_languages_and_flow(runner, farm_survey, tmp_path):
    out = tmp_path / "farm.yaml"
    runner.invoke(import_xlsform_command, [str(farm_survey), "-o", str(out)])
    text = out.read_text(encoding="utf-8")
    data = read_yaml(out)
    questions = {question["id"]: question for question in data["questions"]}
    assert text.startswith("# Imported from farm_survey.xlsx")
    assert (data["id"], data["kind"], data["title"]) == ("farm_survey", "survey", "Farm survey")
    assert data["languages"] == ["en", "sw"]
    assert {qid: q["type"] for qid, q in questions.items()} == {
        "welcome": "message",
        "county": "choice",
        "sub_county": "choice",
        "crops": "multi_choice",
        "acres": "number",
        "farmer_name": "text",
        "planted": "date",
        "maize_bags": "number",
        "bags_per_acre": "calculate",
        "thanks": "message",
    }
    ids = [question["id"] for question in data["questions"]]
    assert [question.get("next") for question in data["questions"]] == [*ids[1:], None]
    assert questions["thanks"]["label"] == {"en": "Thank you.", "sw": "Asante."}
    assert questions["planted"]["label"]["sw"] == "Ulipanda lini, {{ farmer_name }}?"
    assert questions["farmer_name"]["required"] is False
    assert "required" not in questions["acres"]


def test_import_converts_expressions(runner, farm_survey, tmp_path):
    out = tmp_path / "farm.yaml"
    runner.invoke(import_xlsform_command, [str(farm_survey), "-o", str(out)])
    questions = {question["id"]: question for question in read_yaml(out)["questions"]}
    assert questions["sub_county"]["choice_filter"] == "choice.county == county"
    assert questions["sub_county"]["choices_from"] == "sub_county"
    assert questions["maize_bags"]["relevant"] == "('maize' in ${crops}) and (${acres} > 1)"
    assert questions["acres"]["constraint"] == ". > 0 and . < 1000"
    assert questions["acres"]["constraint_message"] == {
        "en": "Enter 1 to 999",
        "sw": "Weka 1 hadi 999",
    }
    assert questions["bags_per_acre"]["calculation"] == "${maize_bags} / ${acres}"
    assert questions["bags_per_acre"]["relevant"] == "'maize' in ${crops}"


def test_import_keeps_choice_columns_for_choice_filter(runner, farm_survey, tmp_path):
    out = tmp_path / "farm.yaml"
    runner.invoke(import_xlsform_command, [str(farm_survey), "-o", str(out)])
    lists = read_yaml(out)["choice_lists"]
    assert lists["sub_county"][1] == {
        "value": "thika",
        "label": {"en": "Thika", "sw": "Thika"},
        "county": "kiambu",
    }
    assert [choice["value"] for choice in lists["crops"]] == ["maize", "beans"]


def test_convert_notes_name_the_row_of_everything_dropped(farm_survey):
    _definition, notes = convert_xlsform(farm_survey)
    assert notes == [
        "settings row 2: form_id 'Farm-Survey' is not a valid id; using 'farm_survey'",
        "settings row 2: no USSD equivalent for column(s) version; dropped",
        "survey row 7: name 'Farmer_Name' is not a valid id; using 'farmer_name'",
        "survey row 7: no USSD equivalent for column(s) hint; dropped",
        "survey row 9: type 'geopoint' is not supported on USSD; skipped",
        "survey row 10: group 'maize' is flattened; its label is not shown",
    ]


def test_convert_skips_a_repeat_with_the_rows_inside_it(tmp_path):
    survey = [
        {"type": "text", "name": "name", "label": "Name?"},
        {"type": "begin_repeat", "name": "plots", "label": "Plots"},
        {"type": "integer", "name": "plot_size", "label": "Size?"},
        {"type": "end_repeat"},
        {"type": "note", "name": "bye", "label": "Bye."},
    ]
    definition, notes = convert_xlsform(write_workbook(tmp_path / "plots.xlsx", survey=survey))
    assert [q["id"] for q in definition["questions"]] == ["name", "bye"]
    assert definition["languages"] == ["en"]
    assert notes == [
        "survey row 3: repeat 'plots' is not supported on USSD; skipped with the rows inside it"
    ]


def test_import_keeps_an_unconvertible_function_and_exits_1(runner, tmp_path):
    survey = [
        {"type": "text", "name": "phone", "label": "Phone?", "constraint": "regex(., '^0[0-9]+$')"}
    ]
    xlsx = write_workbook(tmp_path / "phones.xlsx", survey=survey)
    out = tmp_path / "phones.yaml"
    result = runner.invoke(import_xlsform_command, [str(xlsx), "-o", str(out)])
    assert result.exit_code == 1
    assert (
        "note: survey row 2: constraint: regex() cannot run in Jinja; kept as written, "
        "edit the YAML" in result.stderr
    )
    assert f"{out}:" in result.stderr and "unknown name 'regex'" in result.stderr
    assert read_yaml(out)["questions"][0]["constraint"] == "regex(., '^0[0-9]+$')"


def test_import_quotes_yes_and_no_and_warns_that_nobody_can_dial_it(runner, tmp_path):
    survey = [{"type": "select_one yn", "name": "ok", "label": "OK?"}]
    choices = [
        {"list_name": "yn", "name": "yes", "label": "Yes"},
        {"list_name": "yn", "name": "no", "label": "No"},
    ]
    xlsx = write_workbook(tmp_path / "yn.xlsx", survey=survey, choices=choices)
    out = tmp_path / "yn.yaml"
    result = runner.invoke(import_xlsform_command, [str(xlsx), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert 'value: "yes"' in text and 'en: "No"' in text
    assert "write" not in result.stderr  # nothing left unquoted
    assert "no `service_codes`: no caller can reach this definition" in result.stderr


def test_convert_refuses_a_file_that_is_not_an_xlsform(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    with pytest.raises(MenuDefinitionError) as caught:
        convert_xlsform(junk)
    assert caught.value.problems[0].startswith(f"{junk}:1: (file): ")


def test_convert_rewrites_xlsform_functions_and_notes_the_rest(tmp_path):
    survey = [
        {"type": "text", "name": "code", "label": "Code?", "required": "${x} = 1",
         "constraint": "string-length(.) = 4 and not(selected(., 'x'))"},
        {"type": "integer", "name": "n", "label": "N?", "required": "yes",
         "constraint": ". mod 2 = 0", "relevant": "if(${code} = 'a', true(), false())"},
        {"type": "select_one yes_no or_other", "name": "ok", "label": "OK?"},
    ]  # fmt: skip
    definition, notes = convert_xlsform(write_workbook(tmp_path / "f.xlsx", survey=survey))
    code, n, ok, _thanks = definition["questions"]
    assert code["constraint"] == "value|length = 4 and not('x' in .)"
    assert n["constraint"] == ". % 2 = 0"
    assert n["relevant"] == "if(${code} = 'a', true, false)"
    assert ok["choices_from"] == "yes_no"
    assert notes == [
        "survey row 2: required '${x} = 1' is an expression; always required",
        "survey row 3: relevant: if() cannot run in Jinja; kept as written, edit the YAML",
        "survey row 4: 'or_other' is not supported; dropped",
    ]
