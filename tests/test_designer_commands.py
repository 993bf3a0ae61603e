"""The designer's commands as a shell runs them (`flask --app manage …`, `make`): what
starts with a broken definition, what lands on stdout and stderr, and what README
commands leave behind in the checkout."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "manage"]
SAMPLE = ROOT / "examples" / "harvest_survey.yaml"


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """A database built and seeded for the shipped menus, and a copy of those menus to break.

    Returns a function that runs `flask --app manage ARGS` there: (exit code, stdout, stderr).
    """
    where = tmp_path_factory.mktemp("checkout")
    menus = where / "menus"
    menus.mkdir()
    for path in (ROOT / "app" / "menus").glob("*.yaml"):
        shutil.copy(path, menus)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{where / 'sauti.db'}",
        "MENUS_DIR": str(menus),
        "SECRET_KEY": "s",
        "SESSION_SIGNING_KEY": "k",
        "PIN_PEPPER": "p",
        "AT_CALLBACK_TOKEN": "t",
        "HUBTEL_CALLBACK_TOKEN": "t",
    }
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "FLASK_DEBUG", "MENUS_HOT_RELOAD"):
        env.pop(name, None)

    def flask(*args: str) -> tuple[int, str, str]:
        done = subprocess.run(
            [*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        return done.returncode, done.stdout, done.stderr

    for command in (("db", "upgrade"), ("seed",)):
        code, out, err = flask(*command)
        assert code == 0, out + err
    flask.menus = menus
    return flask


@pytest.fixture
def broken_harvest(checkout):
    """The sample survey added with a typo in one `next`; removed afterwards."""
    path = checkout.menus / "harvest.yaml"
    path.write_text(SAMPLE.read_text().replace("next: bags", "next: bgas", 1))
    yield path
    path.unlink()


def test_a_typo_in_one_survey_leaves_dial_serving_the_others(checkout, broken_harvest):
    replies = ["--reply", "6", "--reply", "1234"]  # My account, PIN: the session ends
    code, out, err = checkout("dial", "*384*1#", "--msisdn", "+254711000001", *replies)
    assert code == 0, err
    assert "Sauti Money. Hello Amina Wanjiru" in out and "Balance KES" in out
    assert "harvest.yaml is not served" in err
    assert "no question 'bgas' (did you mean 'bags'?)" in err
    # start-up stays strict for the server and every other command, listing the problem
    code, out, err = checkout("seed")
    assert code == 1 and "invalid menu definitions" in err and "'bgas'" in err


def test_dial_screens_are_not_interleaved_with_log_lines(checkout):
    # a deposit queues a receipt SMS, which the development backend records
    replies = ("1", "500", "1", "1234")
    args = [arg for reply in replies for arg in ("--reply", reply)]
    code, out, err = checkout("dial", "*384*1#", "--msisdn", "+254711000003", *args)
    assert code == 0, err
    assert "Confirmed. Deposited KES 500" in out
    assert "INFO" not in out + err and err == ""


def test_validate_prints_results_on_stdout_and_each_warning_once_on_stderr(checkout):
    path = checkout.menus / "unreached.yaml"
    path.write_text("id: unreached\nquestions:\n  - id: hi\n    type: message\n    label: Hello\n")
    try:
        code, out, err = checkout("menus", "validate")
    finally:
        path.unlink()
    assert code == 0
    assert out.startswith("ok: ")
    warning = f"warning: {path}:1:5: id: no `service_codes`: no caller can reach this definition"
    lines = err.splitlines()
    assert lines.count(warning) == 1
    # and the shipped diet survey, offered on voice, is told its text limits do not apply there
    assert all(line.startswith("warning: ") for line in lines), lines
    assert any("diet_survey.yaml" in line and "on a call" in line for line in lines)


def test_menus_schema_says_where_it_wrote(checkout, tmp_path):
    target = tmp_path / "sauti.schema.json"
    code, out, err = checkout("menus", "schema", "-o", str(target))
    assert code == 0 and target.exists()
    assert out.strip() == f"wrote {target}" and err == ""


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_what_readme_commands_write_is_git_ignored():
    written = ["results/harvest.csv", "sauti.schema.json", "celerybeat-schedule.db"]
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", *written], cwd=ROOT, capture_output=True, text=True
    )
    assert done.stdout.split() == written


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_shows_progress_and_reloads_definitions(tmp_path):
    done = subprocess.run(
        ["make", "-n", "run", f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    steps = done.stdout.splitlines()
    # every slow step is announced before it runs
    assert [line for line in steps if line.startswith('echo "==> ')][:3] == [
        f'echo "==> [1/2] creating {tmp_path / "venv"} with python3"',
        'echo "==> [2/2] installing Sauti and its dependencies into '
        f'{tmp_path / "venv"} (a minute or two)"',
        'echo "==> building the database and loading the demo data"',
    ]
    [serve] = [line for line in steps if " run --port " in line]
    assert serve.startswith("MENUS_HOT_RELOAD=${MENUS_HOT_RELOAD:-1} ")
