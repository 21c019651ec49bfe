"""What `make run` checks and remembers before it starts the web server, the worker and the
beat (accounts/management/commands/prepare_dev.py): the port is free, the database
exists, and the demo data is current, so a later start does nothing it need not do."""

import errno
import hashlib
import socket
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def port_problem(host: str, port: int) -> str | None:
    """Why the web server could not listen on host:port, in one line, or None if it can.

    Bound the way Django's runserver binds (SO_REUSEADDR), so a port left in TIME_WAIT
    by the last run counts as free, as it is for the server."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as error:
        return f"Cannot start the web server on {host}:{port}: unknown host ({error.strerror})."
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"Port {port} on {host} is already in use (another `make run`?): stop it, "
                    f"or choose another port, e.g. CRM_PORT={port + 1} make run"
                )
            return f"Cannot start the web server on {host}:{port}: {error.strerror}."
    return None


def demo_sources() -> list[Path]:
    """The code that builds the demo: a change to any of it loads the demo again."""
    return [*sorted(BASE_DIR.glob("*/demo.py")), BASE_DIR / "accounts/management/commands/seed_demo.py"]


def demo_stamp(*, database: str, migrations: list[str], created: str, today: str) -> str:
    """The key the demo data was loaded for: which database (and when its demo admin was
    made, so a database made anew loads it again), its migrations, the demo's code and the
    local day (the demo always has visits today)."""
    digest = hashlib.sha256()
    for part in (database, created, today, *sorted(migrations)):
        digest.update(part.encode() + b"\0")
    for source in demo_sources():
        digest.update(source.read_bytes())
    return digest.hexdigest()
