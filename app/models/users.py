"""Console users: the staff who log in to the web console under /console/."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow

ROLES = ("designer", "operator", "admin")


class ConsoleUser(UserMixin, db.Model):
    """A designer, operator or admin; `password_hash` is an Argon2id hash (argon2-cffi).

    Roles: a designer edits and publishes definitions; an operator looks after customers
    and operations (phone numbers masked); an admin does everything, numbers unmasked.
    """

    __tablename__ = "console_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses to log in an inactive user
        return bool(self.active)
