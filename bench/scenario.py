"""Load and check a load-test scenario: the USSD journeys virtual users walk, in YAML.

Shape (every problem is reported, as `file:line: field: message`)::

    service_code: "*384*1#"
    msisdns: {pattern: "+2547110{n:05d}", count: 20}
    journeys:
      - name: balance
        inputs: ["1234", "6", "1"]     # replies typed after the first (empty) hop
        expect: "Balance"              # optional: the last screen must contain it
        service_code: "*384*2#"        # optional: overrides the top-level one
"""

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML, YAMLError

E164 = re.compile(r"\+[1-9]\d{6,14}")
MAX_MSISDNS = 1_000_000
FIELDS = {"service_code": str, "msisdns": dict, "journeys": list}
MSISDNS = {"pattern": str, "count": int}
JOURNEY_FIELDS = {"name": str, "inputs": list, "expect": str, "service_code": str}


class ScenarioError(Exception):
    """A scenario file is unreadable or invalid; the message lists every problem."""


@dataclass(frozen=True)
class Journey:
    """One complete USSD session: dial `service_code`, then type each of `inputs` in turn."""

    name: str
    service_code: str
    inputs: tuple[str, ...]
    expect: str | None = None


@dataclass(frozen=True)
class Scenario:
    """The journeys to walk, round-robin, and the numbers virtual users dial from."""

    msisdn_pattern: str
    msisdn_count: int
    journeys: tuple[Journey, ...]

    def msisdn(self, user: int) -> str:
        """Return virtual user `user`'s E.164 number: the pattern with n = user % count + 1."""
        return self.msisdn_pattern.format(n=user % self.msisdn_count + 1)


def _line(node: Any, key: str | int | None = None) -> int:
    """Return the 1-based line of `node[key]` (or of `node`); 1 when unknown."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return 1
    with contextlib.suppress(KeyError, IndexError, TypeError):  # not where ruamel recorded it
        if isinstance(key, int):
            return lc.item(key)[0] + 1
        if key is not None:
            return lc.key(key)[0] + 1
    return lc.line + 1


class _Checker:
    """Collects every problem as `file:line: field: message`."""

    def __init__(self, path: Path) -> None:
        self.path, self.problems = path, []

    def add(self, node: Any, key: str | int | None, field: str, message: str) -> None:
        self.problems.append(f"{self.path}:{_line(node, key)}: {field}: {message}")

    def mapping(self, node: Any, parent: Any, key: Any, field: str, kinds: dict) -> bool:
        """Check `node` (`parent[key]`) is a mapping of known fields; return True if a mapping."""
        if not isinstance(node, dict):
            self.add(parent, key, field or "scenario", "expected a mapping")
            return False
        for name in node:
            if name not in kinds:
                self.add(node, name, f"{field}.{name}".lstrip("."), f"unknown; use {sorted(kinds)}")
        return True

    def get(self, node: dict, key: str, kind: type, field: str, required: bool = True) -> Any:
        """Return `node[key]` if it is a non-empty `kind` (any list for inputs), else None."""
        name, value = f"{field}.{key}".lstrip("."), node.get(key)
        if key not in node:
            if required:
                self.add(node, None, name, "missing")
        elif not isinstance(value, kind) or isinstance(value, bool):
            self.add(node, key, name, f"expected {kind.__name__}, got {value!r}")
        elif isinstance(value, str | list) and not value and key != "inputs":
            self.add(node, key, name, "must not be empty")
        else:
            return value
        return None


def _check_msisdns(check: _Checker, node: dict) -> None:
    pattern = check.get(node, "pattern", str, "msisdns")
    count = check.get(node, "count", int, "msisdns")
    if count is not None and not 1 <= count <= MAX_MSISDNS:
        check.add(node, "count", "msisdns.count", f"must be 1..{MAX_MSISDNS}")
    for n in {1, count if count and 1 <= count <= MAX_MSISDNS else 1} if pattern else ():
        try:
            number = pattern.format(n=n)
        except (KeyError, IndexError, ValueError) as err:
            check.add(node, "pattern", "msisdns.pattern", f"use {{n}} only: {err!r}")
            return
        if not E164.fullmatch(number):
            check.add(node, "pattern", "msisdns.pattern", f"n={n} gives {number!r}, not E.164")


def _check_journeys(check: _Checker, node: list, service_code: str | None) -> list[Journey]:
    journeys, names = [], set()
    for i, item in enumerate(node):
        field = f"journeys[{i}]"
        if not check.mapping(item, node, i, field, JOURNEY_FIELDS):
            continue
        name, inputs = check.get(item, "name", str, field), check.get(item, "inputs", list, field)
        expect = check.get(item, "expect", str, field, required=False)
        code = check.get(item, "service_code", str, field, required=False) or service_code
        bad = [j for j, reply in enumerate(inputs or []) if not isinstance(reply, str)]
        for j in bad:
            check.add(inputs, j, f"{field}.inputs[{j}]", "quote it: replies are strings")
        if name in names:
            check.add(item, "name", f"{field}.name", f"duplicate journey {name!r}")
        names.add(name)
        if "service_code" not in item and service_code is None:
            check.add(item, None, f"{field}.service_code", "missing here and at the top level")
        if name and inputs is not None and code and not bad:
            journeys.append(Journey(name, code, tuple(inputs), expect))
    return journeys


def load_scenario(path: Path) -> Scenario:
    """Read and check a scenario file.

    Args:
        path: the YAML file (shape in this module's docstring).

    Returns:
        The scenario, journeys in file order.

    Raises:
        ScenarioError: the file is unreadable, not YAML, or invalid; lists every problem.
    """
    try:
        data = YAML(typ="rt").load(path)  # round-trip loader: safe, and keeps line numbers
    except (OSError, YAMLError) as err:
        raise ScenarioError(f"{path}: {err}") from err
    check, journeys = _Checker(path), []
    if check.mapping(data, data, None, "", FIELDS):
        service_code = check.get(data, "service_code", str, "", required=False)
        msisdns = check.get(data, "msisdns", dict, "")
        if msisdns is not None and check.mapping(msisdns, data, "msisdns", "msisdns", MSISDNS):
            _check_msisdns(check, msisdns)
        if entries := check.get(data, "journeys", list, ""):
            journeys = _check_journeys(check, entries, service_code)
    if check.problems:
        raise ScenarioError("invalid scenario:\n  " + "\n  ".join(check.problems))
    return Scenario(data["msisdns"]["pattern"], data["msisdns"]["count"], tuple(journeys))
