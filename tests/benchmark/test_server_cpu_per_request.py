"""The load test's server CPU per request: the gunicorn workers' CPU time over the measured
window (workers alive, and workers that ended and were reaped by the master), ÷ requests."""

import subprocess
import sys
import time

import psutil
import pytest

from bench.loadtest import cpu_ms_per_request, server_cpu_seconds

BURN = "sum(range(20_000_000))"  # about a second of CPU; the amount matters, not the time


def test_cpu_per_request_is_the_window_s_cpu_divided_by_its_requests():
    assert cpu_ms_per_request(12.0, 14.5, 500) == 5.0
    assert cpu_ms_per_request(3.0, 3.0, 0) is None  # no request: no figure, not a division by zero


def test_cpu_per_request_refuses_a_clock_that_went_back():
    with pytest.raises(ValueError):
        cpu_ms_per_request(5.0, 4.0, 10)


def test_server_cpu_counts_live_and_ended_workers_but_not_the_master():
    # A "master" that runs one worker to its end, then starts a second one that stays.
    master_code = (
        "import subprocess, sys\n"
        f"subprocess.run([sys.executable, '-c', {BURN!r}])\n"
        f"live = subprocess.Popen([sys.executable, '-c', {BURN + '; input()'!r}], stdin=subprocess.PIPE)\n"
        "print('started', flush=True)\n"
        "live.wait()\n"
    )
    master = subprocess.Popen(
        [sys.executable, "-c", master_code], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
    )
    try:
        assert master.stdout.readline().strip() == "started"
        (worker,) = psutil.Process(master.pid).children()
        for _ in range(300):  # until the live worker has burnt its CPU and waits for input
            if worker.status() != psutil.STATUS_RUNNING and worker.cpu_times().user > 0.1:
                break
            time.sleep(0.1)
        live = sum(worker.cpu_times()[:2])
        ended = sum(psutil.Process(master.pid).cpu_times()[2:4])
        assert live > 0.1 and ended > 0.1

        total = server_cpu_seconds(master.pid)

        assert total == pytest.approx(live + ended, abs=0.05)
    finally:
        for process in psutil.Process(master.pid).children(recursive=True):
            process.kill()
        master.kill()
        master.wait()
