"""Load: the peer harness journey and the money journeys at 16 users, two Sauti instances
behind nginx sharing Redis and PostgreSQL, each session's hops alternating between them."""

import collections
import threading

import pytest
import redis

from tests.reliability import load
from tests.reliability.conftest import ledger_problems
from tests.reliability.servers import Nginx, running

pytestmark = pytest.mark.reliability
USERS = 16


def keys_without_ttl(url: str) -> list[str]:
    client = redis.Redis.from_url(url)
    try:
        return [key.decode() for key in client.scan_iter(count=1000) if client.ttl(key) < 0]
    finally:
        client.close()


def test_two_instances_behind_nginx_answer_every_hop(stack, load_seconds, request):
    if Nginx.binary() is None:
        pytest.skip("nginx is not installed (apt-get install -y nginx; .ci/run does)")
    first, second = stack.sauti("first"), stack.sauti("second")
    nginx = Nginx(stack.folder / "nginx", [first.port, second.port]).start()
    with running(nginx):
        url = f"http://127.0.0.1:{nginx.port}{first.path}"
        peer, money = _together(url, load_seconds)
        served_by = collections.defaultdict(set)
        for line in nginx.access_log():
            upstream, _, body = line.split(" ", 2)
            session = next((p[10:] for p in body.split("&") if p.startswith("sessionId=")), None)
            if session:
                served_by[session].add(upstream)
    for name, result in (("peer", peer), ("money", money)):
        print(f"{name}: {result.summary()}")
        request.node.user_properties.append((name, result.summary()))
        assert result.sessions > 0
        assert result.server_errors == [], result.server_errors[:3]
        assert result.not_con_end == [], result.not_con_end[:3]
        assert result.wrong_endings == [], result.wrong_endings[:5]
    assert keys_without_ttl(stack.redis.url(0)) == []
    shared = sum(1 for upstreams in served_by.values() if len(upstreams) == 2)
    assert shared >= 0.9 * len(served_by), f"{shared} of {len(served_by)} sessions on both"
    assert ledger_problems(stack.database_url) == []


def _together(url: str, seconds: float) -> tuple[load.Result, load.Result]:
    """Half the users on the peer journey, half on the money journeys, at the same time."""
    results: dict[str, load.Result] = {}
    half = USERS // 2

    def peer() -> None:
        results["peer"] = load.run([url], (load.PEER,), half, seconds, msisdn=load.fresh_msisdn)

    thread = threading.Thread(target=peer)
    thread.start()
    results["money"] = load.run([url], load.MONEY, USERS - half, seconds)
    thread.join()
    return results["peer"], results["money"]
