"""The load test of `bench/run.py --load`: gunicorn (production settings) and locust headless
(bench/locustfile.py), one measured window per page mix.

Its users arrive signed in: their sessions are stored before the clock starts, as Django's
login would have stored them, so the window measures pages, not password hashing (a sign-in
checks a password on purpose slowly, about half a second of CPU). Beside locust's req/s,
p50 and p95, each window reports the server's CPU milliseconds per request: the gunicorn
workers' CPU time over the window ÷ the requests, which compares machines better than req/s
on a shared machine.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Which locust users (bench/locustfile.py) make up each page mix.
MIXES = {"manager": ["Manager"], "supervisor": ["Supervisor"], "mixed": ["Manager", "Supervisor"]}


def signed_in_cookies(user) -> dict[str, str]:
    """The cookies of a browser signed in as ``user``: the session that Django's login stores
    (the user, the backend, the hash that ends it when the password changes), saved without
    checking a password, and a CSRF secret for the forms (accepted as the form's token too)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return {
        settings.SESSION_COOKIE_NAME: session.session_key,
        settings.CSRF_COOKIE_NAME: get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS),
    }


def bench_sessions(users: int) -> dict[str, list[dict]]:
    """Signed-in cookies for up to ``users`` generated managers and as many supervisors."""
    from accounts.models import User

    generated = User.objects.filter(username__startswith="gen_").order_by("username")
    roles = {"manager": User.Role.MANAGER, "supervisor": User.Role.SUPERVISOR}
    return {
        role: [
            {"username": user.username, "cookies": signed_in_cookies(user)}
            for user in generated.filter(role=value, is_active=True)[:users]
        ]
        for role, value in roles.items()
    }


def server_cpu_seconds(master_pid: int) -> float:
    """CPU seconds (user + system) of the gunicorn master's workers: those alive now, and
    those that have ended and been reaped by the master (a worker is recycled after
    ``max_requests``). The master's own time is not the pages'."""
    import psutil

    master = psutil.Process(master_pid)
    total = 0.0
    for worker in master.children(recursive=True):
        try:
            times = worker.cpu_times()
        except psutil.NoSuchProcess:  # ended meanwhile: counted once reaped
            continue
        total += times.user + times.system
    own = master.cpu_times()
    return total + own.children_user + own.children_system


def cpu_ms_per_request(before_s: float, after_s: float, requests: int) -> float | None:
    """Server CPU milliseconds per request over a window, from the CPU seconds at its ends."""
    if after_s < before_s:
        raise ValueError(f"the server's CPU time went back ({before_s} s, then {after_s} s)")
    if not requests:
        return None
    return round((after_s - before_s) * 1000 / requests, 1)


def wait_until_idle(master_pid: int, timeout: float = 60) -> None:
    """Until the workers have booted (imported Django): their CPU time stops growing."""
    deadline = time.monotonic() + timeout
    last = server_cpu_seconds(master_pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = server_cpu_seconds(master_pid)
        if now - last < 0.02:
            return
        last = now


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_load(database_url: str, seconds: int, users: int, mixes: list[str], extra_env: dict) -> dict[str, dict]:
    """gunicorn on 127.0.0.1, then locust headless for ``seconds`` per page mix."""
    sessions = bench_sessions(users)
    with tempfile.NamedTemporaryFile("w", prefix="crm-bench-sessions-", suffix=".json", delete=False) as handle:
        json.dump(sessions, handle)
    port = free_port()
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="crm-bench-static-")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "crm.wsgi"], cwd=ROOT, env=env)
    results = {}
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        wait_until_idle(server.pid)
        for mix in mixes:
            stats = out / f"load-{mix}"
            cpu_before = server_cpu_seconds(server.pid)
            subprocess.run(
                [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                 "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
                 "--csv", str(stats), "--only-summary", "--stop-timeout", "5", "--exit-code-on-error", "0",
                 *MIXES[mix]],
                cwd=ROOT, env={**env, **extra_env, "BENCH_SESSIONS": handle.name}, check=True,
            )  # fmt: skip
            cpu_after = server_cpu_seconds(server.pid)
            with open(f"{stats}_stats.csv", newline="") as table:
                total = next(row for row in csv.DictReader(table) if row["Name"] == "Aggregated")
            requests = int(total["Request Count"])
            results[mix] = {
                "users": users,
                "seconds": seconds,
                "requests": requests,
                "failures": int(total["Failure Count"]),
                "rps": round(float(total["Requests/s"]), 1),
                "p50_ms": float(total["50%"]),
                "p95_ms": float(total["95%"]),
                "server_cpu_s": round(cpu_after - cpu_before, 2),
                "cpu_ms_per_request": cpu_ms_per_request(cpu_before, cpu_after, requests),
            }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        os.unlink(handle.name)
    return results
