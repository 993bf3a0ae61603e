"""Import an XLSForm (the ODK / KoboToolbox spreadsheet) as a Sauti definition.

`convert_xlsform` reads the `survey`, `choices` and `settings` sheets with pyxform's reader and
returns plain data ready to dump as YAML, plus a note for everything USSD cannot do;
`flask menus import-xlsform FILE -o OUT.yaml` writes the file and validates it.

Source: XLSForm specification, https://xlsform.org/en/ (sheet, column and type names).
"""

import re
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from flask.cli import with_appcontext

from app.errors import MenuDefinitionError
from app.menus.expressions import xlsform_to_jinja
from app.menus.schema import SPEC_VERSION
from app.menus.yamltree import YAML11_BOOLEANS

if TYPE_CHECKING:
    from pyxform.xls2json_backends import DefinitionData

# pyxform and ruamel.yaml are imported where used: `flask menus ...` starts without them.

TYPES = {"text": "text", "integer": "number", "decimal": "number", "date": "date"}
TYPES |= dict(note="message", calculate="calculate", acknowledge="confirm", trigger="confirm")
SELECTS = {"select_one": "choice", "select_multiple": "multi_choice"}
# Types that take a reply, so XLSForm's "not required unless said" must be written out.
ANSWERED = frozenset({"choice", "multi_choice", "text", "number", "date", "confirm"})
SURVEY_COLUMNS = frozenset(
    "type name label relevant constraint constraint_message required required_message "
    "choice_filter default calculation".split()
)
SETTINGS_COLUMNS = frozenset({"form_id", "form_title", "default_language"})
MEDIA_COLUMNS = frozenset({"media", "image", "big-image", "audio", "video"})
ALIASES = {"caption": "label", "relevance": "relevant", "calculate": "calculation"}
ALIASES |= {"jr:constraintmsg": "constraint_message", "jr:requiredmsg": "required_message"}
THANKS = {"en": "Thank you.", "sw": "Asante."}
# Words that may come before "(" in Jinja; any other name before "(" is an XPath function.
OPERATORS = frozenset({"and", "or", "not", "in"})
# Names in a choice_filter that are not columns of the choices sheet.
BUILTINS = OPERATORS | {"is", "if", "else", "true", "false", "value", "today", "now"}

_DOLLAR = re.compile(r"\$\{([^}]*)\}")
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
_SELECTED = re.compile(r"selected\(\s*(\$\{[^}]*\}|\.)\s*,\s*('[^']*'|\"[^\"]*\")\s*\)")
_LENGTH = re.compile(r"(?:string-length|count-selected)\(\s*(\$\{[^}]*\}|\.)\s*\)")
_REWRITES = (
    (re.compile(r"(?<=\s)div(?=\s)"), "/"),
    (re.compile(r"(?<=\s)mod(?=\s)"), "%"),
    (re.compile(r"\b(true|false|today|now)\(\s*\)"), r"\1"),
)
_EQUALS = re.compile(r"\s*(?<![=!<>])=(?!=)\s*")
_FUNCTION = re.compile(r"(?<![\w.$|])([A-Za-z][\w-]*)\s*\(")
# In a choice_filter a bare name is a column of the choices sheet (`name` is the value).
_BARE = re.compile(r"'[^']*'|\"[^\"]*\"|\$\{[^}]*\}|(?<![\w.$|])([A-Za-z_]\w*)\b(?!\s*\()")


def _identifier(name: str) -> str:
    """`Farmer Name` -> "farmer_name": the schema's `^[a-z][a-z0-9_]*$`, at most 64 chars."""
    ident = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower()).strip("_")
    ident = ident if ident[:1].isalpha() else f"q_{ident}"
    return ident.rstrip("_")[:64]


def _language_code(name: str) -> str:
    """`English (en)` -> "en"; a name without a code is lower-cased: `Swahili` -> "swahili"."""
    match = re.search(r"\(([^()]+)\)\s*$", name)
    return (match.group(1) if match else name).strip().lower()


