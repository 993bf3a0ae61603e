"""compose.yaml: valid Compose, and shaped for production (timeouts, queues, auth, health)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from check_jsonschema.cli.main_command import main as check_jsonschema
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
GATEWAY_BUDGET_SECONDS = 15
SECRETS = (
    "SECRET_KEY",
    "SESSION_SIGNING_KEY",
    "PIN_PEPPER",
    "AT_CALLBACK_TOKEN",
    "POSTGRES_PASSWORD",
    "REDIS_PASSWORD",
)


@pytest.fixture(scope="module")
def compose() -> dict:
    return YAML(typ="safe").load(COMPOSE.read_text())


def _command(service: dict) -> str:
    command = service.get("command", "")
    return command if isinstance(command, str) else " ".join(command)


def test_compose_file_matches_the_compose_specification():
    with pytest.raises(SystemExit) as exit_:
        check_jsonschema(["--builtin-schema", "vendor.compose-spec", str(COMPOSE)])
    assert exit_.value.code == 0


def test_docker_compose_config_renders_it():
    docker = shutil.which("docker")
    probe = docker and subprocess.run([docker, "compose", "version"], capture_output=True)
    if not probe or probe.returncode != 0:
        pytest.skip("no `docker compose` here; the schema test above checks the file")
    env = dict(os.environ, **{name: "x" * 24 for name in SECRETS})
    result = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "config", "--quiet"], env=env, capture_output=True
    )
    assert result.returncode == 0, result.stderr


def test_every_secret_must_be_given(compose):
    text = COMPOSE.read_text()
    for name in SECRETS:
        assert f"${{{name}:?set {name}}}" in text, name


def test_web_runs_sync_workers_sized_to_cores_within_the_gateway_budget(compose):
    command = _command(compose["services"]["web"])
    assert "--worker-class sync" in command
    assert "nproc" in command
    timeout = int(re.search(r"--timeout (\d+)", command).group(1))
    assert timeout < GATEWAY_BUDGET_SECONDS


def test_transactional_and_bulk_work_run_on_separate_workers(compose):
    services = compose["services"]
    queues = {
        name: re.search(r"--queues (\S+)", _command(service)).group(1)
        for name, service in services.items()
        if " worker " in f" {_command(service)} " and "celery" in _command(service)
    }
    assert sorted(queues.values()) == ["campaigns", "celery,sms"]
    assert "beat" in _command(services["beat"])


def test_redis_and_postgres_refuse_unauthenticated_clients(compose):
    redis, postgres = compose["services"]["redis"], compose["services"]["postgres"]
    assert "--requirepass" in _command(redis)
    assert "ports" not in redis and "ports" not in postgres
    assert postgres["environment"]["POSTGRES_HOST_AUTH_METHOD"] == "scram-sha-256"
    assert "--auth-local=scram-sha-256" in postgres["environment"]["POSTGRES_INITDB_ARGS"]
    app_env = compose["x-sauti"]["environment"]
    assert app_env["REDIS_URL"].startswith("redis://:${REDIS_PASSWORD")


def test_every_long_running_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        if name != "migrate":
            assert "healthcheck" in service, name


def test_web_waits_for_migrations(compose):
    web = compose["services"]["web"]
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_tasks_route_to_the_queues_compose_runs(app):
    from app.celery_app import celery_for

    celery = celery_for(app)
    router = celery.amqp.router
    assert router.route({}, "app.outbox.tasks.deliver")["queue"].name == "sms"
    assert router.route({}, "app.sms.tasks.send_batch")["queue"].name == "campaigns"
    assert router.route({}, "app.outbox.tasks.sweep")["queue"].name == "celery"
