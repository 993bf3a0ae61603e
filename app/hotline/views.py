"""`GET /hotline/groups/<id>/on-shift?day=Monday&hour=17`: who a call would ring."""

from flask import Blueprint, Response, jsonify, request

from app.errors import InputError
from app.extensions import db
from app.hotline.schedule import WEEKDAYS, on_shift, parse_day, parse_time
from app.models import VolunteerGroup
from app.phones import mask

bp = Blueprint("hotline", __name__, url_prefix="/hotline")


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


@bp.get("/groups/<int:group_id>/on-shift")
def who_is_on_shift(group_id: int) -> Response | tuple[Response, int]:
    """The volunteers on shift in a group at a local day and hour, in dialling order.

    Query:
        day: a weekday ("Monday"; weekly shifts) or a date ("2026-12-25"; that day's
            weekly and dated shifts).
        hour: "17" or "17:30", the group's local time.

    Returns:
        200 {"group": {"id", "name", "time_zone", "dial_mode"}, "day", "hour",
        "volunteers": [{"id", "name", "phone" (masked)}]}; 400 {"error": …} when `day` or
        `hour` is missing or malformed; 404 when there is no such group.
    """
    group = db.session.get(VolunteerGroup, group_id)
    if group is None:
        return _error(404, f"no hotline group {group_id}")
    missing = [name for name in ("day", "hour") if not request.args.get(name)]
    if missing:
        return _error(400, f"give {' and '.join(missing)}, e.g. ?day=Monday&hour=17")
    try:
        day = parse_day(request.args["day"])
        moment = parse_time(request.args["hour"], "hour")
    except InputError as err:
        return _error(400, str(err))
    volunteers = on_shift(group.id, day, moment)
    return jsonify(
        {
            "group": {
                "id": group.id,
                "name": group.name,
                "time_zone": group.time_zone,
                "dial_mode": group.dial_mode,
            },
            "day": WEEKDAYS[day] if isinstance(day, int) else day.isoformat(),
            "hour": f"{moment:%H:%M}",
            "volunteers": [
                {"id": v.id, "name": v.name, "phone": mask(v.phone)} for v in volunteers
            ],
        }
    )
