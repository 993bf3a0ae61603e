"""Every Redis script a hop runs touches keys of one slot (Redis Cluster can run it), and
every key a session leaves has a TTL."""

import fakeredis
from redis.crc import key_slot

from app.sessions.store import SessionStore
from tests.conftest import Handset


class RecordingRedis(fakeredis.FakeRedis):
    """fakeredis that records the keys of every script call."""

    calls: list[tuple[str, list[bytes]]]

    def execute_command(self, *args, **options):
        if args[0] in ("EVALSHA", "EVAL"):
            count = int(args[2])
            self.calls.append((args[0], [str(k).encode() for k in args[3 : 3 + count]]))
        return super().execute_command(*args, **options)


def _recording(app) -> RecordingRedis:
    client = RecordingRedis(server=fakeredis.FakeServer())
    client.calls = []
    store: SessionStore = app.extensions["session_store"]
    app.extensions["redis"] = client
    app.extensions["session_store"] = SessionStore(
        client,
        app.config["SESSION_SIGNING_KEY"],
        store.ttl_seconds,
        store.lock_ttl_seconds,
        store.lock_wait_seconds,
    )
    return client


def test_every_script_a_money_session_runs_touches_one_slot(seeded):
    client = _recording(seeded)
    body = Handset(seeded.test_client()).walk("1", "100", "1", "1234")
    assert "Deposited" in body
    assert len(client.calls) >= 8
    for command, keys in client.calls:
        assert len({key_slot(key) for key in keys}) == 1, (command, keys)


def test_a_dropped_session_leaves_only_keys_with_a_ttl(seeded):
    client = _recording(seeded)
    Handset(seeded.test_client()).walk("1", "100")  # dropped before the end
    keys = client.keys("*")
    assert keys and all(client.ttl(key) > 0 for key in keys), keys
    assert any(b":resume:" in key for key in keys)
