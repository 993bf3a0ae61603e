"""Walk complete USSD sessions against Sauti (and a baseline) and report hops/s and latency.

Run from the repo root: `python -m bench.ussd_load --spawn` (see `--help`). Each virtual user is a
process that posts Africa's Talking-shaped callbacks, journey after journey, round-robin.

With `--surveys`, the run walks a generated 10-question survey and a 200-question one
(bench/surveys.py) in alternating rounds, and compares their hop cost: a hop must not grow
with the survey's size.
"""

import contextlib
import http.client
import json
import multiprocessing as mp
import queue
import signal
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field, replace
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import click
from click.core import ParameterSource

from bench.scenario import Journey, Scenario, ScenarioError, load_scenario
from bench.servers import ROOT, START_TIMEOUT_SECONDS, spawn_env, start_servers
from bench.surveys import report_surveys, survey_scenarios

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
HOP_TIMEOUT_SECONDS = 10
HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
SURVEY_ROUNDS = 4


@dataclass
class UserResult:
    """What one virtual user saw in one phase."""

    sessions: int = 0
    errors: int = 0
    first_errors: list[str] = field(default_factory=list)
    latencies_s: list[float] = field(default_factory=list)
    # Hops between a journey's first (auction, caller look-up) and last (completion).
    mid_latencies_s: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0


@dataclass(frozen=True)
class Phase:
    """One load phase: the same journeys, against one URL, for `duration_s` or `max_sessions`.

    `mid_hops` adds `p50_mid_ms` to the figures: the median of the hops that are neither a
    journey's first nor its last. Virtual user `u` dials `scenario.msisdn(u + msisdn_offset)`.
    """

    name: str
    url: str
    scenario: Scenario
    check_end: bool
    duration_s: float
    max_sessions: int
    mid_hops: bool = False
    msisdn_offset: int = 0


def _post_hop(conn: http.client.HTTPConnection, path: str, form: dict[str, str]) -> tuple[int, str]:
    conn.request("POST", path, urlencode(form), HEADERS)
    response = conn.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def walk(
    conn: http.client.HTTPConnection, phase: Phase, journey: Journey, msisdn: str, out: UserResult
) -> str | None:
    """Walk one journey, appending each hop's latency to `out`; return a problem, or None."""
    path, session_id, replies = urlsplit(phase.url).path, uuid.uuid4().hex, []
    for hop, reply in enumerate((None, *journey.inputs)):
        replies += [] if reply is None else [reply]
        form = {
            "sessionId": session_id,
            "serviceCode": journey.service_code,
            "phoneNumber": msisdn,
            "networkCode": "63902",
            "text": "*".join(replies),
        }
        started = time.perf_counter()
        try:
            status, body = _post_hop(conn, path, form)
        except (OSError, http.client.HTTPException) as err:
            conn.close()
            return f"{journey.name} hop {hop}: {err!r}"
        out.latencies_s.append(time.perf_counter() - started)
        last = hop == len(journey.inputs)
        if hop > 0 and not last:
            out.mid_latencies_s.append(out.latencies_s[-1])
        where = f"{journey.name} hop {hop}: HTTP {status}: {body[:160]!r}"
        if status != 200 or not body.startswith(("CON ", "END ")):
            return where
        if phase.check_end and body.startswith("END ") != last:
            return f"{where} (END {'expected' if last else 'before the last hop'})"
        if phase.check_end and last and journey.expect and journey.expect not in body:
            return f"{where} (expected {journey.expect!r})"
    return None


