"""API latency on a seeded workspace, against gunicorn, next to the same SQL through plain psycopg.

    .venv/bin/python bench/api.py                 (full size; also run by `make bench`)
    .venv/bin/python bench/api.py --scale 0.1     (a tenth of the rows: a quick run)

What it does, start to finish:

1. Its own state, as bench/signup.py (whose helpers it uses): a fresh GUANXI_DATA_DIR under /tmp with
   the embedded PostgreSQL, or the database `guanxi_bench` when DATABASE_URL is set; `guanxi migrate`.
2. One workspace `bench` through the signup service, with a manager and five sales people (role
   member) in one team, then `guanxi seed --workspace bench` in a subprocess: 100k accounts, 200k
   contacts, 50k deals and 500k activities at `--scale 1` (owners spread over the seven users, 5 % of
   the accounts in the public pool). Then VACUUM ANALYZE of the seeded tables (what autovacuum does in
   a database that has been up a while: visibility map and statistics).
3. gunicorn (`guanxi.wsgi`, 2 sync workers — one per CPU, the shipped configuration; `--threads N>1`
   switches to gthread workers with keep-alive) on 127.0.0.1 and one API token per user from
   POST /api/v1/auth/token.
4. Each endpoint runs as a member (the scoped queries: the realistic case; the requests rotate over the
   five members and their own accounts) and as the owner (unscoped, for comparison):
     list          GET  /api/v1/accounts                       first page (50, newest first)
     filter        GET  /api/v1/accounts?owner=<id>&level=A    first page
     search_phone  GET  /api/v1/accounts?q=<the last 4 digits of a phone, those its mask shows>
     search_name   GET  /api/v1/accounts?q=<2 Chinese characters, e.g. 示例>
     detail        GET  /api/v1/accounts/<id>
     overview      GET  /api/v1/accounts/<id>/overview         (the 360 view)
     deal_create   POST /api/v1/deals
   at concurrency 1 and 8 (a thread pool, one keep-alive http.client connection per thread), for
   `--duration` seconds each after a short warm-up; p50/p95 (nearest rank) and requests per second.
5. The equivalent SQL: every request case is first sent once in-process (django.test.Client with the
   same token and host) under CaptureQueriesContext, so the statements are exactly those Django sends
   for that request — not hand-written. They are replayed through plain psycopg (one connection per
   thread, search_path set to the workspace schema, no prepared statements, rows fetched) at the same
   concurrency:
     sql   the statements on the records (scoped selects, inserts of the write path);
     all   every statement of the request, also authentication (token, user), team lookups, the audit
           entry of a read and savepoints — what the database must do at the least for that request.
   The ratio API p50 / SQL p50 is the price of HTTP, Django and DRF around the queries. For each
   endpoint the slowest statement is run once more with EXPLAIN (ANALYZE, BUFFERS) into the JSON.
6. Prints a markdown table and writes everything to bench/results/api-<time>.json. Timings are
   reported, never asserted; the verdict column compares p95 with the targets (list, filter and detail
   ≤ 50 ms; overview and search ≤ 150 ms).

Everything is bounded in time (--deadline) and every process it started is stopped on exit.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from signup import (
    BIN_DIR,
    PASSWORD,
    REPO,
    RESULTS_DIR,
    BenchError,
    Server,
    cleanup,
    database_version,
    log,
    machine_description,
    percentile,
    prepare_environment,
    run_migrate,
    source_revision,
    start_bounded_run,
    use_this_checkout,
)
from signup import http as signup_http

WORKSPACE = "bench"
HOST = f"{WORKSPACE}.localhost"
FULL_SIZE = {"accounts": 100_000, "contacts": 200_000, "deals": 50_000, "activities": 500_000}
MEMBERS = 5
ROLES = ("member", "owner")
# (key, what, target p95 in ms or None)
ENDPOINTS = [
    ("list", "account list, first page", 50.0),
    ("filter", "account list ?owner=&level=A", 50.0),
    ("search_phone", "search ?q=<last 4 phone digits>", 150.0),
    ("search_name", "search ?q=<2 Chinese chars>", 150.0),
    ("detail", "account detail", 50.0),
    ("overview", "account overview (360)", 150.0),
    ("deal_create", "deal create (POST)", None),
]
# what each statement a request runs is for; all but "records" and "transaction" are framework
CATEGORIES = [
    ("search_path", re.compile(r"^\s*SET search_path", re.IGNORECASE)),  # django-tenants, before each query
    ("tenant", re.compile(r'FROM "?tenants_(domain|tenant)\b')),  # which workspace a host is
    ("auth", re.compile(r'(FROM|INTO|UPDATE) "?users_(apitoken|user)\b')),  # token, user, owner checks
    ("config", re.compile(r'FROM "?customization_configversion\b')),  # the configuration version in force
    ("team", re.compile(r'FROM "access_team')),
    ("audit", re.compile(r'INTO "audit_entry"')),  # the audit entry of a read or a write
    ("transaction", re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)", re.IGNORECASE)),
]
FRAMEWORK = {"search_path", "tenant", "auth", "config", "team", "audit"}


def category(statement: str) -> str:
    return next((name for name, pattern in CATEGORIES if pattern.search(statement)), "records")


@dataclass
class Case:
    """One request: who, what; and the SQL it ran when sent in-process."""

    user: str
    token: str
    method: str
    path: str
    body: dict | None = None
    expect_id: int | None = None  # an account the answer must contain (search sanity check)
    sql: list[str] = field(default_factory=list)
    all_sql: list[str] = field(default_factory=list)
    rows: int | None = None


# --- set-up: workspace, users, seed -------------------------------------------------------------------

def create_workspace() -> dict[str, Any]:
    """The workspace, its owner, a manager and five members in one team (in-process, real services)."""
    from django.db import connections
    from django_tenants.utils import schema_context

    from core.access.services import team_save
    from core.users.roles import Role
    from core.users.services import user_create
    from tenants.services import tenant_signup

    result = tenant_signup(company_name="压测贸易有限公司", workspace=WORKSPACE, name="Bench Owner",
                           email="owner@bench.test", password=PASSWORD, language="zh-hans")
    users = {"owner": {"email": "owner@bench.test", "id": result.owner.pk, "role": Role.OWNER}}
    with schema_context(result.tenant.schema_name):
        owner = result.owner
        manager = user_create(actor=owner, email="manager@bench.test", name="销售经理", role=Role.MANAGER,
                              password=PASSWORD)
        users["manager"] = {"email": manager.email, "id": manager.pk, "role": Role.MANAGER}
        member_ids = []
        for n in range(1, MEMBERS + 1):
            member = user_create(actor=owner, email=f"sales{n}@bench.test", name=f"销售{n}", role=Role.MEMBER,
                                 password=PASSWORD)
            users[f"member{n}"] = {"email": member.email, "id": member.pk, "role": Role.MEMBER}
            member_ids.append(member.pk)
        team_save(actor=owner, name="华东销售部", manager_id=manager.pk, member_ids=member_ids)
    connections.close_all()
    return {"schema": result.tenant.schema_name, "users": users}


def seed_workspace(counts: dict[str, int], timeout: float) -> float:
    command = [str(BIN_DIR / "guanxi"), "seed", "--workspace", WORKSPACE,
               *[arg for what, n in counts.items() for arg in (f"--{what}", str(n))]]
    log("  " + " ".join(command[1:]))
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, env=dict(os.environ), capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise BenchError(f"`guanxi seed` failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    log("  " + result.stdout.strip().splitlines()[-1])
    return time.perf_counter() - started


SEEDED_TABLES = ("records_account", "records_contact", "records_deal", "activities_activity")


def vacuum_analyze(schema: str) -> float:
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        for table in SEEDED_TABLES:
            conn.execute(f'VACUUM (ANALYZE) "{schema}"."{table}"')
    return time.perf_counter() - started


def commit_latency(samples: int = 30) -> dict[str, float]:
    """One-row INSERTs in autocommit: each waits for its WAL flush (fsync) — the floor of any write.

    On a disk shared with other work this is what moves first; the writes' tails follow it.
    """
    import psycopg

    timings = []
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS public.bench_commit_probe (id bigserial PRIMARY KEY, "
                     "at timestamptz NOT NULL DEFAULT now())")
        for _ in range(samples):
            started = time.perf_counter()
            conn.execute("INSERT INTO public.bench_commit_probe DEFAULT VALUES")
            timings.append((time.perf_counter() - started) * 1000)
        conn.execute("DROP TABLE public.bench_commit_probe")
    return {"p50": round(percentile(timings, 0.5), 2), "p95": round(percentile(timings, 0.95), 2),
            "max": round(max(timings), 2)}


def table_sizes(schema: str) -> dict[str, Any]:
    import psycopg

    sizes = {}
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        for table in SEEDED_TABLES:
            name = f'"{schema}"."{table}"'
            rows = conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            table_mb, index_mb = conn.execute(
                f"SELECT pg_table_size('{name}'), pg_indexes_size('{name}')").fetchone()
            sizes[table] = {"rows": rows, "table_mb": round(table_mb / 2**20, 1),
                            "indexes_mb": round(index_mb / 2**20, 1)}
    return sizes


# --- the request cases -------------------------------------------------------------------------------

def _phone_tail(phone: str) -> str:
    """The digits a masked number shows (5678 of 138****5678): the only fragment a phone search matches."""
    return re.sub(r"\D", "", phone)[-4:]


def build_cases(users: dict[str, Any], tokens: dict[str, str], per_endpoint: int,
                schema: str) -> dict[tuple[str, str], list[Case]]:
    """Request cases per (endpoint, role): members use their own accounts, the owner any account."""
    from django_tenants.utils import schema_context

    from core.records.models import Account
    from core.records.seeding import WORDS

    rng = random.Random(2026)
    members = [name for name in users if name.startswith("member")]
    with schema_context(schema):
        all_ids = list(Account.objects.filter(merged_into__isnull=True).values_list("id", flat=True))
        own_ids = {name: list(Account.objects.filter(owner_id=users[name]["id"], merged_into__isnull=True)
                              .values_list("id", flat=True)) for name in members}
        picks: dict[str, list[int]] = {name: rng.sample(own_ids[name], min(per_endpoint, len(own_ids[name])))
                                       for name in members}
        picks["owner"] = rng.sample(all_ids, min(per_endpoint, len(all_ids)))
        wanted = {pk for ids in picks.values() for pk in ids}
        phones = {account.pk: account.phones[0] for account in Account.objects.filter(pk__in=wanted)
                  if account.phones}
    cases: dict[tuple[str, str], list[Case]] = {}
    for role in ROLES:
        for endpoint, _what, _target in ENDPOINTS:
            batch = []
            for i in range(per_endpoint):
                user = members[i % len(members)] if role == "member" else "owner"
                ids = picks[user]
                account_id = ids[(i // (len(members) if role == "member" else 1)) % len(ids)]
                case = Case(user=user, token=tokens[user], method="GET", path="/api/v1/accounts")
                if endpoint == "filter":
                    owner_id = users[user]["id"] if role == "member" else users[members[i % len(members)]]["id"]
                    case.path = f"/api/v1/accounts?owner={owner_id}&level=A"
                elif endpoint == "search_phone":
                    case.path = f"/api/v1/accounts?q={_phone_tail(phones[account_id])}"
                    case.expect_id = account_id
                elif endpoint == "search_name":
                    case.path = "/api/v1/accounts?q=" + urlquote(WORDS[i % len(WORDS)])
                elif endpoint == "detail":
                    case.path = f"/api/v1/accounts/{account_id}"
                elif endpoint == "overview":
                    case.path = f"/api/v1/accounts/{account_id}/overview"
                elif endpoint == "deal_create":
                    case.method, case.path = "POST", "/api/v1/deals"
                    case.body = {"name": f"压测商机 {i}", "account": account_id, "amount": "88000"}
                batch.append(case)
            cases[(endpoint, role)] = batch
    return cases


def urlquote(text: str) -> str:
    import urllib.parse

    return urllib.parse.quote(text)


def capture_sql(cases: dict[tuple[str, str], list[Case]]) -> None:
    """Send every case once in-process and keep the statements Django ran for it."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    for (endpoint, role), batch in cases.items():
        for case in batch:
            body = json.dumps(case.body) if case.body is not None else ""
            with CaptureQueriesContext(connection) as captured:
                response = client.generic(case.method, case.path, data=body, content_type="application/json",
                                          HTTP_AUTHORIZATION=f"Bearer {case.token}")
            if response.status_code not in (200, 201):
                raise BenchError(f"{endpoint} as {role}: {case.method} {case.path} answered "
                                 f"{response.status_code}: {response.content[:300]!r}")
            payload = response.json()
            if isinstance(payload, dict) and isinstance(payload.get("results"), list):
                case.rows = len(payload["results"])
                if case.expect_id is not None and case.expect_id not in {r["id"] for r in payload["results"]}:
                    raise BenchError(f"{endpoint}: {case.path} did not find account {case.expect_id}")
            elif endpoint == "overview":
                case.rows = len(payload["activities"])
            case.all_sql = [q["sql"] for q in captured.captured_queries]
            case.sql = [s for s in case.all_sql if category(s) not in FRAMEWORK]


