"""Survey results out: a FLOIP Flow Results package, or one row per respondent (CSV, XLSX).

Only what may leave is exported: questions marked `hidden` or `sensitive`, and steps that
ask nothing (message, action) or ask secrets (pin, new_pin), are left out. A caller appears
under a pseudonymous contact id (HMAC of the MSISDN), never the MSISDN itself.

Source: FLOIP Flow Results Specification 1.0.0-rc1, "Descriptor", "Resource" and "Question
Types" (github.com/FLOIP/flow-results, specification.md).
"""

import csv
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from time import time
from typing import IO, Any

import pycountry
from flask import current_app
from sqlalchemy import Select, select

from app.extensions import db
from app.interrogators import interrogators
from app.menus.expressions import is_numeric
from app.menus.flow import Flow, Question
from app.models import DefinitionVersion, SurveyAnswer, SurveyRun
from app.models.base import utc
from app.surveys.stats import as_runs, resume_cutoff, run_status

Runs = Select | Iterable[SurveyRun]

FLOIP_SPEC_VERSION = "1.0.0-rc1"
# Stored as True / False; FLOIP wants a select_one response to be one of its choices.
TWO_WAY = frozenset({"yes_no", "confirm", "consent"})
YES_NO = ("yes", "no")
LOCATION_LEVELS = ("county", "sub_county", "ward")
FIELDS = (
    ("timestamp", "Timestamp", "datetime"),
    ("row_id", "Row ID", "string"),
    ("contact_id", "Contact ID", "string"),
    ("session_id", "Session ID", "string"),
    ("question_id", "Question ID", "string"),
    ("response", "Response", "any"),
    ("response_metadata", "Response Metadata", "object"),
)
RUN_COLUMNS = ("run_id", "contact_id", "status", "language", "started_at", "completed_at")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def floip_type(question: Question) -> str:
    """The FLOIP question type; a `calculate` is `numeric` when its calculation is a
    number by its form (arithmetic, a numeric filter), else `text`."""
    spec = question.spec
    if spec.type == "calculate" and spec.calculation and is_numeric(spec.calculation):
        return "numeric"
    return _floip_types()[spec.type]


def _floip_types() -> dict[str, str]:
    """Question type -> FLOIP type, for every interrogator whose answers are exported."""
    interrogators.discover()
    return {name: cls.floip_type for name, cls in interrogators if cls.floip_type}


def exported_questions(flow: Flow) -> list[Question]:
    """The questions an export shows, in definition order."""
    types = _floip_types()
    specs = [spec for spec in flow.definition.questions if spec.type in types]
    return [flow.questions[spec.id] for spec in specs if not (spec.hidden or spec.sensitive)]


def contact_id(msisdn: str) -> str:
    """A stable pseudonym for `msisdn`: HMAC-SHA256 keyed with SECRET_KEY, 16 hex digits."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, msisdn.encode(), hashlib.sha256).hexdigest()[:16]


def package_id(flow: Flow) -> str:
    """A UUID (version 5) derived from the definition id: the same for every export."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:sauti:survey:{flow.id}"))