def run_user(user: int, phase: Phase, max_sessions: int, barrier: Barrier, results: Queue) -> None:
    """Virtual user `user`: walk journeys until the deadline or `max_sessions`; queue the result."""
    out, journeys = UserResult(), phase.scenario.journeys
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops us cleanly
    try:
        # http.client, not requests.Session: the lower client overhead. Measured against the
        # baseline, one hop took 0.81 ms with http.client and 1.2-1.3 ms with requests. Gunicorn
        # sync workers close every connection, so keep-alive cannot help either way; http.client
        # simply reconnects on the next request.
        parts = urlsplit(phase.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, HOP_TIMEOUT_SECONDS)
        barrier.wait(START_TIMEOUT_SECONDS)
        started = time.perf_counter()
        for k in range(max_sessions):
            if time.perf_counter() - started >= phase.duration_s:
                break
            journey = journeys[(user + k) % len(journeys)]
            msisdn = phase.scenario.msisdn(user + phase.msisdn_offset)
            problem = walk(conn, phase, journey, msisdn, out)
            out.sessions += problem is None
            out.errors += problem is not None
            out.first_errors += [problem] if problem and len(out.first_errors) < 3 else []
        out.elapsed_s = time.perf_counter() - started
        conn.close()
    except Exception as err:  # the process boundary: report it, never leave the parent waiting
        out.errors, out.first_errors = out.errors + 1, [f"user {user} crashed: {err!r}"]
    results.put(out)


