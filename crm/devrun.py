"""`make run`'s process manager: honcho (Procfile.dev), with a stop that looks like one.

- On Ctrl+C honcho sends SIGTERM to each process and SIGKILLs whatever still runs 5 s
  later. On the file broker the Celery worker polls: it notices the stop within ~2 s,
  then closes the beat and the connection, and on a busy laptop that passed 5 s, so every
  stop ended in "sending SIGKILL to worker.1". Here the worker gets 20 s (Redis workers
  stop at once, as before; a hung process is still killed).
- honcho exits with 130 after Ctrl+C, which make reports as "Error 130" as if something
  had failed; a stop asked for is a success. make starts this module directly (no shell
  in between that Ctrl+C would kill first, reported as "Interrupt"), so the processes find
  the venv's python and celery on the PATH set here.
"""

import os
import sys

from honcho import manager
from honcho.command import main

STOP_GRACE_SECONDS = 20
INTERRUPTED = 130  # honcho's exit code after SIGINT (128 + 2)


def run(argv: list[str] | None = None) -> int:
    manager.KILL_WAIT = STOP_GRACE_SECONDS
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    try:
        main(argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
        return 0 if code == INTERRUPTED else code
    return 0


if __name__ == "__main__":
    sys.exit(run())
