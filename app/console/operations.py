"""Operations: what is moving now: the outbox (SMS, airtime, calls to place), recent
USSD sessions, the registered panels, and console accounts; each action calls the
function the CLI calls.

Panels (calls and call-centre queues, hotline groups and shifts, campaigns, imports: see
`app.console.panels`) are added with `register_panel`: a title, a template and a function
giving the template's data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from app.console import bp
from app.console.security import PERMISSIONS, requires
from app.console.users import UserError, create_user
from app.extensions import db
from app.models import OutboxMessage, UssdSessionRecord
from app.models.users import ROLES, ConsoleUser

LATEST = 20


@dataclass(frozen=True)
class Panel:
    """One section of the operations page.

    Attributes:
        title: its heading.
        template: a template rendered with `data` (the result of `load()`).
        load: gives the template's data; called on every view of the page.
    """

    title: str
    template: str
    load: Callable[[], dict[str, Any]]


PANELS: list[Panel] = []


def register_panel(panel: Panel) -> None:
    """Add a panel to the operations page (call from the owning part's `init_app`)."""
    if any(known.title == panel.title for known in PANELS):
        return
    PANELS.append(panel)


def _outbox() -> dict[str, Any]:
    counts = db.session.execute(
        select(OutboxMessage.kind, OutboxMessage.status, func.count()).group_by(
            OutboxMessage.kind, OutboxMessage.status
        )
    ).all()
    latest = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(LATEST)
    return {"counts": counts, "rows": list(db.session.scalars(latest))}


def _latest(model: Any) -> list[Any]:
    return list(db.session.scalars(select(model).order_by(model.id.desc()).limit(LATEST)))


@bp.get("/operations")
@requires(*PERMISSIONS["operations"])
def operations() -> str:
    """Outbox, USSD sessions, the registered panels and (admins) accounts."""
    panels = [(panel, panel.load()) for panel in PANELS]
    return render_template(
        "console/operations.html",
        title="Operations",
        outbox=_outbox(),
        sessions=_latest(UssdSessionRecord),
        panels=panels,
        users=db.session.scalars(select(ConsoleUser).order_by(ConsoleUser.email)).all(),
        roles=ROLES,
    )


@bp.post("/operations/outbox/sweep")
@requires(*PERMISSIONS["operations"])
def operations_sweep() -> Any:
    """Send what is still pending now (what `flask outbox sweep --older-than 0` does)."""
    from app.celery_app import celery_for
    from app.outbox.tasks import sweep

    celery_for(current_app._get_current_object())
    # The task runs in an app context of its own: end this request's transaction first
    # (on SQLite every transaction holds the write lock).
    db.session.rollback()
    flash(f"Enqueued {sweep(0)} pending deliveries.", "info")
    return redirect(url_for("console.operations"))


@bp.post("/operations/users")
@requires("admin")
def operations_users_create() -> Any:
    """Create a console account (as `flask users create`)."""
    form = request.form
    try:
        user = create_user(form.get("email", ""), form.get("password", ""), form.get("role", ""))
    except UserError as err:
        flash(str(err), "error")
    else:
        flash(f"Created {user.email} ({user.role}).", "info")
    return redirect(url_for("console.operations"))


@bp.post("/operations/users/<int:user_id>/active")
@requires("admin")
def operations_users_active(user_id: int) -> Any:
    """Disable or re-enable an account (an admin cannot disable their own)."""
    from flask_login import current_user

    user = db.session.get(ConsoleUser, user_id)
    if user is None or user.id == current_user.id:
        flash("You cannot change that account here.", "error")
    else:
        user.active = request.form.get("active") == "1"
        db.session.commit()
        flash(f"{user.email} {'enabled' if user.active else 'disabled'}.", "info")
    return redirect(url_for("console.operations"))
