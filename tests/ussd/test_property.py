"""Whatever `text` a gateway sends, the answer is a screen: never a 5xx, always CON/END,
never longer than the network's screen."""

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import USSD_URL

KEYPAD = st.sampled_from(list("0123456789*#")) | st.characters(codec="utf-8")
TEXTS = st.lists(KEYPAD, max_size=60).map("".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=TEXTS, later=TEXTS, network=st.sampled_from(["63902", "63903", "62130", ""]))
def test_any_text_gets_a_screen_that_fits(seeded, client, first, later, network):
    limit = seeded.config["USSD_SCREEN_CHARS"].get(
        network, seeded.config["USSD_DEFAULT_SCREEN_CHARS"]
    )
    session_id = f"prop-{uuid.uuid4().hex}"
    for text in ("", first, f"{first}*{later}" if first else later):
        form = {
            "sessionId": session_id,
            "serviceCode": "*384*1#",
            "phoneNumber": "+254711000003",
            "networkCode": network,
            "text": text,
        }
        response = client.post(USSD_URL, data=form)
        body = response.get_data(as_text=True)
        assert response.status_code < 500
        if response.status_code == 200:
            assert body.startswith(("CON ", "END ")), body
            assert len(body) <= limit, body
