"""``make dist``: the PyInstaller bundle runs every command and the window without Python.

One module-scoped build (``make dist`` into a temp folder, ~10-30 s plus the first sync of
``.venv-dist``), then the bundle's own executable is run as a user would: listing the
seeds, listing a folder big enough to start the parser pool (forked from the command
line), and opening the window offscreen, where the pool's workers come from a forkserver
that is the frozen executable itself - the case ``freeze_support()`` exists for.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from http_server import http_server_fixture  # noqa: F401
from seed_files import SEED_BODY_ONLY, SEED_FULL, SEEDS

from reader.index.loader import IN_PROCESS_LIMIT

ROOT = SEEDS.parent
FOLDER_SIZE = 400
WINDOW_DEADLINE_S = 120
"""How long the window may take to load the folder on a busy machine (a wait, not a measure)."""
RUNNING_AFTER_LOAD_S = 3

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="make dist is tested on Linux"),
    pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed"),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built ``reader`` executable (the build's output is shown when it fails)."""
    out = tmp_path_factory.mktemp("dist")
    # Not the make running the tests: its flags (a -j jobserver) belong to it.
    environment = {
        name: value for name, value in os.environ.items()
        if name not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    }
    built = subprocess.run(
        ["make", "--no-print-directory", "dist",
         f"DIST_DIR={out / 'dist'}", f"DIST_WORK={out / 'build'}"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=900, check=False,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    executable = out / "dist" / "reader" / "reader"
    assert executable.is_file()
    return executable


@pytest.fixture
def big_folder(tmp_path: Path) -> Path:
    """Enough articles for the loader to start its parser pool."""
    assert FOLDER_SIZE >= IN_PROCESS_LIMIT
    folder = tmp_path / "many"
    folder.mkdir()
    article = (SEEDS / SEED_FULL).read_bytes()
    for number in range(FOLDER_SIZE):
        (folder / f"{number:04d}.txt").write_bytes(article)
    return folder


def run_bundle(executable: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(executable), *arguments], capture_output=True, text=True, timeout=300, check=False
    )


def test_the_bundle_lists_the_seeds(bundle: Path) -> None:
    listed = run_bundle(bundle, "list", str(SEEDS), "--json")
    assert listed.returncode == 0, listed.stderr
    ids = sorted(json.loads(line)["id"] for line in listed.stdout.splitlines())
    assert ids == [SEED_FULL, SEED_BODY_ONLY]


def test_the_bundle_lists_a_big_folder_with_its_parser_pool(
    bundle: Path, big_folder: Path
) -> None:
    listed = run_bundle(bundle, "--verbose", "list", str(big_folder), "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == FOLDER_SIZE
    assert "Traceback" not in listed.stderr
    if (os.cpu_count() or 1) > 1:  # one CPU parses in-process by design
        assert "parser processes (fork)" in listed.stderr, listed.stderr


def test_the_bundle_runs_every_command(bundle: Path, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    assert run_bundle(bundle, "--version").stdout.startswith("reader ")
    assert run_bundle(bundle, "show", str(folder), SEED_FULL).returncode == 0
    assert run_bundle(bundle, "publish", str(folder), SEED_FULL).returncode == 0
    assert "published: true" in (folder / SEED_FULL).read_text(encoding="utf-8")
    assert run_bundle(bundle, "unpublish", str(folder), SEED_FULL).returncode == 0
    assert (folder / SEED_FULL).read_bytes() == (SEEDS / SEED_FULL).read_bytes()
    assert run_bundle(bundle, "check", str(folder)).returncode in (0, 1)


def test_the_bundle_reads_an_original(bundle: Path, tmp_path: Path, http_server) -> None:
    """Reader view's extractor finds its data files (settings, stop lists) when frozen."""
    page = (ROOT / "reader" / "bench" / "original_pages" / "kron4.html").read_bytes()
    url = http_server.serve("/kron4.html", page, "text/html; charset=utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "k.md").write_text(f'---\ntitle: "K"\noriginalUrl: "{url}"\n---\n')
    done = run_bundle(bundle, "show", str(folder), "k.md", "--original", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["text"].startswith("LOS GATOS, Calif. (KRON)")


@contextmanager
def running(executable: Path, log: Path, *arguments: str) -> Iterator[subprocess.Popen[bytes]]:
    """The bundle started with ``arguments`` (offscreen, from conftest), its output in ``log``."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(executable), *arguments], stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], log: Path) -> None:
    """Until ``condition`` holds; fails with the bundle's output if it exits or never gets there."""
    deadline = time.monotonic() + WINDOW_DEADLINE_S
    while not condition():
        assert process.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.2)


def test_the_bundle_opens_the_window_and_parses_with_a_forkserver_pool(
    bundle: Path, big_folder: Path, tmp_path: Path
) -> None:
    log = tmp_path / "window.log"
    loaded = f"{FOLDER_SIZE} articles (0 cached, {FOLDER_SIZE} parsed)"
    with running(bundle, log, "--verbose", str(big_folder)) as process:
        wait_for(lambda: loaded in log.read_text(errors="replace"), process, log)
        # Still alive a few seconds later: the window, its watcher and the forkserver idle.
        time.sleep(RUNNING_AFTER_LOAD_S)
        assert process.poll() is None, log.read_text(errors="replace")
    text = log.read_text(errors="replace")
    assert "Traceback" not in text
    assert "cannot start parser processes" not in text
    assert "a parser process died" not in text
    if (os.cpu_count() or 1) > 1:
        assert "parser processes (forkserver)" in text, text


def test_the_bundle_opens_a_copy_of_its_samples_when_given_no_folder(
    bundle: Path, isolated_xdg: Path, tmp_path: Path
) -> None:
    samples = isolated_xdg / "xdg_data_home" / "reader" / "samples"
    log = tmp_path / "window.log"
    with running(bundle, log, "--verbose") as process:
        wait_for(lambda: f"loaded {samples}:" in log.read_text(errors="replace"), process, log)
    assert (samples / SEED_FULL).read_bytes() == (SEEDS / SEED_FULL).read_bytes()
    assert (samples / SEED_BODY_ONLY).read_bytes() == (SEEDS / SEED_BODY_ONLY).read_bytes()
