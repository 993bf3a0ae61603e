"""A hung Redis costs one hop its timeout; the hops right after it fail at once."""

import time

from tests.conftest import USSD_URL, Handset
from tests.ops.test_health import hung_port, with_redis_at  # noqa: F401 - fixtures


def test_hops_after_a_redis_timeout_answer_at_once(with_redis_at, hung_port):  # noqa: F811
    app = with_redis_at(f"redis://127.0.0.1:{hung_port}/0", REDIS_BREAKER_SECONDS=5.0)
    client = app.test_client()
    took = []
    for _ in range(3):
        started = time.monotonic()
        body = Handset(client).send()
        took.append(time.monotonic() - started)
        assert body.startswith("END Sorry, we are busy"), body
    assert 0.4 < took[0] < 1.0
    assert max(took[1:]) < 0.1, took


def test_the_first_hop_after_the_breaker_closes_tries_redis_again(app_factory):
    app = app_factory(REDIS_BREAKER_SECONDS=0.2)
    client = app.test_client()
    store = app.extensions["redis"]
    if hasattr(store, "_open_until"):
        store._open_until = time.monotonic() + 0.2
        assert (
            client.post(USSD_URL, data=Handset(client).form())
            .get_data(as_text=True)
            .startswith("END")
        )
        time.sleep(0.25)
    assert Handset(client).send().startswith("CON")
