"""The API's pydantic models: they validate requests and, through spectree, are the
OpenAPI document's schemas. JSON field names are the API's contract."""

from datetime import datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from flask import current_app
from jinja2 import TemplateError
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    NaiveDatetime,
    ValidationInfo,
    field_validator,
)
from spectree.model_adapter.pydantic_adapter import BaseFile

from app.menus.expressions import Template
from app.phones import InvalidPhoneNumber, to_e164

Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["08:00"])]
Digits = Annotated[str, Field(pattern=r"^\d{1,8}$", examples=["711"])]
FilterName = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]{0,39}$")]


def _e164(value: str) -> str:
    try:
        return to_e164(value, current_app.config["DEFAULT_COUNTRY"])
    except InvalidPhoneNumber as err:
        raise ValueError("not a valid phone number (E.164, e.g. +254711000001)") from err


def _zone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError("not an IANA time zone (e.g. Africa/Nairobi)")
    return value


def _template(value: str) -> str:
    try:
        Template(value)
    except TemplateError as err:
        raise ValueError(f"not a valid template: {err.message or err}") from err
    return value


Phone = Annotated[str, AfterValidator(_e164), Field(examples=["+254711000001"])]
Zone = Annotated[str, AfterValidator(_zone), Field(examples=["Africa/Nairobi"])]
MessageText = Annotated[str, Field(min_length=1, max_length=1600), AfterValidator(_template)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _window_ends(value: str | None, info: ValidationInfo) -> str | None:
    start = info.data.get("notify_from")
    if (value is None) != (start is None) and "notify_from" in info.data:
        raise ValueError("give notify_from and notify_to together (or neither)")
    if value is not None and value == start:
        raise ValueError("must differ from notify_from")
    return value


class ClientIn(Strict):
    """A client to create: `phone_number` in E.164 (other shapes are normalised),
    `timezone` IANA (default DEFAULT_TIMEZONE), `notify_from` / `notify_to` local HH:MM
    (both or neither; `notify_from` after `notify_to` means overnight)."""

    phone_number: Phone
    tag: str | None = Field(None, max_length=60)
    timezone: Zone | None = None
    notify_from: Clock | None = None
    notify_to: Clock | None = Field(None, validate_default=True)
    name: str | None = Field(None, max_length=120)
    language: str | None = Field(None, max_length=8)

    _ends = field_validator("notify_to")(_window_ends)


class ClientPatch(Strict):
    """Fields to change; `opted_out` true opts the client out of every campaign and
    bulletin (source "api"), false takes the opt-out back."""

    phone_number: Phone | None = None
    tag: str | None = Field(None, max_length=60)
    timezone: Zone | None = None
    notify_from: Clock | None = None
    notify_to: Clock | None = None
    name: str | None = Field(None, max_length=120)
    language: str | None = Field(None, max_length=8)
    opted_out: bool | None = None


class ClientOut(BaseModel):
    id: int
    phone_number: str
    operator_code: str | None = Field(description="derived from phone_number; read-only")
    tag: str | None
    timezone: str
    notify_from: str | None
    notify_to: str | None
    name: str
    language: str
    opted_out_at: datetime | None
    opt_out_source: str | None


class ClientQuery(Strict):
    page: int = Field(1, ge=1)
    per_page: int = Field(50, ge=1, le=500)
    tag: str | None = None
    operator_code: str | None = None
    timezone: str | None = None


class ClientPage(BaseModel):
    items: list[ClientOut]
    page: int
    per_page: int
    total: int


def _after_start(value: datetime | None, info: ValidationInfo) -> datetime | None:
    start = info.data.get("start_at")
    if value is not None and start is not None and value <= start:
        raise ValueError("must be after start_at")
    return value


class CampaignIn(Strict):
    """A campaign: `message` is a template over `customer` (e.g. "Hi {{ customer.name }}");
    `start_at` / `finish_at` are local wall-clock times without offset, read in each
    client's time zone; `filters` maps other customer fields (language, city, or a field
    a survey stored, such as county) to the value a client must have."""

    message: MessageText
    tag_filter: str | None = Field(None, max_length=60)
    operator_code_filter: Digits | None = None
    filters: dict[FilterName, str] = Field(default_factory=dict)
    start_at: NaiveDatetime = Field(examples=["2026-12-01T09:00:00"])
    finish_at: NaiveDatetime = Field(examples=["2026-12-01T18:00:00"])

    _finish = field_validator("finish_at")(_after_start)


class CampaignPatch(Strict):
    message: MessageText | None = None
    tag_filter: str | None = Field(None, max_length=60)
    operator_code_filter: Digits | None = None
    filters: dict[FilterName, str] | None = None
    start_at: NaiveDatetime | None = None
    finish_at: NaiveDatetime | None = None

    _finish = field_validator("finish_at")(_after_start)


class CampaignOut(BaseModel):
    id: int
    message: str
    tag_filter: str | None
    operator_code_filter: str | None
    filters: dict[str, str]
    start_at: datetime
    finish_at: datetime
    status: str = Field(description="read-only: scheduled, running, paused, cancelled or finished")
    recipients: int
    created_at: datetime


class CampaignQuery(Strict):
    page: int = Field(1, ge=1)
    per_page: int = Field(50, ge=1, le=500)
    status: str | None = None
    tag_filter: str | None = None


class CampaignPage(BaseModel):
    items: list[CampaignOut]
    page: int
    per_page: int
    total: int


class HourCounts(BaseModel):
    hour: str = Field(description="UTC hour the messages were sent, ISO 8601")
    counts: dict[str, int]


class CampaignStats(BaseModel):
    campaign_id: int
    total: int
    by_status: dict[str, int]
    by_hour: list[HourCounts]


class ErrorOut(BaseModel):
    error: str


def clock(value: time | None) -> str | None:
    """A time as HH:MM."""
    return None if value is None else value.strftime("%H:%M")


def parse_clock(value: str | None) -> time | None:
    """HH:MM as a time."""
    return None if value is None else time.fromisoformat(value)


def dump(model: BaseModel) -> dict[str, Any]:
    """The fields a request set (PATCH semantics)."""
    return model.model_dump(exclude_unset=True)


class ImportForm(BaseModel):
    """multipart/form-data: `kind`, the CSV `file` (UTF-8, a header line first) and
    `strict` (true: apply nothing if any line is rejected)."""

    kind: Literal["forecasts", "subscription_additions", "cancellations", "location_updates"]
    file: BaseFile
    strict: bool = False


class RejectedLineOut(BaseModel):
    line: int
    reason: str


class ImportOut(BaseModel):
    task_id: str
    kind: str
    status: str = Field(description="PENDING, STARTED, SUCCESS, FAILURE or EXPIRED")
    rows_done: int
    rows_total: int
    applied: int
    rejected: list[RejectedLineOut]
    error: str | None


class FieldError(BaseModel):
    field: str = Field(description="the field, dotted for nested ones (`filters.x`)")
    message: str


class ValidationErrorOut(BaseModel):
    """A 422: every field the request got wrong, each with its message."""

    errors: list[FieldError]
