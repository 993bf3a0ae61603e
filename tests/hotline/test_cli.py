"""`flask hotline …` as an operator types it."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Shift
from tests.hotline.conftest import AMINA, BRIAN, add_shifts


def invoke(runner, *args: str):
    return runner.invoke(args=["hotline", *args])


def shift_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Shift))


def test_group_add_list_and_remove(app, runner):
    added = invoke(
        runner, "group", "add", "Helpline", "--number", "0711082005", "--email",
        "Team@Example.org", "--greeting", "en=Leave a message", "--greeting", "sw=Acha ujumbe",
        "--dial-mode", "in_order", "--ring-timeout", "25", "--reminder-hour", "19",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.output == "group 1: Helpline on +254711082005\n"
    listed = invoke(runner, "group", "list").output
    assert listed == (
        "   1 +254711082005  Helpline  [Africa/Nairobi, in_order, 25 s, reminders at 19:00]"
        " -> Team@example.org\n"
    )
    removed = invoke(runner, "group", "remove", "+254711082005")
    assert removed.output == "removed group 'Helpline' and 0 shifts\n"
    assert invoke(runner, "group", "list").output == ""


def test_group_add_names_the_bad_field(app, runner):
    def error(*args: str) -> str:
        result = invoke(runner, "group", "add", "Line", *args)
        assert result.exit_code == 1
        return result.output.strip()

    good = ["--number", "+254711082005", "--email", "a@example.org"]
    assert error("--number", "12", "--email", "a@example.org") == (
        "Error: number: not a possible phone number: **"
    )
    assert error("--number", "+254711082005", "--email", "nobody").startswith(
        "Error: voicemail email: 'nobody' is not an email address:"
    )
    assert error(*good, "--timezone", "Mars/Olympus") == (
        "Error: time zone: 'Mars/Olympus' is not an IANA time zone (e.g. Africa/Nairobi)"
    )
    assert error(*good, "--greeting", "hello") == (
        "Error: greeting: 'hello' is not LANGUAGE=TEXT (e.g. en=Hello…)"
    )
    assert error(*good, "--ring-timeout", "500") == "Error: ring timeout: 500 s is not 5–120 s"
    assert error(*good, "--reminder-hour", "24") == (
        "Error: reminder hour: 24 is not an hour (0–23)"
    )
    invoke(runner, "group", "add", "Line", *good)
    assert error("--number", "+254711082005", "--email", "b@example.org") == (
        "Error: group: the name 'Line' or number +254711082005 is taken"
    )


def test_volunteer_add_list_and_remove_with_their_shifts(app, runner, lines):
    added = invoke(runner, "volunteer", "add", "Dan Kim", "--phone", "0722000004", "--inactive")
    assert added.output == "volunteer 4: Dan Kim on +254722000004\n"
    add_shifts(app, ("Nairobi line", "+254722000004", "Friday", "08:00", "12:00"))
    listed = invoke(runner, "volunteer", "list").output.splitlines()
    assert listed[0] == "   1 +254722000001  Amina Wanjiru  amina@example.org"
    assert listed[3] == "   4 +254722000004  Dan Kim  -  (inactive)"
    in_group = invoke(runner, "volunteer", "list", "--group", "Nairobi line").output
    assert in_group == "   4 +254722000004  Dan Kim  -  (inactive)\n"
    removed = invoke(runner, "volunteer", "remove", "+254722000004")
    assert removed.output == "removed volunteer 'Dan Kim' and 1 shifts\n"
    assert shift_count(app) == 0
    twice = invoke(runner, "volunteer", "add", "Amina again", "--phone", AMINA)
    assert twice.output == "Error: phone: +254722000001 is already a volunteer's\n"


def test_shift_add_list_and_remove(app, runner, lines):
    added = invoke(runner, "shift", "add", "Nairobi line", AMINA, "Saturday", "22:00", "06:00")
    assert added.exit_code == 0, added.output
    assert added.output == (
        "shift 1: Nairobi line: Amina Wanjiru (+254722000001) Saturday 22:00–06:00 (+1 day)\n"
    )
    invoke(runner, "shift", "add", "2", "2", "2026-12-24", "18", "23:30")
    listed = invoke(runner, "shift", "list").output.splitlines()
    assert listed == [
        "   1 Nairobi line: Amina Wanjiru (+254722000001) Saturday 22:00–06:00 (+1 day)",
        "   2 London line: Brian Otieno (+254722000002) 2026-12-24 18:00–23:30",
    ]
    only = invoke(runner, "shift", "list", "--volunteer", BRIAN).output
    assert only.startswith("   2 London line")
    assert invoke(runner, "shift", "remove", "1").output.startswith("removed shift 1: ")
    assert invoke(runner, "shift", "remove", "1").output == (
        "Error: shift: no shift 1 (see `flask hotline shift list`)\n"
    )


def test_shift_add_refuses_unknown_groups_volunteers_and_times(app, runner, lines):
    def error(*args: str) -> str:
        result = invoke(runner, "shift", "add", *args)
        assert result.exit_code == 1
        return result.output.strip()

    assert error("Nowhere", AMINA, "Monday", "9", "17") == (
        "Error: group: no group 'Nowhere' (see `flask hotline group list`)"
    )
    assert error("1", "+254799999999", "Monday", "9", "17") == (
        "Error: volunteer: no volunteer '+254799999999' (see `flask hotline volunteer list`)"
    )
    assert error("1", AMINA, "Funday", "9", "17") == (
        "Error: day: 'Funday' is not a weekday (Monday … Sunday)"
    )
    assert error("1", AMINA, "Monday", "9", "17:75") == (
        "Error: end: '17:75' is not a time of day (0–23, or HH:MM)"
    )
    assert shift_count(app) == 0


def test_shift_import_adds_every_line(app, runner, lines, tmp_path):
    path = tmp_path / "shifts.csv"
    path.write_text(
        "group,volunteer,day,start,end\n"
        f"Nairobi line,{AMINA},Monday,09:00,17:00\n"
        "\n"
        f"+254711082005,{BRIAN},Monday,17:00,01:00\n"
        f"2,1,2026-12-25,10:00,14:00\n"
    )
    result = invoke(runner, "shift", "import", str(path))
    assert result.exit_code == 0, result.output
    assert result.output == "added 3 shifts\n"
    assert invoke(runner, "who", "1", "Monday", "17").output.splitlines()[1:] == [
        "  Brian Otieno +254722000002"
    ]


def test_shift_import_with_bad_lines_lists_them_all_and_adds_nothing(app, runner, lines, tmp_path):
    path = tmp_path / "shifts.csv"
    path.write_text(
        "group,volunteer,day,start,end\n"
        f"Nairobi line,{AMINA},Monday,09:00,17:00\n"
        f"Nairobi line,{AMINA},Mondy,09:00,17:00\n"
        f"Nowhere,{BRIAN},Monday,17:00,01:00\n"
        f"Nairobi line,{BRIAN},Tuesday,17:00\n"
    )
    result = invoke(runner, "shift", "import", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "line 3: day: 'Mondy' is not a weekday (Monday … Sunday)",
        "line 4: group: no group 'Nowhere' (see `flask hotline group list`)",
        "line 5: end: '' is not a time of day (0–23, or HH:MM)",
        "Error: 3 bad line(s): no shift was added",
    ]
    assert shift_count(app) == 0


def test_shift_import_needs_the_header(app, runner, lines, tmp_path):
    path = tmp_path / "shifts.csv"
    path.write_text(f"Nairobi line,{AMINA},Monday,09:00,17:00\n")
    result = invoke(runner, "shift", "import", str(path))
    assert result.exit_code == 1
    assert "line 1: header: missing column(s) group, volunteer, day, start, end" in result.output


def test_who_says_who_would_be_called_or_that_nobody_would(app, runner, lines):
    add_shifts(
        app,
        ("Nairobi line", BRIAN, "Monday", "10:00", "18:00"),
        ("Nairobi line", AMINA, "Monday", "09:00", "17:00"),
    )
    assert invoke(runner, "who", "Nairobi line", "Monday", "16").output == (
        "Nairobi line at Monday 16:00 (Africa/Nairobi), in_order:\n"
        "  Amina Wanjiru +254722000001\n"
        "  Brian Otieno +254722000002\n"
    )
    assert invoke(runner, "who", "1", "Sunday", "16:30").output.splitlines()[1] == (
        "  nobody on shift: the caller hears the greeting and leaves a voicemail"
    )
    assert invoke(runner, "who", "1", "Monday", "noon").exit_code == 1


def test_route_explains_the_decision_for_a_number_and_moment(app, runner, lines):
    add_shifts(app, ("Nairobi line", AMINA, "Monday", "09:00", "17:00"))
    output = invoke(runner, "route", "+254711082005", "--at", "2026-11-30T10:00+03:00").output
    assert output.splitlines()[:2] == [
        "dial: 1 on shift at Mon 10:00 Africa/Nairobi",
        "  dial +254722000001 (in_order, 15 s each, caller id +254711082005)",
    ]
    unknown = invoke(runner, "route", "+254711999999", "--at", "2026-11-30T10:00+03:00")
    assert unknown.output.startswith("no_such_group: no group\n")