def cell_text(question: Question, value: Any) -> str:
    """An answer as text: lists joined with " ", a location as "County > Sub-county >
    Ward", yes/no for a two-way question, "" for None (skipped)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES_NO[0] if value else YES_NO[1]
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    if isinstance(value, dict):
        levels = question.spec.levels or LOCATION_LEVELS
        return " > ".join(str(value[level]) for level in levels if value.get(level))
    return str(value)


def floip_rows(flow: Flow, runs: Runs) -> list[list[Any]]:
    """Response rows, oldest first: [timestamp (RFC 3339, +00:00), row_id (answer id),
    contact_id, session_id (run id), question_id, response, response_metadata].

    A skipped question (value None) has no row: a row is a response.
    """
    questions = {question.name: question for question in exported_questions(flow)}
    found: list[tuple[SurveyAnswer, SurveyRun, Question]] = []
    for run in as_runs(runs):
        for answer in run.answers:
            question = questions.get(answer.question_id)
            if question is not None and answer.value is not None:
                found.append((answer, run, question))
    found.sort(key=lambda item: (utc(item[0].answered_at), item[0].id))
    return [
        [
            utc(answer.answered_at).isoformat(),
            str(answer.id),
            contact_id(run.msisdn),
            str(run.id),
            answer.question_id,
            _response(question, answer.value),
            _metadata(question, answer, run),
        ]
        for answer, run, question in found
    ]


def floip_package(flow: Flow, runs_query: Runs) -> dict[str, Any]:
    """The Flow Results package descriptor with its rows inline as the resource's `data`.

    Args:
        flow: the survey's compiled definition.
        runs_query: a `select(SurveyRun)` (see `stats.survey_runs`) or the runs.

    Returns:
        A JSON-ready dict: `profile` "flow-results-package", `flow_results_specification_
        version`, `id` (see `package_id`), `name`, `title`, `created`, `modified` and one
        resource whose `schema` holds the 7 `fields` and the `questions` map.
    """
    return _descriptor(flow, {"data": floip_rows(flow, runs_query)})


def write_floip(flow: Flow, runs: Runs, directory: Path) -> Path:
    """Write `datapackage.json` and `<id>-responses.json` (its rows) into `directory`.

    Returns:
        The path of `datapackage.json`.
    """
    directory = Path(directory)
    rows_name = f"{flow.id}-responses.json"
    (directory / rows_name).write_text(json.dumps(floip_rows(flow, runs)), encoding="utf-8")
    descriptor = directory / "datapackage.json"
    text = json.dumps(_descriptor(flow, {"path": rows_name}), indent=2, ensure_ascii=False)
    descriptor.write_text(text + "\n", encoding="utf-8")
    return descriptor


def respondent_table(flow: Flow, runs: Runs) -> tuple[list[str], list[list[Any]]]:
    """One row per run: RUN_COLUMNS (times as aware UTC datetimes), then one cell per
    exported question: a number stays a number, other answers are text, None is None."""
    questions = exported_questions(flow)
    cutoff = resume_cutoff()
    header = [*RUN_COLUMNS, *(question.name for question in questions)]
    rows = []
    for run in as_runs(runs):
        values = {answer.question_id: answer.value for answer in run.answers}
        cells = [_cell(question, values.get(question.name)) for question in questions]
        row = [run.id, contact_id(run.msisdn), run_status(run, cutoff), run.language]
        rows.append([*row, utc(run.started_at), utc(run.completed_at), *cells])
    return header, rows


def write_csv(flow: Flow, runs: Runs, path: Path | str | IO[str]) -> None:
    """Write the respondent table as UTF-8 CSV (times ISO 8601 UTC) to a path or text file."""
    header, rows = respondent_table(flow, runs)
    opened = (
        nullcontext(path)
        if hasattr(path, "write")
        else open(path, "w", newline="", encoding="utf-8")
    )
    with opened as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for row in rows:
            writer.writerow(
                cell.isoformat() if isinstance(cell, datetime) else cell for cell in row
            )


def write_xlsx(flow: Flow, runs: Runs, path: Path | str | IO[bytes]) -> None:
    """Write the respondent table (sheet "responses", times in UTC) and the exported
    questions (sheet "questions": id, type, one label column per language)."""
    from openpyxl import Workbook  # only this export needs it

    header, rows = respondent_table(flow, runs)
    book = Workbook()
    sheet = book.active
    sheet.title = "responses"
    sheet.append(header)
    for row in rows:
        # Excel has no time zones: write naive UTC.
        sheet.append([c.replace(tzinfo=None) if isinstance(c, datetime) else c for c in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # an answer, never a formula
    questions = book.create_sheet("questions")
    questions.append(["id", "type", *(f"label_{language}" for language in flow.languages)])
    for question in exported_questions(flow):
        labels = [_source(question.label.get(language)) for language in flow.languages]
        questions.append([question.name, question.spec.type, *labels])
    book.save(path)


def _descriptor(flow: Flow, rows: dict[str, Any]) -> dict[str, Any]:
    """The package descriptor; `rows` is {"path": file name} or {"data": rows}."""
    created, modified = _created_modified(flow)
    schema: dict[str, Any] = {
        "fields": [{"name": name, "title": title, "type": kind} for name, title, kind in FIELDS],
        "questions": {
            question.name: _question(flow, question) for question in exported_questions(flow)
        },
    }
    code = flow.languages[0]
    language = pycountry.languages.get(**{"alpha_2" if len(code) == 2 else "alpha_3": code})
    if language is not None:
        schema = {"language": language.alpha_3, **schema}
    # `format` & co. describe a file; given with inline `data`, frictionless looks for one.
    file = {"format": "json", "mediatype": "application/json", "encoding": "utf-8"}
    resource = {
        "name": f"{flow.id}-responses",
        **rows,
        **(file if "path" in rows else {}),
        # The rows are a bare JSON row array: no header row.
        "dialect": {"header": False},
        "schema": schema,
    }
    return {
        "profile": "flow-results-package",
        "flow_results_specification_version": FLOIP_SPEC_VERSION,
        "id": package_id(flow),
        "name": flow.id,
        "title": _title(flow),
        "created": created.isoformat(),
        "modified": modified.isoformat(),
        "resources": [resource],
    }


def _question(flow: Flow, question: Question) -> dict[str, Any]:
    spec = question.spec
    kind = floip_type(question)
    options: dict[str, Any] = {}
    if spec.type in TWO_WAY:
        options["choices"] = list(YES_NO)
    elif spec.type == "language":
        options["choices"] = list(flow.languages)
    elif kind in {"select_one", "select_many"}:
        options["choices"] = [choice.spec.value for choice in question.choices]
    elif kind == "numeric" and all(isinstance(b, int | float) for b in (spec.min, spec.max)):
        options["range"] = [spec.min, spec.max]
    label = _source(question.label.get(flow.languages[0])) or question.name
    return {"type": kind, "label": label, "type_options": options}


def _response(question: Question, value: Any) -> Any:
    kind = floip_type(question)
    if question.spec.type in TWO_WAY or kind in {"open", "text", "date"}:
        return cell_text(question, value)
    return value


def _metadata(question: Question, answer: SurveyAnswer, run: SurveyRun) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "definition_version": answer.definition_version,
        "channel": answer.channel,
        "language": run.language,
    }
    order = (run.choice_orders or {}).get(question.name)
    if question.spec.randomize and order:
        metadata["choice_order"] = order
    if floip_type(question) == "open":
        # An `open` row names the type its response has (spec: "open", Response Metadata).
        metadata.update(type="text", type_options={})
    if isinstance(answer.value, dict):
        metadata["location"] = answer.value
    return metadata


def _cell(question: Question, value: Any) -> Any:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return cell_text(question, value)


def _created_modified(flow: Flow) -> tuple[datetime, datetime]:
    """When the definition was first seen, and when this version was: from
    DefinitionVersion, else the file's modification time, so exports stay identical."""
    seen = db.session.execute(
        select(DefinitionVersion.version, DefinitionVersion.created_at).where(
            DefinitionVersion.definition_id == flow.id
        )
    ).all()
    path = flow.source.path
    fallback = datetime.fromtimestamp(path.stat().st_mtime if path.exists() else time(), UTC)
    created = min((utc(at) for _version, at in seen), default=fallback)
    modified = next((utc(at) for version, at in seen if version == flow.version), fallback)
    return created, max(created, modified)


def _title(flow: Flow) -> str:
    title = flow.definition.title
    if isinstance(title, dict):
        return title.get(flow.languages[0]) or next(iter(title.values()), flow.id)
    return title or flow.id


def _source(template: Any) -> str:
    return template.source if template is not None else ""
