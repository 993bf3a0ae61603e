"""`/api/v1/clients`: the customers campaigns reach, with their tag, time zone and daily
notification window."""

from flask import Response, current_app
from spectree import Response as Responses
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.api import bp, error, spec
from app.api.schemas import (
    ClientIn,
    ClientOut,
    ClientPage,
    ClientPatch,
    ClientQuery,
    ErrorOut,
    clock,
    dump,
    parse_clock,
)
from app.customers import find
from app.extensions import db
from app.models import Customer, SmsRecipient
from app.models.base import utc, utcnow
from app.sms import optout

TAGS = ["clients"]


def client_out(customer: Customer) -> ClientOut:
    """The API's view of a customer."""
    return ClientOut(
        id=customer.id,
        phone_number=customer.msisdn,
        operator_code=customer.operator_code,
        tag=customer.tag,
        timezone=customer.timezone or current_app.config["DEFAULT_TIMEZONE"],
        notify_from=clock(customer.notify_from),
        notify_to=clock(customer.notify_to),
        name=customer.name or "",
        language=customer.language or "en",
        opted_out_at=utc(customer.opted_out_at),
        opt_out_source=customer.opt_out_source,
    )


def _apply(customer: Customer, values: dict) -> None:
    for name, value in values.items():
        if name == "phone_number":
            customer.msisdn = value
        elif name in ("notify_from", "notify_to"):
            setattr(customer, name, parse_clock(value))
        elif name == "opted_out":
            if value:
                optout.opt_out(customer.msisdn, "api")
            else:
                optout.opt_in(customer.msisdn)
        elif value is not None or name in ("tag", "timezone"):
            setattr(customer, name, value)


def _client(client_id: int) -> Customer | Response:
    customer = db.session.get(Customer, client_id)
    return customer if customer is not None else error(404, f"no client {client_id}")


@bp.post("/clients")
@spec.validate(json=ClientIn, resp=Responses(HTTP_201=ClientOut, HTTP_409=ErrorOut), tags=TAGS)
def create_client(json: ClientIn) -> tuple[ClientOut, int] | Response:
    """Create a client."""
    existing = find(json.phone_number)
    if existing is not None:
        return error(409, "a client with this phone_number exists", id=existing.id)
    customer = Customer(fields={}, tags=[], msisdn=json.phone_number)
    _apply(customer, dump(json))
    customer.timezone = customer.timezone or current_app.config["DEFAULT_TIMEZONE"]
    db.session.add(customer)
    db.session.commit()
    return client_out(customer), 201


@bp.get("/clients")
@spec.validate(query=ClientQuery, resp=Responses(HTTP_200=ClientPage), tags=TAGS)
def list_clients(query: ClientQuery) -> ClientPage:
    """List clients, oldest first, filtered by tag, operator code or time zone."""
    statement = select(Customer)
    if query.tag is not None:
        statement = statement.where(Customer.tag == query.tag)
    if query.operator_code is not None:
        statement = statement.where(Customer.operator_code == query.operator_code)
    if query.timezone is not None:
        zone = func.coalesce(Customer.timezone, current_app.config["DEFAULT_TIMEZONE"])
        statement = statement.where(zone == query.timezone)
    page = db.paginate(
        statement.order_by(Customer.id), page=query.page, per_page=query.per_page, error_out=False
    )
    return ClientPage(
        items=[client_out(customer) for customer in page.items],
        page=query.page,
        per_page=query.per_page,
        total=page.total or 0,
    )


@bp.get("/clients/<int:client_id>")
@spec.validate(resp=Responses(HTTP_200=ClientOut, HTTP_404=ErrorOut), tags=TAGS)
def read_client(client_id: int) -> ClientOut | Response:
    """One client."""
    customer = _client(client_id)
    return customer if isinstance(customer, Response) else client_out(customer)


@bp.patch("/clients/<int:client_id>")
@spec.validate(
    json=ClientPatch,
    resp=Responses(HTTP_200=ClientOut, HTTP_404=ErrorOut, HTTP_409=ErrorOut),
    tags=TAGS,
)
def update_client(client_id: int, json: ClientPatch) -> ClientOut | Response:
    """Change a client (only the fields sent); `opted_out` opts out or back in."""
    customer = _client(client_id)
    if isinstance(customer, Response):
        return customer
    values = dump(json)
    other = find(values["phone_number"]) if values.get("phone_number") else None
    if other is not None and other.id != customer.id:
        return error(409, "a client with this phone_number exists", id=other.id)
    _apply(customer, values)
    if (customer.notify_from is None) != (customer.notify_to is None):
        db.session.rollback()
        return error(422, "give notify_from and notify_to together (or neither)")
    db.session.commit()
    return client_out(customer)


@bp.delete("/clients/<int:client_id>")
@spec.validate(resp=Responses(HTTP_204=None, HTTP_404=ErrorOut, HTTP_409=ErrorOut), tags=TAGS)
def delete_client(client_id: int) -> Response:
    """Delete a client; messages not sent yet are cancelled, the record of those sent
    stays (without the client)."""
    customer = _client(client_id)
    if isinstance(customer, Response):
        return customer
    db.session.execute(
        update(SmsRecipient)
        .where(
            SmsRecipient.customer_id == customer.id,
            SmsRecipient.status.in_(("planned", "queued")),
        )
        .values(status="cancelled", status_at=utcnow())
    )
    db.session.delete(customer)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return error(409, "this client holds money accounts; it cannot be deleted")
    return Response(status=204)