def run_phase(phase: Phase, users: int) -> list[UserResult]:
    """Run `users` virtual-user processes against `phase.url`; return what each one saw."""
    shares = [phase.max_sessions // users + (u < phase.max_sessions % users) for u in range(users)]
    shares = [(u, share) for u, share in enumerate(shares) if share]
    barrier, results = mp.Barrier(len(shares)), mp.Queue()
    procs = [
        mp.Process(target=run_user, args=(u, phase, share, barrier, results), daemon=True)
        for u, share in shares
    ]
    try:
        for proc in procs:
            proc.start()
        longest = max(len(journey.inputs) + 1 for journey in phase.scenario.journeys)
        wait_s = START_TIMEOUT_SECONDS + phase.duration_s + longest * HOP_TIMEOUT_SECONDS + 10
        outs = [results.get(timeout=wait_s) for _ in procs]
    except queue.Empty as err:
        raise click.ClickException(f"{phase.name}: a virtual user gave no result") from err
    finally:
        for proc in procs:
            proc.join(timeout=1)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
    return outs


def run_rounds(phases: list[Phase], users: int, rounds: int) -> list[dict]:
    """Run `phases` in turn, `rounds` times over, against the same servers; return each
    phase's figures, its rounds pooled.

    Each round of a phase lasts `duration_s / rounds` and walks its share of `max_sessions`.
    Background load that drifts during the run thus weighs on every phase alike. Each round
    of each phase dials its own numbers: a journey cut short (an error) leaves a resumable
    session, and the next round must not be offered to continue it.

    Raises:
        click.ClickException: a scenario has too few numbers for that.
    """
    runs = rounds * len(phases)
    for phase in phases if runs > 1 else ():
        if runs * users > phase.scenario.msisdn_count:
            raise click.ClickException(f"{phase.name}: fewer numbers than {runs} x {users} users")
    pooled: dict[str, list[list[UserResult]]] = {phase.name: [] for phase in phases}
    for k in range(rounds):
        for i, phase in enumerate(phases):
            offset = (k * len(phases) + i) * users
            sessions = phase.max_sessions // rounds + (k < phase.max_sessions % rounds)
            if sessions:
                part = replace(phase, duration_s=phase.duration_s / rounds, msisdn_offset=offset)
                pooled[phase.name].append(run_phase(replace(part, max_sessions=sessions), users))
    return [summarise(phase, pooled[phase.name]) for phase in phases]


def summarise(phase: Phase, rounds: list[list[UserResult]]) -> dict:
    """Merge the users' results over the rounds into the phase's figures. A round's time is
    its longest user's; rates are over the rounds' total time."""
    outs = [out for round_outs in rounds for out in round_outs]
    latencies = sorted(s for out in outs for s in out.latencies_s)
    elapsed_s = sum(max(out.elapsed_s for out in round_outs) for round_outs in rounds)
    elapsed_s = elapsed_s or float("nan")
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    sessions = sum(out.sessions for out in outs)
    users = max(len(round_outs) for round_outs in rounds)
    figures = {"phase": phase.name, "url": phase.url, "users": users, "rounds": len(rounds)}
    figures["elapsed_s"] = elapsed_s
    figures.update(sessions=sessions, sessions_per_s=sessions / elapsed_s, hops=len(latencies))
    figures.update(hops_per_s=len(latencies) / elapsed_s, errors=sum(o.errors for o in outs))
    figures.update({f"p{q}_ms": cuts[q - 1] * 1000 for q in (50, 95, 99)})
    if phase.mid_hops:
        mid = [s for out in outs for s in out.mid_latencies_s]
        figures["p50_mid_ms"] = statistics.median(mid) * 1000 if mid else float("nan")
    figures["first_errors"] = [error for out in outs for error in out.first_errors][:3]
    return figures


def _check_url(name: str, url: str | None) -> None:
    parts = urlsplit(url or "")
    if url and (parts.scheme != "http" or parts.hostname not in LOOPBACK or not parts.port):
        raise click.BadParameter(f"{url!r}: need http://127.0.0.1:PORT/...", param_hint=name)


def report(phases: list[dict]) -> dict:
    """Write the figures to stdout and return them with the engine/baseline ratio."""
    labels = {"sessions": "sessions", "sessions_per_s": "sess/s", "hops_per_s": "hops/s"}
    labels.update(p50_ms="p50 ms", p95_ms="p95 ms", p99_ms="p99 ms", errors="errors")
    width = max(9, *(len(p["phase"]) + 1 for p in phases))
    click.echo(f"{'phase':{width}}" + "".join(f"{label:>10}" for label in labels.values()))
    for p in phases:
        click.echo(f"{p['phase']:{width}}" + "".join(f"{round(p[key], 2):>10}" for key in labels))
    for p in phases:
        for error in p["first_errors"]:
            click.echo(f"{p['phase']} error: {error}")
    rates = {p["phase"]: p["hops_per_s"] for p in phases}
    ratio = rates["engine"] / rates["baseline"] if len(rates) == 2 and rates["baseline"] else None
    if ratio is not None:
        click.echo(f"engine/baseline hops/s: {ratio:.2f}")
    return {"phases": phases, "engine_baseline_hops_ratio": ratio}


def _check_options(
    url: str | None,
    baseline_url: str | None,
    spawn: bool,
    baseline_only: bool,
    surveys: bool,
    rounds: int | None,
) -> None:
    if spawn and (url or baseline_url):
        raise click.UsageError("--spawn starts its own servers: drop --url and --baseline-url")
    if not spawn and not (baseline_url if baseline_only else url):
        raise click.UsageError("give --spawn, or --url (--baseline-url with --baseline-only)")
    if surveys and (not spawn or baseline_only):
        raise click.UsageError("--surveys needs --spawn (and no --baseline-only)")
    source = click.get_current_context().get_parameter_source("scenario")
    if surveys and source is not ParameterSource.DEFAULT:
        raise click.UsageError("--surveys generates its own scenarios: drop --scenario")
    if rounds is not None and not surveys:
        raise click.UsageError("--rounds is for --surveys")
    _check_url("--url", url)
    _check_url("--baseline-url", baseline_url)


def _load(scenario: Path) -> Scenario:
    try:
        return load_scenario(scenario)
    except ScenarioError as err:
        raise click.ClickException(str(err)) from err


PATH = click.Path(dir_okay=False, path_type=Path)


@click.command(context_settings={"show_default": True})
@click.option("--url", help="Sauti's callback URL: http://127.0.0.1:PORT/ussd/africastalking/TOKEN")
@click.option("--baseline-url", help="The baseline's callback URL; adds a baseline phase.")
@click.option("--users", type=click.IntRange(1, 256), default=8, help="Virtual users (processes).")
@click.option("--duration", type=click.FloatRange(0.5, 3600), default=20.0, help="Seconds/phase.")
@click.option("--max-sessions", type=click.IntRange(1, 10**7), default=100_000, help="Per phase.")
@click.option("--scenario", type=PATH, default=ROOT / "bench/scenarios/microfinance.yaml")
@click.option("--spawn", is_flag=True, help="Start and stop Sauti and the baseline here.")
@click.option("--baseline-only", is_flag=True, help="Run the baseline phase only.")
@click.option("--app", "app_spec", default="app:create_app()", help="Gunicorn app for Sauti.")
@click.option("--redis-url", default="redis://127.0.0.1:6379/12", help="For spawned servers.")
@click.option("--prepare", default="flask --app manage db upgrade && flask --app manage seed")
@click.option("--json", "json_path", type=PATH, help="Also write the figures here as JSON.")
@click.option(
    "--surveys",
    is_flag=True,
    help="With --spawn: a 10- and a 200-question survey in alternating rounds, then the baseline.",
)
@click.option(
    "--rounds",
    type=click.IntRange(1, 100),
    help=f"With --surveys: rounds per survey of --duration/ROUNDS s each [{SURVEY_ROUNDS}].",
)
@click.option(
    "--max-hop-cost-ratio",
    type=click.FloatRange(1.0),
    default=1.2,
    help="With --surveys: the most a 200-question hop's p50 may cost over a 10-question one's.",
)
def main(
    url: str | None,
    baseline_url: str | None,
    users: int,
    duration: float,
    max_sessions: int,
    scenario: Path,
    spawn: bool,
    baseline_only: bool,
    app_spec: str,
    redis_url: str,
    prepare: str,
    json_path: Path | None,
    surveys: bool,
    rounds: int | None,
    max_hop_cost_ratio: float,
) -> None:
    """Walk complete USSD sessions against Sauti and, optionally, the baseline; report hops/s.

    Each phase runs --users processes for --duration seconds or --max-sessions sessions.
    --prepare is a shell command run before a spawned Sauti starts. --surveys replaces
    --scenario with generated surveys of 10 and 200 questions, run on the same server in
    --rounds alternating rounds of --duration/--rounds seconds each (10, 200, 10, 200, ...),
    each survey's rounds pooled into its figures; the baseline phase follows. Exits 1 if
    any check failed (with --surveys, also when the hop cost ratio exceeds
    --max-hop-cost-ratio).
    """
    _check_options(url, baseline_url, spawn, baseline_only, surveys, rounds)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind, so servers are stopped
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sauti-bench-")))
        env = spawn_env(redis_url, tmp) if spawn else {}
        engine = survey_scenarios(tmp, env) if surveys else [("engine", _load(scenario))]
        if spawn:
            sauti_app = None if baseline_only else app_spec
            url, baseline_url = start_servers(stack, sauti_app, prepare, env, tmp)
        bounds = (duration, max_sessions, surveys)
        runs = [Phase(name, url, walks, True, *bounds) for name, walks in engine]
        rounds = (rounds or SURVEY_ROUNDS) if surveys else 1
        phases = [] if baseline_only else run_rounds(runs, users, rounds)
        if baseline_url:  # every journey the engine phases walk, so it sees the same hops
            walks = replace(engine[0][1], journeys=sum((s.journeys for _, s in engine), ()))
            phases += run_rounds([Phase("baseline", baseline_url, walks, False, *bounds)], users, 1)
    figures = report(phases)
    if surveys:
        figures.update(report_surveys(phases, max_hop_cost_ratio))
    if json_path:
        json_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if any(phase["errors"] for phase in phases):
        sys.exit(1)  # so CI notices a run with failed checks
    if surveys and not figures["hop_cost_within_limit"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