def _column(header: str) -> tuple[str, str | None]:
    """`label::English (en)` -> ("label", "en"); `Constraint Message` -> ("constraint_message",
    None). Only the part before the first `::` names the column."""
    base, _, language = header.partition("::")
    base = base.strip().lower()
    base = ALIASES.get(base, base).replace(" ", "_")
    return base, (_language_code(language) if language else None)


def _normal(row: dict[str, str]) -> dict[str, str]:
    """Untranslated headers by column name; translated ones (`label::English (en)`) as given."""
    return {(h if _column(h)[1] else _column(h)[0]): value for h, value in row.items()}


class _Converter:
    """Converts rows one sheet at a time, collecting languages and notes as it goes."""

    def __init__(self, default_language: str) -> None:
        self.default = default_language
        self.languages: list[str] = []
        self.notes: list[str] = []

    def note(self, where: str, message: str) -> None:
        self.notes.append(f"{where}: {message}")

    def drop(self, where: str, columns: set[str]) -> None:
        if columns:
            names = ", ".join(sorted(columns))
            self.note(where, f"no USSD equivalent for column(s) {names}; dropped")

    def identifier(self, name: str, where: str, what: str = "name") -> str:
        ident = _identifier(name)
        if ident != name:
            self.note(where, f"{what} {name!r} is not a valid id; using {ident!r}")
        return ident

    def texts(self, row: dict[str, str], field: str) -> dict[str, str] | None:
        """Every translation of `field` in `row` by language code, `${name}` as `{{ name }}`."""
        texts = {}
        for header, value in row.items():
            base, language = _column(header)
            if base == field:
                language = language or self.default
                self.languages += [] if language in self.languages else [language]
                texts[language] = _DOLLAR.sub(lambda m: f"{{{{ {_identifier(m[1])} }}}}", value)
        return texts or None

    def expression(self, source: str, where: str) -> str:
        """Rewrite the XLSForm functions Jinja cannot run; keep `.`, `${name}` and `=`,
        which the loader rewrites (`xlsform_to_jinja`). Anything left is kept and noted."""
        source = _DOLLAR.sub(lambda m: f"${{{_identifier(m[1])}}}", source)
        source = _SELECTED.sub(lambda m: f"{m[2]} in {m[1]}", source)
        source = _LENGTH.sub(lambda m: ("value" if m[1] == "." else m[1]) + "|length", source)
        for pattern, replacement in _REWRITES:
            source = pattern.sub(replacement, source)
        left = set(_FUNCTION.findall(_STRING.sub("''", source)))
        if left := sorted(name for name in left if name.lower() not in OPERATORS):
            functions = ", ".join(f"{name}()" for name in left)
            self.note(where, f"{functions} cannot run in Jinja; kept as written, edit the YAML")
        return source

    def choice_filter(self, source: str, where: str) -> str:
        """`county=${county}` -> `choice.county == county`: bare names are choice columns."""

        def column(match: re.Match[str]) -> str:
            name = match[1]
            if name is None or name.lower() in BUILTINS:
                return match[0]
            return "choice." + ("value" if name.lower() == "name" else name.lower())

        source = _EQUALS.sub(" = ", _BARE.sub(column, self.expression(source, where)))
        return xlsform_to_jinja(source)

    def kind(self, words: list[str], where: str) -> str | None:
        """The question type for a `type` cell split into words, or None (noted)."""
        base = words[0].lower()
        if base in SELECTS and len(words) > 1:
            if len(words) > 2:
                self.note(where, f"{' '.join(words[2:])!r} is not supported; dropped")
            return SELECTS[base]
        if base in TYPES and len(words) == 1:
            return TYPES[base]
        self.note(where, f"type {' '.join(words)!r} is not supported on USSD; skipped")
        return None

    def question(self, row: dict[str, str], where: str, conditions: list[str]) -> dict | None:
        """One survey row as a question, or None (noted) when USSD cannot ask it."""
        words = row["type"].split()
        if (kind := self.kind(words, where)) is None:
            return None
        name = row.get("name", "")
        qid = self.identifier(name, where) if name else f"row_{where.split()[-1]}"
        if not name:
            self.note(where, f"no name; using {qid!r}")
        question: dict[str, Any] = {"id": qid, "type": kind}
        if label := self.texts(row, "label"):
            question["label"] = label
        if kind in SELECTS.values():
            question["choices_from"] = words[1]
        if words[0].lower() == "decimal":
            question["decimal"] = True
        if "choice_filter" in row:
            question["choice_filter"] = self.choice_filter(row["choice_filter"], where)
        if "relevant" in row:
            conditions = [*conditions, self.expression(row["relevant"], f"{where}: relevant")]
        if conditions:
            wrap = "({})" if len(conditions) > 1 else "{}"
            question["relevant"] = " and ".join(wrap.format(c) for c in conditions)
        self.checks(row, question, where)
        self.drop(where, {_column(h)[0] for h in row} - SURVEY_COLUMNS)
        return question

    def checks(self, row: dict[str, str], question: dict[str, Any], where: str) -> None:
        """Add what is checked on a reply: constraint, messages, required, default."""
        for field in ("constraint", "calculation"):
            if field in row:
                question[field] = self.expression(row[field], f"{where}: {field}")
        for field in ("constraint_message", "required_message"):
            if texts := self.texts(row, field):
                question[field] = texts
        from pyxform.aliases import yes_no

        if question["type"] in ANSWERED:
            required = row.get("required", "no").strip()
            if required not in yes_no:
                self.note(where, f"required {required!r} is an expression; always required")
            elif not yes_no[required]:
                question["required"] = False
        if "default" in row:
            question["default"] = row["default"]

    def survey(self, rows: list[dict[str, str]]) -> list[dict]:
        """Questions in sheet order; groups flattened (their `relevant` ANDed into each
        child's), repeats and the rows inside them skipped."""
        questions: list[dict] = []
        groups: list[tuple[str, str | None]] = []  # (group | repeat | loop, its relevant)
        for number, row in enumerate(map(_normal, rows), start=2):
            where = f"survey row {number}"
            words = row.get("type", "").lower().replace("_", " ").split()
            asked = all(kind == "group" for kind, _ in groups)  # not inside a repeat
            if not words:
                self.notes += [f"{where}: no type; skipped"] if row else []
            elif words[0] == "begin" and len(words) > 1:
                relevant = row.get("relevant")
                relevant = relevant and self.expression(relevant, f"{where}: relevant")
                groups.append((words[1], relevant))
                name = row.get("name", "?")
                if asked and words[1] != "group":
                    rest = "skipped with the rows inside it"
                    self.note(where, f"{words[1]} {name!r} is not supported on USSD; {rest}")
                elif asked and self.texts(row, "label"):
                    self.note(where, f"group {name!r} is flattened; its label is not shown")
            elif words[0] == "end" and words[1:2] in (["group"], ["repeat"], ["loop"]):
                if groups:
                    groups.pop()
            elif asked:
                conditions = [relevant for _, relevant in groups if relevant]
                if (question := self.question(row, where, conditions)) is not None:
                    questions.append(question)
        return questions

    def choice_lists(self, rows: list[dict[str, str]]) -> dict[str, list[dict]]:
        """Choices by list name; extra columns kept as extra keys for `choice_filter`."""
        lists: dict[str, list[dict]] = {}
        for number, row in enumerate(map(_normal, rows), start=2):
            where = f"choices row {number}"
            list_name, value = row.get("list_name"), row.get("name")
            if row and not (list_name and value):
                self.note(where, "a choice needs list_name and name; skipped")
            if not (list_name and value):
                continue
            if not (label := self.texts(row, "label")):
                self.note(where, f"choice {value!r} has no label; its value is shown")
                label = {(self.languages or [self.default])[0]: value}
            choice: dict[str, Any] = {"value": value, "label": label}
            for header, cell in row.items():
                if _column(header)[0] not in {"list_name", "name", "label"} | MEDIA_COLUMNS:
                    choice[header] = cell
            self.drop(where, MEDIA_COLUMNS & {_column(h)[0] for h in row})
            lists.setdefault(list_name, []).append(choice)
        return lists


