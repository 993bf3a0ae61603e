"""Generate the benchmark's surveys: the same question mix at 10 and at 200 questions.

`bench.ussd_load --surveys` walks both in one run to check that a hop costs the same whatever
the survey's size. Each survey cycles through question types that need no SQL look-up to
ask (number, choice, yes_no, text; the survey director still saves each answer). Every
third label quotes the answer before it, every fifth question has a `relevant` (true for
the bench's replies), every other number question has a `constraint`, and a final
`message` ends the session. Run `python -m bench.surveys DIR --check` to write the files
and check that Sauti loads them. `survey_scenarios` and `report_surveys` are the load
generator's survey set-up and comparison.
"""

import math
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from ruamel.yaml import YAML

from bench.scenario import Scenario, ScenarioError, load_scenario

SIZES = (10, 200)
SERVICE_CODES = {10: "*384*710#", 200: "*384*7200#"}
# Unregistered numbers (surveys need no customer). The load generator gives each virtual
# user a fresh one in every round of every survey: up to 256 users x 100 rounds x 2 surveys.
MSISDNS = {"pattern": "+2547330{n:05d}", "count": 99_999}
TYPES = ("number", "choice", "yes_no", "text")
# "0" is the back key, "00" home and "98" the next page: no reply may be one of them. Keep
# them short: Africa's Talking sends every reply so far in `text`, which Sauti caps at 2,000
# characters (200 questions take 449 here).
REPLIES = {"number": "7", "choice": "1", "yes_no": "1", "text": "ok"}
ASKS = {
    "number": ("how many?", "ngapi?"),
    "choice": ("which level?", "kiwango gani?"),
    "yes_no": ("do you agree?", "unakubali?"),
    "text": ("one word?", "neno moja?"),
}
LEVELS = (("low", "Low", "Chini"), ("mid", "Medium", "Wastani"), ("high", "High", "Juu"))
SHIPPED_MENUS = Path(__file__).resolve().parent.parent / "app" / "menus"


@dataclass(frozen=True)
class Survey:
    """One generated survey: its definition id, service code, the replies that walk it
    (one per question) and the text its last screen must contain."""

    size: int
    service_code: str
    replies: tuple[str, ...]
    expect: str

    @property
    def id(self) -> str:
        return f"bench_survey_{self.size}"


def survey(size: int) -> Survey:
    """The survey of `size` questions (10 or 200: each has its own service code)."""
    replies = tuple(REPLIES[_type(i)] for i in range(1, size + 1))
    return Survey(size, SERVICE_CODES[size], replies, f"{size} questions done")


def _type(i: int) -> str:
    return TYPES[(i - 1) % len(TYPES)]


def _last(kind: str, before: int) -> int:
    """The number of the last question of type `kind` before question `before`."""
    return max(j for j in range(1, before) if _type(j) == kind)


def _question(i: int, size: int) -> dict[str, Any]:
    kind = _type(i)
    en, sw = ASKS[kind]
    if i % 3 == 0:  # a template over the answer just given
        en, sw = f"about {{{{ q{i - 1} }}}}, {en}", f"kuhusu {{{{ q{i - 1} }}}}, {sw}"
    question: dict[str, Any] = {"id": f"q{i}", "type": kind}
    question["label"] = {"en": f"Q{i}: {en}", "sw": f"S{i}: {sw}"}
    if kind == "number":
        question.update(min=1, max=100)
        if i % 8 == 1:
            question["constraint"] = ". != 13"
            question["constraint_message"] = {"en": "Not 13.", "sw": "Si 13."}
        elif i % 8 == 5:  # one over an earlier answer: 7 <= 7 * 20
            question["constraint"] = ". <= ${q1} * 20"
    elif kind == "choice":
        question["choices"] = [
            {"value": value, "label": {"en": label_en, "sw": label_sw}}
            for value, label_en, label_sw in LEVELS
        ]
    elif kind == "text":
        question["max_length"] = 20
    if i % 5 == 0:  # true for the bench's replies: number 7, yes_no "1" (True)
        relevant = f"q{_last('number', i)} >= 1" if i % 10 else f"q{_last('yes_no', i)}"
        question["relevant"] = relevant
    question["next"] = f"q{i + 1}" if i < size else "thanks"
    return question


def definition(size: int) -> dict[str, Any]:
    """The survey definition of `size` questions, as the YAML's mapping."""
    thanks = {"en": f"Thank you: {size} questions done.", "sw": f"Asante: maswali {size} tayari."}
    questions = [_question(i, size) for i in range(1, size + 1)]
    return {
        "spec_version": 1,
        "id": survey(size).id,
        "kind": "survey",
        "title": {"en": f"Bench survey {size}", "sw": f"Utafiti {size}"},
        "service_codes": [SERVICE_CODES[size]],
        "languages": ["en", "sw"],
        "repeatable": True,
        "start": "q1",
        "questions": [*questions, {"id": "thanks", "type": "message", "label": thanks}],
    }


def scenario(size: int) -> dict[str, Any]:
    """The load scenario (bench/scenario.py format) that walks the survey to its end."""
    walk = survey(size)
    journey = {"name": walk.id, "inputs": list(walk.replies), "expect": walk.expect}
    return {"service_code": walk.service_code, "msisdns": dict(MSISDNS), "journeys": [journey]}


def _dump(data: dict[str, Any], path: Path, what: str) -> None:
    yaml = YAML(typ="rt")  # keeps the mappings' order
    yaml.default_flow_style = None  # innermost collections on one line: {en: …, sw: …}
    yaml.width = 200
    with path.open("w", encoding="utf-8") as out:
        out.write(f"# {what}, generated by bench/surveys.py: edit that, not this.\n")
        yaml.dump(data, out)


