"""Property tests on everything a caller or a gateway controls: amounts, PINs, phone
numbers, raw callback fields and the state read back from Redis. Whatever arrives, the
answer is a CON/END screen (or a 400 for a malformed callback), never a crash."""

import pickle

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.phones import InvalidPhoneNumber, to_e164
from app.sessions.store import SessionStore
from tests.conftest import USSD_URL, Handset

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KEYPAD = st.text(alphabet="0123456789*#+ ", max_size=12)
ANY_TEXT = st.text(max_size=40)
SORRY = "something went wrong"


@FUZZ
@given(raw=st.one_of(ANY_TEXT, KEYPAD))
def test_phone_numbers_normalise_or_are_refused(raw):
    try:
        number = to_e164(raw)
    except InvalidPhoneNumber:
        return
    assert number.startswith("+") and number[1:].isdigit() and 8 <= len(number) <= 16


@FUZZ
@given(amount=st.one_of(KEYPAD, ANY_TEXT))
def test_any_amount_typed_gets_a_screen(seeded, amount):
    body = Handset(seeded.test_client()).walk("1", amount)  # deposit, then the amount
    assert body.startswith(("CON ", "END ")) and SORRY not in body, body


@FUZZ
@given(pin=st.one_of(KEYPAD, ANY_TEXT))
def test_any_pin_typed_gets_a_screen_and_moves_no_money_unless_right(seeded, pin):
    body = Handset(seeded.test_client()).walk("1", "100", "1", pin)
    assert body.startswith(("CON ", "END ")) and SORRY not in body, body
    assert ("Deposited" in body) == (pin.strip() == "1234"), (pin, body)


@FUZZ
@given(
    session_id=st.text(min_size=1, max_size=80),
    code=ANY_TEXT,
    msisdn=st.one_of(ANY_TEXT, KEYPAD),
    text=st.one_of(ANY_TEXT, KEYPAD),
)
def test_any_callback_fields_get_a_screen_or_a_400(seeded, session_id, code, msisdn, text):
    form = {"sessionId": session_id, "serviceCode": code, "phoneNumber": msisdn, "text": text}
    response = seeded.test_client().post(USSD_URL, data=form)
    assert response.status_code in {200, 400}
    if response.status_code == 200:
        assert response.get_data(as_text=True).startswith(("CON ", "END "))


@FUZZ
@given(
    payload=st.one_of(
        st.binary(max_size=200),
        st.builds(lambda o: pickle.dumps(o), st.recursive(st.none() | st.integers(), st.lists)),
    ),
    signature=st.one_of(st.none(), st.binary(max_size=80)),
)
def test_any_stored_state_loads_or_starts_afresh(app, payload, signature):
    store: SessionStore = app.extensions["session_store"]
    key = store.key("ATUid_fuzz")
    fields = {"v": 1, "m": "+254711000001", "c": "*384*1#", "p": payload}
    if signature is not None:
        fields["s"] = signature
    store.client.delete(key)
    store.client.hset(key, mapping=fields)
    assert store.load("ATUid_fuzz", "+254711000001", "*384*1#") is None


@FUZZ
@given(raw=st.one_of(ANY_TEXT, st.text(alphabet="0123456789/.- ", max_size=12)))
def test_any_date_typed_parses_to_a_real_date_or_nothing(raw):
    from datetime import date

    from app.interrogators.date import parse_day_first

    parsed = parse_day_first(raw)
    assert parsed is None or isinstance(parsed, date)


@FUZZ
@given(day=st.dates())
def test_every_real_date_typed_day_first_parses_back(day):
    from app.interrogators.date import parse_day_first

    if day.year >= 1000:
        assert parse_day_first(day.strftime("%d%m%Y")) == day
        assert parse_day_first(f"{day.day}/{day.month}/{day.year}") == day
