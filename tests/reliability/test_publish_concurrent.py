"""Another program editing the same file while reader publishes it loses nothing.

A helper process keeps editing the article (edit ``i`` sets ``heat: i`` and appends the
body line ``edit i``) while this process publishes and unpublishes it round after round.
Each of the writer's edits is built on what it read, so an edit that reader overwrote with
stale content would be missing from the final file: counting the ``edit i`` lines that
survive counts the writer's edits that survived.  Only the ``published`` value itself may
be lost to the other writer (it saves over reader's change with what it read before).

Two kinds of other writer: one that saves by rename (how editors and careful tools save),
whose edits must all survive; and one that appends to the file in place.  An in-place
write that had already opened the file when reader swapped in its new version lands in the
old, replaced file: no program that saves by rename can prevent that, so reader narrows it
(it re-checks what it displaced after the swap and gives it back if it changed), and the
test reports the losses and holds them to a small bound.

``READER_LONG_TESTS=1`` raises the rounds from 1,000 (rename) and 300 (append) tenfold.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from reader.domain import publish
from reader.domain.parse import parse_detail
from reader.domain.publish import TEMP_MARKER, PublishError, set_published

# Derived here, not imported: with several conftest.py files, "from seed_files import"
# gets whichever one pytest imported first.
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"

WORKER = Path(__file__).with_name("publish_worker.py")
LONG = os.environ.get("READER_LONG_TESTS") == "1"
ROUNDS = {"rename": 1_000, "append": 300}
if LONG:
    ROUNDS = {mode: rounds * 10 for mode, rounds in ROUNDS.items()}
WRITER_PAUSE_SECONDS = 0.01
"""The other writer waits up to this long between edits: often enough to collide with
reader's publish (about 2 ms each) many times, rarely enough that reader ever gets through."""


def run_rounds(path: Path, mode: str, rounds: int) -> tuple[Counter[str], dict[str, int], bytes]:
    """Publish/unpublish ``rounds`` times against a writer; return outcomes and the file."""
    writer = subprocess.Popen(
        [sys.executable, str(WORKER), "writer", str(path), mode, str(WRITER_PAUSE_SECONDS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    outcomes: Counter[str] = Counter()
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        for round_number in range(rounds):
            try:
                result = set_published(path, round_number % 2 == 0)
            except PublishError as exc:
                outcomes[exc.reason.split(";")[0]] += 1
            else:
                outcomes["written" if result.changed else "already so"] += 1
            detail = parse_detail(path.name, path.read_bytes())
            assert detail.summary.problems == (), detail.summary.problems
    finally:
        writer.stdin.close()  # type: ignore[union-attr]
        summary = json.loads(writer.stdout.readline())  # type: ignore[union-attr]
        writer.stdout.close()  # type: ignore[union-attr]
        writer.wait(timeout=30)
    return outcomes, summary, path.read_bytes()


def count_collisions(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the swaps that found the file changed under them (and started again)."""
    seen: Counter[str] = Counter()
    real_swap_in = publish._swap_in

    def counting_swap_in(*args: object) -> object:
        outcome = real_swap_in(*args)
        seen[outcome.name] += 1
        return outcome

    monkeypatch.setattr(publish, "_swap_in", counting_swap_in)
    return seen


@pytest.mark.parametrize("mode", ["rename", "append"])
def test_other_writers_edits_survive_concurrent_publishing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    path = tmp_path / SEED_FULL
    path.write_bytes((SEEDS / SEED_FULL).read_bytes())
    path.chmod(0o644)
    swaps = count_collisions(monkeypatch)

    rounds = ROUNDS[mode]

    outcomes, summary, final = run_rounds(path, mode, rounds)

    edits = summary["edits"]
    found = [int(number) for number in re.findall(rb"^edit (\d+)$", final, re.MULTILINE)]
    survived = len(set(found))
    print(
        f"\n[{mode}] {rounds} publish rounds against {edits} edits by another writer: "
        f"{survived}/{edits} of its edits survived; reader's outcomes {dict(outcomes)}; "
        f"swaps {dict(swaps)} (CHANGED: the file changed under reader, which started again)"
    )
    assert summary["unparsable_reads"] == 0
    assert found == sorted(set(found)), "edits were duplicated or reordered"
    if mode == "rename":
        assert survived == edits
    else:
        assert edits - survived <= rounds // 50
    if mode == "rename":
        assert re.search(rb"^heat: (\d+)$", final, re.MULTILINE)[1] == str(edits).encode()
    assert parse_detail(path.name, final).summary.problems == ()
    assert outcomes["written"] > rounds // 5
    assert swaps["CHANGED"] > 0, "the writer never collided with a publish: test too gentle"
    assert not [name for name in os.listdir(tmp_path) if TEMP_MARKER in name]
