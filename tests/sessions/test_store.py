"""Session state in Redis: signed, plain data, bound to its session and MSISDN."""

import os
import pickle

from itsdangerous import Signer

from app.sessions.store import SessionStore
from tests.conftest import Handset


def store(app) -> SessionStore:
    return SessionStore(app.extensions["redis"], app.config["SESSION_SIGNING_KEY"], 60, 1, 1)


def key(handset) -> str:
    return SessionStore.key(handset.session_id)


def test_state_is_a_signed_plain_data_pickle(seeded, client):
    phone = Handset(client)
    phone.walk("6")
    stored = seeded.extensions["redis"].hgetall(key(phone))
    state = pickle.loads(stored[b"p"])
    assert isinstance(state, dict) and state["state"] == "account_pin"
    assert b"builtins" not in stored[b"p"] and stored[b"s"]


def test_tampered_state_becomes_a_fresh_session(seeded, client):
    phone = Handset(client)
    phone.walk("6")
    redis = seeded.extensions["redis"]
    payload = redis.hget(key(phone), "p").replace(b"account_pin", b"account_xyz")
    redis.hset(key(phone), "p", payload)
    assert phone.send("1234").startswith("CON Sauti Money. Hello Amina")


def test_state_swapped_from_another_session_becomes_a_fresh_session(seeded, client):
    victim, attacker = Handset(client, "+254711000002"), Handset(client, "+254711000001")
    victim.walk("6")
    attacker.send()
    redis = seeded.extensions["redis"]
    swapped = {**redis.hgetall(key(victim)), b"m": attacker.msisdn.encode()}
    redis.hset(key(attacker), mapping=swapped)
    assert attacker.send("1234").startswith("CON Sauti Money. Hello Amina")


def _gadget_payload(canary: str) -> bytes:
    class Gadget:
        def __reduce__(self):
            return (os.system, (f"touch {canary}",))

    return pickle.dumps({"format": 1, "x": Gadget()})


def test_gadget_with_a_valid_signature_runs_no_code(seeded, client, tmp_path):
    canary = tmp_path / "canary"
    phone = Handset(client)
    phone.walk("6")
    payload = _gadget_payload(str(canary))
    signer = Signer(
        seeded.config["SESSION_SIGNING_KEY"],
        salt="sauti.session",
        digest_method=__import__("hashlib").sha256,
        key_derivation="hmac",
    )
    signed = b"\0".join((phone.session_id.encode(), phone.msisdn.encode(), payload))
    seeded.extensions["redis"].hset(
        key(phone), mapping={"p": payload, "s": signer.get_signature(signed)}
    )
    assert phone.send("1234").startswith("CON Sauti Money. Hello Amina")
    assert not canary.exists()


def test_unsigned_gadget_runs_no_code(seeded, client, tmp_path):
    canary = tmp_path / "canary"
    phone = Handset(client)
    phone.walk("6")
    seeded.extensions["redis"].hset(key(phone), "p", _gadget_payload(str(canary)))
    assert phone.send("1234").startswith("CON Sauti Money. Hello Amina")
    assert not canary.exists()


def test_state_has_a_ttl(seeded, client):
    phone = Handset(client)
    phone.send()
    ttl = seeded.extensions["redis"].ttl(key(phone))
    assert (
        0
        < ttl
        <= max(
            seeded.config["USSD_SESSION_TTL_SECONDS"], seeded.config["USSD_RESUME_WINDOW_SECONDS"]
        )
    )


def test_stale_writer_is_refused(seeded, client):
    phone = Handset(client)
    phone.send()
    sessions = store(seeded)
    first = sessions.load(phone.session_id, phone.msisdn)
    second = sessions.load(phone.session_id, phone.msisdn)
    sessions.save(first)
    try:
        sessions.save(second)
    except Exception as err:  # noqa: BLE001 - asserting the type below
        assert type(err).__name__ == "SessionBusyError"
    else:
        raise AssertionError("a stale save was accepted")


def test_a_session_carries_on_after_redis_forgets_its_scripts(seeded, client):
    phone = Handset(client)
    assert phone.send().startswith("CON Sauti Money")
    seeded.extensions["redis"].script_flush()  # as after a restart or SCRIPT FLUSH
    assert phone.send("1").startswith("CON Enter amount to deposit")
    assert phone.send("500").startswith("CON Deposit KES 500")
