"""`flask menus validate` as a designer meets it: each problem at its field's own line and
column with the nearest known name, every check run past a schema error, indentation
mistakes in plain words, and warnings for what is legal but likely wrong."""

import pytest


@pytest.fixture
def validate(runner, tmp_path):
    """Write `text` as a definition and validate it: (exit code, stderr lines)."""

    def run(text: str, name: str = "harvest.yaml") -> tuple[int, list[str]]:
        path = tmp_path / name
        path.write_text(text)
        result = runner.invoke(args=["menus", "validate", str(path)])
        prefix = f"{path}:"
        lines = [line.replace(prefix, "") for line in result.stderr.splitlines()]
        return result.exit_code, lines

    return run


HARVEST = """\
id: harvest
service_codes: ["*384*12#"]
questions:
  - id: crop
    type: choice
    label: Which crop?
    choices:
      - {value: maize, label: Maize}
      - {value: beans, label: Beans}
    next: bags
  - id: bags
    type: number
    label: How many bags?
    min: 1
    next: sold
  - id: sold
    type: yes_no
    label: Did you sell some?
    next:
      - {when: "sold", goto: price}
      - {goto: thanks}
  - id: price
    type: number
    label: Price per bag?
    min: 1
    next: thanks
  - id: thanks
    type: message
    label: Thank you.
"""


def test_the_shipped_sample_shape_is_valid(validate):
    assert validate(HARVEST) == (0, [])


def test_a_goto_is_reported_at_its_own_line_and_column_with_the_nearest_name(validate):
    code, lines = validate(HARVEST.replace("goto: price", "goto: prise"))
    assert code == 1
    assert "20:30: questions.sold.next.0.goto: no question 'prise' (did you mean 'price'?)" in lines


def test_an_unknown_name_in_a_condition_is_reported_at_the_condition(validate):
    text = HARVEST.replace(
        "    label: Price per bag?", '    relevant: "sould"\n    label: Price per bag?'
    )
    code, lines = validate(text)
    assert "24:15: questions.price.relevant: unknown name 'sould' (did you mean 'sold'?)" in lines


def test_a_schema_error_does_not_hide_the_other_checks(validate):
    text = HARVEST.replace("type: number\n    label: How many", "type: numbr\n    label: How many")
    text = text.replace('{when: "sold"', '{when: "sould"')
    code, lines = validate(text)
    assert code == 1
    assert "12:11: questions.bags.type: unknown type 'numbr' (did you mean 'number'?)" in lines
    assert "20:16: questions.sold.next.0.when: unknown name 'sould' (did you mean 'sold'?)" in lines


def test_a_misspelt_field_suggests_the_right_one(validate):
    code, lines = validate(HARVEST.replace("label: Thank you.", "lable: Thank you."))
    assert "29:12: questions.thanks.lable: unknown field 'lable' (did you mean 'label'?)" in lines


def test_a_field_indented_under_the_label_is_named_as_such(validate):
    text = HARVEST.replace(
        "    label: How many bags?\n    min: 1",
        "    label:\n      en: How many bags?\n      min: 1",
    )
    code, lines = validate(text)
    assert code == 1
    assert (
        "15:12: questions.bags.label.min: unknown language 'min' in label: is `min:` indented "
        "too far? It belongs under the question, level with `label:`"
    ) in lines
    assert not any("valid string" in line for line in lines)  # no second, confusing message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    label: How many bags?",
            "    label: How many bags?\n      min: 2",
            "14:10: (yaml): check the indentation of line 14 (a `key:`",
        ),
        (
            "    label: How many bags?",
            "    label: Bags: how many?",
            "13:16: (yaml): check the indentation of line 13 (a `key:` cannot follow a value",
        ),
        (
            "    label: How many bags?",
            "   label: How many bags?",
            "13:4: (yaml): check the indentation of line 13: it lines up with no key above it",
        ),
        (
            "    label: How many bags?",
            "\tlabel: How many bags?",
            "13:1: (yaml): indent with spaces, not tabs",
        ),
    ],
)
def test_indentation_mistakes_get_plain_words(validate, old, new, expected):
    code, lines = validate(HARVEST.replace(old, new))
    assert code == 1 and lines[0].startswith(expected), lines


def test_a_definition_nobody_can_dial_is_a_warning(validate):
    code, lines = validate(HARVEST.replace('service_codes: ["*384*12#"]\n', ""))
    assert code == 0
    assert "warning: 1:5: id: no `service_codes`: no caller can reach this definition" in lines


def test_unquoted_yes_and_no_are_warned_about(validate):
    code, lines = validate(
        HARVEST.replace("{value: beans, label: Beans}", "{value: no, label: None}")
    )
    assert code == 0
    assert any(
        line.startswith('warning: 9:17: questions.crop.choices.no.value: write "no" in quotes')
        for line in lines
    )


def test_the_back_key_warning_looks_at_the_constraint(validate):
    text = HARVEST.replace(
        "    min: 1\n    next: sold", '    constraint: ". >= 15"\n    next: sold'
    )
    code, lines = validate(text)
    assert code == 0 and lines == []
    code, lines = validate(HARVEST.replace("    min: 1\n    next: sold", "    next: sold"))
    assert (
        "warning: 11:5: questions.bags: the answer 0 is the back key and cannot be entered" in lines
    )
