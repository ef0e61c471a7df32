"""Processes the publish reliability tests run beside pytest (not a test module).

``crash-server``: reads ``cycle PATH DELAY_SECONDS`` lines; for each, forks a child that
publishes and unpublishes PATH in a tight loop, kills it with SIGKILL after the delay,
reaps it (so its pid is truly dead) and answers ``killed PID STATUS``.  Forking from a
warm process makes hundreds of kills cheap; each child runs the real ``set_published``.

``writer PATH MODE PAUSE_SECONDS``: another program editing the same file until its stdin
closes, then printing a JSON summary.  Edit number ``i`` sets ``heat: i`` and appends a body
line ``edit i``.  MODE ``rename`` saves each edit with a temp file and ``os.replace`` (the
careful way editors save); MODE ``append`` only appends the body line in place with
``O_APPEND`` (the way a log-style tool or ``echo >>`` would).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.domain.frontmatter import load_yaml_mapping, split_front_matter
from reader.domain.publish import PublishError, set_published

_HEAT = re.compile(rb"^heat: -?\d+$", re.MULTILINE)


def crash_server() -> None:
    print("ready", flush=True)
    for line in sys.stdin:
        command, path, delay = line.split()
        if command != "cycle":
            raise SystemExit(f"unknown command {command!r}")
        child = os.fork()
        if child == 0:
            _publish_forever(Path(path))
        time.sleep(float(delay))
        os.kill(child, signal.SIGKILL)
        _, status = os.waitpid(child, 0)
        print(f"killed {child} {status}", flush=True)


def _publish_forever(path: Path) -> None:
    """The child: toggle ``published`` until killed; exit 3 if a publish ever fails."""
    try:
        value = b"published: true" not in path.read_bytes()
        while True:
            set_published(path, value)
            value = not value
    except PublishError as exc:
        sys.stderr.write(f"publish failed: {exc.message}\n")
        sys.stderr.flush()
        os._exit(3)
    except BaseException as exc:
        sys.stderr.write(f"publish crashed: {exc!r}\n")
        sys.stderr.flush()
        os._exit(4)


def writer(path: Path, mode: str, pause: float) -> None:
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    edits = 0
    unparsable = 0
    temp = path.with_name(".other-writer.tmp")
    rng = random.Random(os.getpid())
    while not stop.is_set():
        edits += 1
        if mode == "append":
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, f"edit {edits}\n".encode())
            finally:
                os.close(fd)
        else:
            data = path.read_bytes()
            if not _parses(data):
                unparsable += 1
            data = _HEAT.sub(f"heat: {edits}".encode(), data, count=1)
            temp.write_bytes(data + f"edit {edits}\n".encode())
            os.replace(temp, path)
        if edits == 1:
            print("ready", flush=True)
        time.sleep(rng.uniform(0, pause))
    print(json.dumps({"edits": edits, "unparsable_reads": unparsable}), flush=True)


def _parses(data: bytes) -> bool:
    try:
        split = split_front_matter(data.decode("utf-8"))
        return split.yaml_text is not None and bool(load_yaml_mapping(split.yaml_text))
    except Exception:
        return False


def main(argv: list[str]) -> None:
    if argv[:1] == ["crash-server"]:
        crash_server()
    elif argv[:1] == ["writer"] and len(argv) == 4:
        writer(Path(argv[1]), argv[2], float(argv[3]))
    else:
        raise SystemExit("usage: publish_worker.py crash-server | writer PATH MODE PAUSE")


if __name__ == "__main__":
    main(sys.argv[1:])
