"""Settings read from the environment that need more than a type: checked here, as pure
functions, so a mistake in the environment is one clear line rather than a traceback
from deep inside Django (manage.py prints a ConfigError alone)."""

from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

# The database engines the CRM runs on (psycopg for PostgreSQL; SQLite for development).
SUPPORTED_ENGINES = ("django.db.backends.postgresql", "django.db.backends.sqlite3")
DATABASE_URL_EXAMPLE = "postgres://user:password@host:5432/name or sqlite:////absolute/path.sqlite3"


class ConfigError(ImproperlyConfigured):
    """A setting in the environment is wrong; the message says which and how to fix it."""


def database_config(url: str, variable: str = "DATABASE_URL") -> dict:
    """Django's DATABASES entry for ``url`` (``variable``, DATABASE_URL by default), or a
    ConfigError naming the mistake. The password is never repeated in the message."""
    scheme = urlsplit(url).scheme if "://" in url else ""
    if not scheme:
        raise ConfigError(
            f"{variable} is malformed: it does not start with a scheme (expected {DATABASE_URL_EXAMPLE})."
        )
    engine = environ.Env.DB_SCHEMES.get(scheme)
    if engine not in SUPPORTED_ENGINES:
        raise ConfigError(
            f"{variable} is malformed: '{scheme}://' is not a database the CRM runs on "
            f"(expected {DATABASE_URL_EXAMPLE})."
        )
    try:
        config = environ.Env.db_url_config(url)
    except ValueError as error:  # e.g. a port out of range
        raise ConfigError(f"{variable} is malformed: {error} (expected {DATABASE_URL_EXAMPLE}).") from None
    if not config.get("NAME"):
        raise ConfigError(f"{variable} is malformed: it names no database (expected {DATABASE_URL_EXAMPLE}).")
    return config


# What a connection through PgBouncer in transaction mode must not rely on: settings sent at
# start-up (``options``: -c work_mem=...; set them on the role instead, ALTER ROLE ... SET)
# and prepared statements (psycopg 3 prepares a query run often; the next transaction may
# run on another server connection, which does not know it).
PGBOUNCER_REFUSED_OPTIONS = ("options",)


def pgbouncer_options(options: dict) -> dict:
    """The connection OPTIONS for PostgreSQL behind PgBouncer in transaction mode (CRM_PGBOUNCER)."""
    kept = {key: value for key, value in options.items() if key not in PGBOUNCER_REFUSED_OPTIONS}
    return {**kept, "prepare_threshold": None}


# A replica's entry copies these from the primary's (DATABASE_URL's) entry.
REPLICA_COPIED = ("ATOMIC_REQUESTS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS")


def replica_config(primary: dict, replica: dict) -> dict:
    """The ``replica`` DATABASES entry: DATABASE_REPLICA_URL's server with the primary's
    options (its own URL's options added), and in the tests a mirror of the test database."""
    if replica["ENGINE"] != primary["ENGINE"]:
        raise ConfigError(
            "DATABASE_REPLICA_URL is malformed: the replica must be the same kind of database as DATABASE_URL."
        )
    config = {**replica, **{key: primary[key] for key in REPLICA_COPIED if key in primary}}
    config["OPTIONS"] = {**primary.get("OPTIONS", {}), **replica.get("OPTIONS", {})}
    config["TEST"] = {"MIRROR": "default"}
    return config


def development_base_url(host: str, port: str | int) -> str:
    """Where `make run` serves the app (CRM_HOST, CRM_PORT), as the start of the links in
    e-mails. A server listening on every interface (0.0.0.0, ::) is reached on 127.0.0.1
    from this machine; a phone on the network needs CRM_BASE_URL set to the machine's name."""
    if host in ("", "0.0.0.0", "::", "[::]"):  # noqa: S104 (reading the address, not binding)
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def map_tile_source(template: str) -> str | None:
    """The Content Security Policy source that lets the map's tiles load: the scheme and
    host of CRM_MAP_TILES (a Leaflet URL template), a host label holding a placeholder such
    as ``{s}`` (subdomains) made a wildcard. None without a template (no map)."""
    if not template:
        return None
    parts = urlsplit(template)
    host = parts.netloc.rpartition("@")[2]
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(
            f"CRM_MAP_TILES is malformed: {template!r} is not an http(s) URL template "
            "(expected e.g. https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png)."
        )
    labels = host.split(".")
    wild = ["*" if "{" in label or "}" in label else label for label in labels]
    if "*" in wild[1:]:
        raise ConfigError(f"CRM_MAP_TILES is malformed: only the first label of {host!r} may hold a placeholder.")
    return f"{parts.scheme}://{'.'.join(wild)}"
