"""Hierarchical places (county -> sub-county -> ward) for location questions."""

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Location(db.Model):
    """One place; counties have no parent. `key` is the name folded for prefix search
    (lower case, letters and digits only)."""

    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("parent_id", "level", "name", name="one_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(120), index=True)
    code: Mapped[str] = mapped_column(String(20), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