def write_surveys(
    menus_dir: Path, scenarios_dir: Path, sizes: tuple[int, ...] = SIZES
) -> dict[int, Path]:
    """Write `bench_survey_<size>.yaml` into `menus_dir` and its scenario into `scenarios_dir`.

    The two must differ: Sauti loads every `*.yaml` under its menus directory.

    Returns:
        The scenario file of each size.
    """
    if Path(menus_dir).resolve() == Path(scenarios_dir).resolve():
        raise ValueError("scenarios would be loaded as menus: use two directories")
    scenarios = {}
    for size in sizes:
        name = survey(size).id
        _dump(definition(size), Path(menus_dir) / f"{name}.yaml", f"{size}-question survey")
        scenarios[size] = Path(scenarios_dir) / f"{name}.scenario.yaml"
        _dump(scenario(size), scenarios[size], f"walk of the {size}-question survey")
    return scenarios


def copy_shipped_menus(menus_dir: Path) -> None:
    """Copy Sauti's own definitions (app/menus/*.yaml) beside the generated ones."""
    for path in sorted(SHIPPED_MENUS.glob("*.yaml")):
        shutil.copy2(path, Path(menus_dir) / path.name)


def survey_scenarios(tmp: Path, env: dict[str, str]) -> list[tuple[str, Scenario]]:
    """Write the surveys and a menus directory for the spawned Sauti (its own definitions
    plus the surveys), point `env` at it, and return each survey's scenario by phase name.

    Raises:
        click.ClickException: a generated scenario does not load.
    """
    menus_dir, scenarios_dir = tmp / "menus", tmp / "scenarios"
    menus_dir.mkdir()
    scenarios_dir.mkdir()
    copy_shipped_menus(menus_dir)
    paths = write_surveys(menus_dir, scenarios_dir, SIZES)
    env["MENUS_DIR"] = str(menus_dir)
    try:
        return [(f"survey_{size}", load_scenario(paths[size])) for size in SIZES]
    except ScenarioError as err:
        raise click.ClickException(str(err)) from err


def _ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when either is missing (NaN: no hops) or 0."""
    if not (math.isfinite(numerator) and math.isfinite(denominator)) or denominator == 0:
        return None
    return numerator / denominator


def _echo_ratio(label: str, ratio: float | None) -> None:
    click.echo(f"{label}: {'n/a' if ratio is None else f'{ratio:.2f}'}")


def report_surveys(phases: list[dict], limit: float) -> dict:
    """Write the survey comparison (200 against 10 questions, and each against the baseline)
    to stdout; return it. The hop cost ratio is compared with `limit`."""
    by_name = {p["phase"]: p for p in phases}
    small, large = (by_name[f"survey_{size}"] for size in SIZES)
    baseline = by_name.get("baseline")
    to_baseline = {
        name: _ratio(by_name[name]["hops_per_s"], baseline["hops_per_s"]) if baseline else None
        for name in (small["phase"], large["phase"])
    }
    for name, ratio in to_baseline.items():
        _echo_ratio(f"engine/baseline hops/s ({name})", ratio)
    cost = _ratio(large["p50_ms"], small["p50_ms"])
    mid_cost = _ratio(large["p50_mid_ms"], small["p50_mid_ms"])
    rate = _ratio(small["hops_per_s"], large["hops_per_s"])
    _echo_ratio("hop cost 200/10 (p50 latency)", cost)
    _echo_ratio("hop cost 200/10 (p50 latency, first and last hops left out)", mid_cost)
    _echo_ratio("hops/s 10/200", rate)
    within = cost is not None and cost <= limit
    click.echo(f"hop cost limit {limit:.2f}: {'within' if within else 'EXCEEDED'}")
    return {
        "engine_baseline_hops_ratios": to_baseline,
        "hop_cost_ratio_200_10_p50": cost,
        "hop_cost_ratio_200_10_p50_mid": mid_cost,
        "hops_per_s_ratio_10_200": rate,
        "hop_cost_limit": limit,
        "hop_cost_within_limit": within,
    }


def loaded_ids(menus_dir: Path) -> set[str]:
    """The definition ids Sauti loads from `menus_dir`.

    Raises:
        MenuDefinitionError: a definition is invalid; lists every problem.
    """
    from app import create_app  # here: only the check needs the app

    overrides = dict.fromkeys(("SECRET_KEY", "SESSION_SIGNING_KEY", "PIN_PEPPER"), "x")
    overrides.update(TESTING=True, SQLALCHEMY_DATABASE_URI="sqlite://", AT_CALLBACK_TOKEN="x")
    app = create_app({**overrides, "MENUS_DIR": str(menus_dir)})
    return set(app.extensions["menus"].flows)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Build Sauti on the files; fail if any is refused.")
def main(directory: Path, check: bool) -> None:
    """Write the surveys into DIRECTORY/menus (with Sauti's own menus) and their scenarios
    into DIRECTORY/scenarios."""
    menus_dir, scenarios_dir = directory / "menus", directory / "scenarios"
    menus_dir.mkdir(parents=True, exist_ok=True)
    scenarios_dir.mkdir(exist_ok=True)
    copy_shipped_menus(menus_dir)
    for path in write_surveys(menus_dir, scenarios_dir).values():
        click.echo(path)
    if check:
        from app.errors import MenuDefinitionError

        try:
            loaded = loaded_ids(menus_dir)
        except MenuDefinitionError as err:
            raise click.ClickException(str(err)) from err
        missing = {survey(size).id for size in SERVICE_CODES} - loaded
        if missing:
            raise click.ClickException(f"not loaded: {', '.join(sorted(missing))}")
        click.echo(f"Sauti loads every definition in {menus_dir}")


if __name__ == "__main__":
    main()
