"""`flask seed`'s demo hotline and call centre, as the README walks them."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.callcentre.admission import admit_caller
from app.extensions import db
from app.hotline.routing import route_call
from app.models import AgentPhone, CallQueue, Shift, VolunteerGroup


def test_seed_creates_the_demo_hotline_and_call_centre_once(app, runner):
    first = runner.invoke(args=["seed"]).output
    assert "seeded the demo hotline: group 1 on +254711082005, 4 volunteers" in first
    assert "seeded the demo call centre: +254711082007, agents dial +254711082008" in first
    second = runner.invoke(args=["seed"]).output
    assert "demo hotline" not in second and "demo call centre" not in second
    with app.app_context():
        group = db.session.get(VolunteerGroup, 1)
        assert group.number == "+254711082005"
        weekdays = set(db.session.scalars(select(Shift.weekday).where(Shift.group_id == 1)))
        assert weekdays == set(range(7))
        queue = db.session.scalar(select(CallQueue))
        assert (queue.number, queue.dequeue_number) == ("+254711082007", "+254711082008")
        assert db.session.scalar(select(func.count()).select_from(AgentPhone)) == 2


def test_the_demo_lines_route_and_admit_as_the_readme_says(app, runner):
    runner.invoke(args=["seed"])
    assert runner.invoke(args=["hotline", "who", "1", "Monday", "10"]).output.splitlines()[1] == (
        "  Wambui Kariuki +254722082001"
    )
    with app.app_context():
        night = datetime(2026, 11, 30, 20, 30, tzinfo=UTC)  # 23:30 in Nairobi
        assert route_call("+254711082005", "+254733000001", night).outcome == "voicemail"
        outcomes = [
            admit_caller("+254711082007", f"+2547110000{n:02d}").outcome for n in (1, 11, 20)
        ]
    assert outcomes == ["enqueue", "renew", "offer_registration"]
