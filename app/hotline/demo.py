"""The demo hotline `flask seed` creates: group 1, dialled on +254711082005."""

from sqlalchemy import select

from app.extensions import db
from app.hotline import admin
from app.models import VolunteerGroup

DEMO_NUMBER = "+254711082005"
VOLUNTEERS = [
    ("Wambui Kariuki", "+254722082001", "wambui@example.org"),
    ("Otieno Ouma", "+254722082002", "otieno@example.org"),
    ("Chebet Rotich", "+254722082003", "chebet@example.org"),
    ("Mwangi Njoroge", "+254722082004", "mwangi@example.org"),
]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
WEEKEND = ("Saturday", "Sunday")
# (volunteer index, days, start, end): every day has shifts; 22:00–08:00 goes to voicemail.
SHIFTS = [
    (0, WEEKDAYS, "08:00", "13:00"),
    (1, WEEKDAYS, "13:00", "18:00"),
    (2, WEEKEND, "09:00", "17:00"),
    (3, WEEKDAYS + WEEKEND, "18:00", "22:00"),
]


def seed_hotline() -> bool:
    """Create the demo group, its volunteers and their shifts; False when present."""
    if db.session.scalar(select(VolunteerGroup).where(VolunteerGroup.number == DEMO_NUMBER)):
        return False
    group = admin.add_group(
        "Community line",
        DEMO_NUMBER,
        "volunteers@example.org",
        "Africa/Nairobi",
        greetings={
            "en": "Thank you for calling the Community line. Nobody can answer right now: "
            "please leave your name, number and message after the tone.",
            "sw": "Asante kwa kupiga Community line. Hakuna anayeweza kujibu sasa: tafadhali "
            "acha jina, nambari na ujumbe wako baada ya mlio.",
        },
    )
    volunteers = [admin.add_volunteer(*volunteer) for volunteer in VOLUNTEERS]
    for index, days, start, end in SHIFTS:
        for day in days:
            admin.add_shift(group.id, volunteers[index].id, day, start, end)
    db.session.commit()
    return True