# --- measuring ---------------------------------------------------------------------------------------

class KeepAliveClient:
    """An HTTP/1.1 connection, kept open when the server allows it (gthread workers; sync workers close it)."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def request(self, case: Case) -> int:
        body = json.dumps(case.body).encode() if case.body is not None else None
        headers = {"Host": HOST, "Accept": "application/json", "Authorization": f"Bearer {case.token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(case.method, case.path, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
                if response.will_close:
                    self.close()
                return response.status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()  # the server closed an idle keep-alive connection: reconnect once
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class SqlClient:
    """Plain psycopg on the workspace schema (search_path set once per connection)."""

    def __init__(self, schema: str):
        import psycopg

        self.conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True, prepare_threshold=None)
        self.conn.execute(f'SET search_path = "{schema}", public')
        self.timings: list[tuple[int, float]] | None = None  # (statement index, ms) when asked

    def run(self, statements: list[str]) -> None:
        """The statements as captured, BEGIN/COMMIT of the write path included, in autocommit mode."""
        try:
            self._execute(statements)
        except Exception:
            if self.conn.info.transaction_status != self.conn.info.transaction_status.IDLE:
                self.conn.execute("ROLLBACK")
            raise

    def _execute(self, statements: list[str]) -> None:
        with self.conn.cursor() as cursor:
            for index, statement in enumerate(statements):
                started = time.perf_counter()
                cursor.execute(statement)
                if cursor.description is not None:
                    cursor.fetchall()
                if self.timings is not None:
                    self.timings.append((index, (time.perf_counter() - started) * 1000))

    def close(self) -> None:
        self.conn.close()


class CpuMeter:
    """CPU time used by process trees (gunicorn: master and workers; PostgreSQL: postmaster and backends).

    Read from /proc, so it does not depend on what else runs on the machine: on a shared box the
    latencies do, the CPU milliseconds per request much less.
    """

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, roots: dict[str, int]):
        self.roots = roots

    @staticmethod
    def _stat(pid: int) -> tuple[int, int] | None:
        """(parent pid, utime + stime in ticks)."""
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return int(fields[1]), int(fields[11]) + int(fields[12])

    def snapshot(self) -> dict[str, dict[int, int]]:
        stats = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (stat := self._stat(int(entry.name))) is not None:
                stats[int(entry.name)] = stat
        return {name: {pid: ticks for pid, (ppid, ticks) in stats.items() if pid == root or ppid == root}
                for name, root in self.roots.items()}

    def used_ms(self, before: dict[str, dict[int, int]], after: dict[str, dict[int, int]]) -> dict[str, float]:
        return {name: sum(ticks - before[name].get(pid, 0) for pid, ticks in after[name].items())
                * 1000 / self.TICK for name in self.roots}


def postmaster_pid(data_dir: Path) -> int | None:
    """The embedded server's postmaster (none when DATABASE_URL points elsewhere)."""
    try:
        return int((data_dir / "pg" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def timed_run(make_client, call, cases: list[Case], concurrency: int, duration: float,
              warmup: float, meter: CpuMeter | None = None) -> dict[str, Any]:
    """Each of `concurrency` threads sends cases back to back for `duration` seconds (after a warm-up)."""
    clients = [make_client() for _ in range(concurrency)]
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []

    def loop(index: int, seconds: float, record: bool, barrier: threading.Barrier) -> None:
        client, mine, bad = clients[index], [], []
        position = index * 7
        barrier.wait()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            case = cases[position % len(cases)]
            position += 1
            started = time.perf_counter()
            try:
                outcome = call(client, case)
            except Exception as error:
                outcome = f"{type(error).__name__}: {error}"
            mine.append((time.perf_counter() - started) * 1000)
            if outcome is not None:
                bad.append(str(outcome))
        if record:
            with lock:
                latencies.extend(mine)
                failures.extend(bad)

    try:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for seconds, record in ((warmup, False), (duration, True)):
                barrier = threading.Barrier(concurrency + 1)
                futures = [pool.submit(loop, i, seconds, record, barrier) for i in range(concurrency)]
                cpu_before = meter.snapshot() if meter and record else None
                load_before = os.getloadavg()[0]
                barrier.wait()
                started = time.perf_counter()
                for future in futures:
                    future.result()
                wall = time.perf_counter() - started
                cpu_after = meter.snapshot() if meter and record else None
    finally:
        for client in clients:
            client.close()
    result = {"n": len(latencies), "errors": len(failures), "first_error": failures[0] if failures else None,
              "p50": round(percentile(latencies, 0.50), 2), "p95": round(percentile(latencies, 0.95), 2),
              "max": round(max(latencies), 2), "rps": round(len(latencies) / wall, 1),
              "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]}
    if meter and cpu_before is not None and cpu_after is not None and latencies:
        used = meter.used_ms(cpu_before, cpu_after)
        result["cpu_ms_per_request"] = {name: round(ms / len(latencies), 2) for name, ms in used.items()}
        result["cpu_busy_of_machine"] = round(sum(used.values()) / (wall * 1000 * (os.cpu_count() or 1)), 2)
    return result


def api_call(client: KeepAliveClient, case: Case) -> str | None:
    status = client.request(case)
    return None if status in (200, 201) else f"HTTP {status}"


def measure_api(port: int, cases: list[Case], concurrency: int, duration: float, warmup: float,
                meter: CpuMeter) -> dict:
    return timed_run(lambda: KeepAliveClient(port), api_call, cases, concurrency, duration, warmup, meter)


def measure_sql(schema: str, cases: list[Case], concurrency: int, duration: float, warmup: float,
                which: str, meter: CpuMeter) -> dict:
    def call(client: SqlClient, case: Case) -> None:
        client.run(case.sql if which == "sql" else case.all_sql)

    return timed_run(lambda: SqlClient(schema), call, cases, concurrency, duration, warmup, meter)


def statement_profile(schema: str, cases: list[Case], rounds: int = 3) -> dict[str, Any]:
    """Where the database time of one request goes (mean ms per category, every statement replayed at
    concurrency 1), and the slowest records statement with its EXPLAIN (ANALYZE, BUFFERS)."""
    client = SqlClient(schema)
    try:
        per_category: dict[str, float] = {}
        per_statement: dict[tuple[int, int], list[float]] = {}
        for _ in range(rounds):
            for number, case in enumerate(cases):
                client.timings = []
                client.run(case.all_sql)
                for index, ms in client.timings:
                    kind = category(case.all_sql[index])
                    per_category[kind] = per_category.get(kind, 0.0) + ms
                    if kind == "records":
                        per_statement.setdefault((number, index), []).append(ms)
        runs = rounds * len(cases)
        profile: dict[str, Any] = {"mean_ms_per_request": {k: round(v / runs, 3) for k, v in
                                                           sorted(per_category.items(), key=lambda kv: -kv[1])},
                                   "statements_per_request": {}}
        for case in cases[:1]:
            for statement in case.all_sql:
                kind = category(statement)
                profile["statements_per_request"][kind] = profile["statements_per_request"].get(kind, 0) + 1
        # the records statements of the first case, in order: which of them carry the cost
        profile["records_statements_of_first_case"] = [
            {"mean_ms": round(sum(samples) / len(samples), 3), "sql_head": " ".join(cases[0].all_sql[index].split())[:160]}
            for (number, index), samples in sorted(per_statement.items()) if number == 0]
        if per_statement:
            (number, index), samples = max(per_statement.items(), key=lambda kv: sum(kv[1]) / len(kv[1]))
            statement = cases[number].all_sql[index]
            slowest: dict[str, Any] = {"mean_ms": round(sum(samples) / len(samples), 3),
                                       "path": cases[number].path, "sql": statement[:6000]}
            if statement.lstrip().upper().startswith("SELECT"):
                with client.conn.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
                    slowest["plan"] = [row[0] for row in cursor.fetchall()]
            profile["slowest_records_statement"] = slowest
        return profile
    finally:
        client.close()


def obtain_tokens(port: int, users: dict[str, Any]) -> dict[str, str]:
    tokens = {}
    for name, user in users.items():
        status, body = signup_http(port, "POST", "/api/v1/auth/token", HOST,
                            {"email": user["email"], "password": PASSWORD, "name": "bench"})
        if status != 201:
            raise BenchError(f"token for {user['email']}: HTTP {status} {body}")
        tokens[name] = body["token"]
    return tokens


# --- main -------------------------------------------------------------------------------------------

def verdict(p95: float, target: float | None) -> str:
    if target is None:
        return "—"
    return "ok" if p95 <= target else "MISS"


def print_table(rows: list[dict[str, Any]]) -> None:
    print("| endpoint | as | c | req/s | API p50 | API p95 | SQL p50 | SQL p95 | API/SQL p50 | all-SQL p50 "
          "| stmts sql/all | CPU ms/req app + db | load | target p95 | |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    for row in rows:
        api, sql, every = row["api"], row["sql"], row["all_sql"]
        ratio = api["p50"] / sql["p50"] if sql["p50"] else float("nan")
        target = f"{row['target_p95_ms']:.0f} ms" if row["target_p95_ms"] else "—"
        cpu = api.get("cpu_ms_per_request", {})
        cpu_text = " + ".join(f"{cpu[k]:.1f}" for k in ("app", "db") if k in cpu) or "—"
        print(f"| {row['endpoint']} | {row['role']} | {row['concurrency']} | {api['rps']:.0f} "
              f"| {api['p50']:.1f} | {api['p95']:.1f} | {sql['p50']:.2f} | {sql['p95']:.2f} | {ratio:.1f}× "
              f"| {every['p50']:.2f} | {row['statements']['sql']}/{row['statements']['all']} | {cpu_text} "
              f"| {max(api['load_average_1min']):.1f} | {target} | {row['verdict']} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of 100k accounts / 200k contacts / 50k deals / 500k activities (default 1)")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per API measurement (default 8)")
    parser.add_argument("--sql-duration", type=float, default=3.0, help="seconds per SQL measurement (default 3)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unrecorded seconds before each measurement")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated client threads (default 1,8)")
    parser.add_argument("--cases", type=int, default=25, help="distinct requests per endpoint and role")
    parser.add_argument("--endpoints", default=",".join(e[0] for e in ENDPOINTS), help="which to measure")
    parser.add_argument("--roles", default=",".join(ROLES), help="member, owner or both (default both)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker (default 1: sync workers; more: gthread)")
    parser.add_argument("--deadline", type=int, default=1800, help="give up after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the data folder / bench database")
    args = parser.parse_args()
    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    endpoints = [e for e in ENDPOINTS if e[0] in args.endpoints.split(",")]
    roles = [r for r in ROLES if r in args.roles.split(",")]
    counts = {what: max(1, round(n * args.scale)) for what, n in FULL_SIZE.items()}

    data_dir = start_bounded_run(args.deadline, "guanxi-bench-api-")
    external_db = bool(os.environ.get("DATABASE_URL"))
    server: Server | None = None
    started_at = datetime.now(UTC)
    run_started = time.perf_counter()
    try:
        database_kind = prepare_environment(data_dir)
        os.environ["LOG_LEVEL"] = "ERROR"  # one warning line per 4xx would be measured too
        log(f"data folder {data_dir}; database: {database_kind}; scale {args.scale}: {counts}")
        use_this_checkout()
        import django

        django.setup()
        pg_version = database_version()
        migrate_seconds = run_migrate(timeout=600)
        log(f"PostgreSQL {pg_version}; `guanxi migrate` took {migrate_seconds:.1f}s")

        workspace = create_workspace()
        schema, users = workspace["schema"], workspace["users"]
        log(f"workspace {WORKSPACE} (schema {schema}) with {len(users)} users")
        seed_seconds = seed_workspace(counts, timeout=1200)
        vacuum_seconds = vacuum_analyze(schema)
        sizes = table_sizes(schema)
        log(f"seeded in {seed_seconds:.0f}s; VACUUM ANALYZE {vacuum_seconds:.0f}s; "
            + ", ".join(f"{t} {s['rows']} rows {s['table_mb'] + s['indexes_mb']:.0f} MB" for t, s in sizes.items()))

        server = Server(data_dir, args.workers)
        server.command += ["--threads", str(args.threads), "--keep-alive", "5"]
        server.start(timeout=90)
        log(f"gunicorn ready on 127.0.0.1:{server.port} ({args.workers} workers × {args.threads} threads, "
            f"{'gthread' if args.threads > 1 else 'sync'})")
        tokens = obtain_tokens(server.port, users)

        cases = build_cases(users, tokens, args.cases, schema)
        capture_sql(cases)
        from django.db import connections

        connections.close_all()
        log(f"captured the SQL of {sum(len(b) for b in cases.values())} request cases")

        roots = {"app": server.process.pid}
        if (postmaster := postmaster_pid(data_dir)) is not None:
            roots["db"] = postmaster
        meter, db_meter = CpuMeter(roots), CpuMeter({k: v for k, v in roots.items() if k == "db"})
        commit_before = commit_latency()
        log(f"commit (WAL flush) latency before: {commit_before}")
        rows = []
        for endpoint, what, target in endpoints:
            for role in roles:
                batch = cases[(endpoint, role)]
                statements = {"sql": round(sum(len(c.sql) for c in batch) / len(batch), 1),
                              "all": round(sum(len(c.all_sql) for c in batch) / len(batch), 1)}
                for concurrency in concurrencies:
                    api = measure_api(server.port, batch, concurrency, args.duration, args.warmup, meter)
                    sql = measure_sql(schema, batch, concurrency, args.sql_duration, args.warmup / 2, "sql", db_meter)
                    every = measure_sql(schema, batch, concurrency, args.sql_duration, args.warmup / 2, "all",
                                        db_meter)
                    row = {"endpoint": endpoint, "what": what, "role": role, "concurrency": concurrency,
                           "api": api, "sql": sql, "all_sql": every, "statements": statements,
                           "target_p95_ms": target, "verdict": verdict(api["p95"], target),
                           "rows_returned_mean": _mean([c.rows for c in batch if c.rows is not None])}
                    rows.append(row)
                    errors = f"; {api['errors']} errors, e.g. {api['first_error']}" if api["errors"] else ""
                    errors += "".join(f"; {m['errors']} SQL errors, e.g. {m['first_error']}"
                                      for m in (sql, every) if m["errors"])
                    cpu = api.get("cpu_ms_per_request", {})
                    log(f"{endpoint:12} {role:6} c={concurrency}: API p50 {api['p50']:6.1f} p95 {api['p95']:6.1f} ms "
                        f"{api['rps']:6.1f} req/s | SQL p50 {sql['p50']:6.2f} p95 {sql['p95']:6.2f} | "
                        f"all-SQL p50 {every['p50']:6.2f} ms | CPU/req {cpu} | load {api['load_average_1min']}"
                        f"{errors}")
        commit_after = commit_latency()
        log(f"commit (WAL flush) latency after: {commit_after}")
        profiles = {f"{endpoint}/{role}": statement_profile(schema, cases[(endpoint, role)][:10])
                    for endpoint, _what, _target in endpoints for role in roles}

        machine = {**machine_description(), "postgresql": pg_version}
        result = {
            "benchmark": "API latency on a seeded workspace vs. the same SQL through psycopg",
            "started_at": started_at.isoformat(timespec="seconds"),
            "source": source_revision(),
            "machine": machine,
            "database": database_kind,
            "scale": args.scale,
            "seeded": counts,
            "table_sizes": sizes,
            "seed_seconds": round(seed_seconds, 1),
            "vacuum_analyze_seconds": round(vacuum_seconds, 1),
            "server": f"gunicorn guanxi.wsgi --workers {args.workers} --threads {args.threads} "
                      f"({'gthread, keep-alive' if args.threads > 1 else 'sync'}), 127.0.0.1, GUANXI_DEBUG=false, "
                      "LOG_LEVEL=ERROR",
            "client": "ThreadPoolExecutor, one keep-alive http.client connection per thread, in the same machine",
            "sql_client": "psycopg 3, one connection per thread, autocommit (writes in a transaction), "
                          "no prepared statements, rows fetched; statements captured in-process per request case",
            "duration_s": args.duration, "sql_duration_s": args.sql_duration, "warmup_s": args.warmup,
            "cases_per_endpoint": args.cases,
            "percentiles": "nearest rank",
            "commit_latency_ms": {"before": commit_before, "after": commit_after},
            "users": {name: {"id": u["id"], "role": u["role"]} for name, u in users.items()},
            "results": rows,
            "statement_profiles": profiles,
            "example_sql": {f"{e}/{r}": {"path": batch[0].path, "sql": batch[0].sql, "all": batch[0].all_sql}
                            for (e, r), batch in cases.items()},
            "total_seconds": round(time.perf_counter() - run_started, 1),
        }
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"api-{started_at.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:4]}.json"
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")

        print()
        print("Guanxi API benchmark — gunicorn vs. the same SQL through psycopg (ms; p50/p95 nearest rank)")
        print(f"source: {result['source']}; scale {args.scale}: " + ", ".join(f"{n} {w}" for w, n in counts.items()))
        print(f"machine: {machine['nproc']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB, "
              f"Python {machine['python']}, PostgreSQL {pg_version} ({database_kind})")
        print(f"server: {result['server']}; {args.duration:g} s per API measurement, "
              f"{args.sql_duration:g} s per SQL one")
        print(f"commit (WAL flush) latency, ms p50/p95/max: before {commit_before['p50']}/{commit_before['p95']}/"
              f"{commit_before['max']}, after {commit_after['p50']}/{commit_after['p95']}/{commit_after['max']}; "
              f"load average (1 min) during the API runs: "
              f"{min(min(r['api']['load_average_1min']) for r in rows):.1f}–"
              f"{max(max(r['api']['load_average_1min']) for r in rows):.1f} on {machine['nproc']} CPUs")
        print()
        print_table(rows)
        print()
        print("Database time per request by kind of statement, and the slowest records statement "
              "(ms, mean of 10 cases × 3 replayed at concurrency 1):")
        for key, profile in profiles.items():
            parts = ", ".join(f"{kind} {ms:.2f} ({profile['statements_per_request'].get(kind, 0)})"
                              for kind, ms in profile["mean_ms_per_request"].items())
            print(f"  {key:20} {parts}")
            slowest = profile.get("slowest_records_statement")
            if slowest:
                print(f"  {'':20}   slowest {slowest['mean_ms']:.2f} ms: {' '.join(slowest['sql'].split())[:140]}")
        misses = [r for r in rows if r["verdict"] == "MISS"]
        print()
        print(f"targets: {len(rows) - len(misses) - sum(r['target_p95_ms'] is None for r in rows)} met, "
              f"{len(misses)} missed" + (": " + ", ".join(f"{r['endpoint']}/{r['role']}/c={r['concurrency']}"
                                                           for r in misses) if misses else ""))
        print(f"results: {out.relative_to(REPO)} (plans of the slowest statements included); "
              f"{result['total_seconds']:.0f} s in all")
        return 0
    except (BenchError, subprocess.TimeoutExpired) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        if server is not None:
            print(server.log_tail(), file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        if server is not None:
            server.stop()
        cleanup(data_dir, external_db=external_db, keep=args.keep)


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


if __name__ == "__main__":
    sys.exit(main())
