"""The definition schema: what a survey designer may write in a menu or survey YAML file.

Exported as JSON Schema by `flask menus schema` so editors can autocomplete. Names follow
XLSForm where it has one (`relevant`, `constraint`, `constraint_message`, `required`,
`choice_filter`, `calculation`).
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SPEC_VERSION = 1

# A label or message: one string (in the definition's first language) or one per language.
Text = str | dict[str, str]

QuestionType = Literal[
    "choice",
    "multi_choice",
    "text",
    "number",
    "money",
    "date",
    "yes_no",
    "location",
    "phone",
    "pin",
    "new_pin",
    "confirm",
    "message",
    "consent",
    "language",
    "calculate",
    "action",
]

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChoiceDef(BaseModel):
    """One option of a choice question. Extra keys (e.g. `county: "047"`) are kept as
    attributes that `choice_filter` can test as `choice.county`."""

    model_config = ConfigDict(extra="allow", frozen=True)

    value: str
    label: Text
    goto: Identifier | None = Field(None, description="Go here when this option is chosen.")
    relevant: str | None = Field(None, description="Show this option only when true.")
    exclusive: bool = Field(
        False,
        description="multi_choice: only on its own (e.g. None, Don't know); chosen with "
        "others, the answer is refused with the reason.",
    )

    @field_validator("value", mode="before")
    @classmethod
    def _value_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value


class NextRule(Strict):
    """`goto` this question when `when` is true (no `when`: always)."""

    when: str | None = None
    goto: Identifier


class ActionDef(Strict):
    """A completion action, run in the transaction that finishes the run."""

    store: dict[str, str] | None = Field(
        None, description="Customer field -> expression, e.g. {name: name}."
    )
    sms: Text | None = Field(None, description="Message queued to the caller through the outbox.")
    tag: str | None = Field(None, description="Tag added to the customer.")
    call: str | None = Field(None, description="Named action to run (see `flask menus actions`).")


class QuotaDef(Strict):
    """A cap on completed runs, overall (`by` unset) or per answer value of question `by`."""

    by: Identifier | None = None
    limit: int | None = Field(None, ge=1)
    limits: dict[str, int] | None = Field(None, description="Answer value -> cap.")
    message: Text | None = None


class AudienceDef(Strict):
    """Who may take a definition."""

    registered: bool | None = Field(
        None, description="True: registered customers only; False: unknown callers only."
    )
    when: str | None = Field(
        None, description="Expression over `customer`, e.g. county == 'nairobi'."
    )


class Navigation(Strict):
    """Reserved replies on every screen ("98" for the next page is fixed)."""

    back: str = "0"
    home: str = "00"


class QuestionDef(Strict):
    """One question (a screen) or one step without a screen (calculate, action)."""

    id: Identifier
    type: QuestionType
    label: Text | None = None
    choices: list[ChoiceDef] | None = None
    choices_from: str | None = Field(None, description="Name of a list under `choice_lists`.")
    choice_filter: str | None = None
    randomize: bool = False
    min: float | str | None = None
    max: float | str | None = None
    decimal: bool = False
    min_length: int | None = Field(None, ge=0)
    max_length: int | None = Field(None, ge=1)
    pattern: str | None = None
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: Text | None = None
    required: bool = True
    required_message: Text | None = None
    default: str | None = None
    calculation: str | None = None
    action: str | None = None
    params: dict[str, str] = Field(default_factory=dict)
    levels: list[str] | None = Field(None, description="Location levels, e.g. [county, ward].")
    verify: bool = Field(
        False,
        description="pin: check against the customer's PIN; phone: must be another customer.",
    )
    store: str | None = Field(None, description="Customer field the answer is stored in.")
    hidden: bool = Field(False, description="Left out of exports (attention checks).")
    sensitive: bool = Field(False, description="Never logged, never exported.")
    next: Identifier | list[NextRule] | None = None


class DefinitionDef(Strict):
    """One menu or survey file; its id is the file stem unless given."""

    spec_version: int = SPEC_VERSION
    id: Identifier
    kind: Literal["menu", "survey"] = "menu"
    director: Identifier | None = Field(
        None, description="Director that runs this file (default: survey or menu, by kind)."
    )
    title: Text | None = None
    service_codes: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=lambda: ["en"], min_length=1)
    start: Identifier | None = None
    bid: int = Field(50, ge=0, le=100)
    audience: AudienceDef = Field(default_factory=AudienceDef)
    repeatable: bool = True
    quotas: list[QuotaDef] = Field(default_factory=list)
    on_complete: list[ActionDef] = Field(default_factory=list)
    navigation: Navigation = Field(default_factory=Navigation)
    choice_lists: dict[str, list[ChoiceDef]] = Field(default_factory=dict)
    questions: list[QuestionDef] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_director(self) -> "DefinitionDef":
        if self.director is None:
            object.__setattr__(self, "director", "survey" if self.kind == "survey" else "menu")
        return self

    @field_validator("service_codes")
    @classmethod
    def _service_code_shape(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not (code.startswith("*") and code.endswith("#")):
                raise ValueError(f"service code {code!r} must look like *384*1#")
        return codes