def _read(path: Path) -> "DefinitionData":
    """The workbook's sheets as rows (dicts by header), empty rows kept so row numbers hold.

    Raises:
        MenuDefinitionError: pyxform cannot read it, or it has no `survey` rows.
    """
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    try:
        book = get_xlsform(path) if path.is_file() else None
    except PyXFormError as err:
        raise MenuDefinitionError([f"{path}:1: (file): {err}"]) from err
    if book is None or not book.survey:
        raise MenuDefinitionError([f"{path}:1: (file): no XLSForm `survey` sheet with rows"])
    return book


def _end(questions: list[dict], languages: list[str]) -> None:
    """Chain each question to the next; add a closing message unless one already ends it."""
    last = questions[-1] if questions else {}
    if last.get("type") != "message" or "relevant" in last:
        ids = {question["id"] for question in questions}
        qid = next(i for i in ("thanks", *(f"thanks_{n}" for n in range(2, 99))) if i not in ids)
        label = {lang: THANKS[lang] for lang in languages if lang in THANKS}
        label = label or {languages[0]: THANKS["en"]}
        questions.append({"id": qid, "type": "message", "label": label})
    for question, following in pairwise(questions):
        question["next"] = following["id"]


def convert_xlsform(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Convert an XLSForm workbook (.xlsx, .xls, .csv or .md, as pyxform reads them).

    Returns:
        (definition, notes): the definition as plain dicts, lists and strings (`id`, `kind`,
        `title`, `languages`, `questions` each with `next` the one after it and ending on a
        message, `choice_lists`); notes say what could not be converted and where, e.g.
        "survey row 9: type 'geopoint' is not supported on USSD; skipped".

    Raises:
        MenuDefinitionError: not readable as an XLSForm; the problem is `file:1: (file): ...`.
    """
    book = _read(Path(path))
    settings = _normal((book.settings or [{}])[0])
    headers = [_column(header) for row in book.survey for header in row]
    first = next((language for _base, language in headers if language), "en")
    converter = _Converter(_language_code(settings.get("default_language", first)))
    form_id = settings.get("form_id") or book.fallback_form_name or Path(path).stem
    where = "settings row 2" if "form_id" in settings else "settings"
    definition: dict[str, Any] = {
        "spec_version": SPEC_VERSION,
        "id": converter.identifier(form_id, where, "form_id"),
        "kind": "survey",
    }
    if "form_title" in settings:
        definition["title"] = settings["form_title"]
    converter.drop("settings row 2", set(settings) - SETTINGS_COLUMNS)
    questions = converter.survey(book.survey)
    choice_lists = converter.choice_lists(book.choices or [])
    languages = sorted(converter.languages, key=lambda language: language != converter.default)
    definition["languages"] = languages or [converter.default]
    _end(questions, definition["languages"])
    definition["questions"] = questions
    if choice_lists:
        definition["choice_lists"] = choice_lists
    return definition, converter.notes


def _quoted(node: Any) -> Any:
    """`node` with every yes/no/on/off text double-quoted: plain, YAML 1.1 tools (and
    editors' plugins) would read them as booleans."""
    if isinstance(node, dict):
        return {key: _quoted(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_quoted(value) for value in node]
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(node) if node in YAML11_BOOLEANS else node


def write_definition(definition: dict[str, Any], path: Path, source: Path) -> None:
    """Write `definition` as block-style YAML (UTF-8, unicode kept) under a header comment."""
    from ruamel.yaml import YAML

    definition = _quoted(definition)
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    with path.open("w", encoding="utf-8") as stream:
        stream.write(f"# Imported from {source.name} by `flask menus import-xlsform`.\n")
        yaml.dump(definition, stream)


@click.command("import-xlsform")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def import_xlsform_command(file: Path, output: Path | None) -> None:
    """Convert the XLSForm FILE to a definition (OUTPUT, default <form id>.yaml beside
    FILE) and validate it. Notes go to stderr as `note: ...`; validation problems are
    printed as `file:line: field: message`, with exit status 1."""
    try:
        definition, notes = convert_xlsform(file)
    except MenuDefinitionError as err:
        click.echo("\n".join(err.problems), err=True)
        raise SystemExit(1) from err
    output = output or file.with_name(f"{definition['id']}.yaml")
    write_definition(definition, output, file)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    from app.menus.cli import check_files  # the CLI module registers this command

    check_files([output])
    click.echo(f"wrote {output}: {len(definition['questions'])} questions, {len(notes)} notes")
