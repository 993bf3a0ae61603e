"""A Nairobi line (no daylight saving) and a London line (daylight saving) with their
volunteers; Amina serves both."""

from types import SimpleNamespace

import pytest

from app.extensions import db
from app.hotline import admin

NAIROBI_LINE = "+254711082005"
LONDON_LINE = "+442079460000"
AMINA, BRIAN, CYNTHIA = "+254722000001", "+254722000002", "+254722000003"


@pytest.fixture
def lines(app):
    """Two groups and three volunteers (ids in a namespace); shifts are up to each test."""
    with app.app_context():
        nairobi = admin.add_group(
            "Nairobi line",
            NAIROBI_LINE,
            "nairobi@example.org",
            "Africa/Nairobi",
            greetings={"en": "Please leave a message.", "sw": "Tafadhali acha ujumbe."},
            dial_mode="in_order",
            ring_timeout_seconds=15,
        )
        london = admin.add_group("London line", LONDON_LINE, "london@example.org", "Europe/London")
        amina = admin.add_volunteer("Amina Wanjiru", AMINA, "amina@example.org")
        brian = admin.add_volunteer("Brian Otieno", BRIAN, "brian@example.org")
        cynthia = admin.add_volunteer("Cynthia Njeri", CYNTHIA, "")
        db.session.commit()
        return SimpleNamespace(
            nairobi=nairobi.id, london=london.id, amina=amina.id, brian=brian.id, cynthia=cynthia.id
        )


def add_shifts(app, *shifts: tuple[str, str, str, str, str]) -> None:
    """Add shifts as (group, volunteer, day, start, end), as an operator types them."""
    with app.app_context():
        for shift in shifts:
            admin.add_shift(*shift)
        db.session.commit()
