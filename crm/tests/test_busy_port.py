"""`make run` checks the port before it migrates or seeds: a busy port is one clear line at
once, not a failure 50 seconds in under the Celery banner."""

import socket

from crm.devstart import port_problem


def test_a_busy_port_is_one_clear_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        problem = port_problem("127.0.0.1", port)
    assert problem is not None and "\n" not in problem
    assert f"Port {port} on 127.0.0.1 is already in use" in problem
    assert f"CRM_PORT={port + 1} make run" in problem


def test_a_free_port_is_no_problem():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert port_problem("127.0.0.1", port) is None


def test_an_unknown_host_says_so():
    assert "unknown host" in port_problem("no-such-host.invalid", 8000)
