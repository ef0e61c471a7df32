"""The files reader ships with: found as package data, and samples an installed reader may write.

The data package must match the repository's ``seeds/`` and ``resources/`` byte for byte
(the repository's copies are the ones people edit), and an installed reader - a wheel
without a checkout around it, or the frozen bundle - must open a writable copy of the
samples in the data folder instead of the files inside the installation.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from seed_files import SEED_BODY_ONLY, SEED_FULL, SEEDS

from reader import paths, resources

ROOT = SEEDS.parent
UV = ROOT / ".tools" / "bin" / "uv"


def test_the_packaged_seeds_are_the_repository_seeds() -> None:
    packaged = resources.packaged_seeds()
    names = sorted(path.name for path in packaged.iterdir() if path.is_file())
    assert names == sorted(path.name for path in SEEDS.iterdir() if path.is_file())
    for name in names:
        assert (packaged / name).read_bytes() == (SEEDS / name).read_bytes(), name


def test_the_packaged_icon_and_desktop_entry_are_the_repository_ones() -> None:
    assert resources.icon_path().read_bytes() == (ROOT / "resources" / "reader.svg").read_bytes()
    shipped = (ROOT / "resources" / "reader.desktop").read_text(encoding="utf-8")
    assert resources.desktop_entry_template() == shipped


def test_a_checkout_opens_the_repository_seeds(isolated_xdg: Path) -> None:
    assert resources.bundled_seeds() == SEEDS
    assert not paths.data_dir().exists()  # nothing copied in a checkout


def test_frozen_reader_opens_a_copy_of_the_samples_in_the_data_folder(
    monkeypatch: pytest.MonkeyPatch, isolated_xdg: Path
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    samples = resources.bundled_seeds()
    assert samples == isolated_xdg / "xdg_data_home" / "reader" / "samples"
    assert sorted(path.name for path in samples.iterdir()) == [SEED_FULL, SEED_BODY_ONLY]
    assert (samples / SEED_FULL).read_bytes() == (SEEDS / SEED_FULL).read_bytes()
    assert (samples / SEED_FULL).stat().st_mode & stat.S_IWUSR


def test_copying_the_samples_keeps_the_editors_changes_and_restores_what_is_missing(
    tmp_path: Path,
) -> None:
    target = resources.copy_samples(tmp_path / "samples")
    edited = b"---\ntitle: mine\npublished: true\n---\n"
    (target / SEED_FULL).write_bytes(edited)
    (target / SEED_BODY_ONLY).unlink()

    resources.copy_samples(target)

    assert (target / SEED_FULL).read_bytes() == edited
    assert (target / SEED_BODY_ONLY).read_bytes() == (SEEDS / SEED_BODY_ONLY).read_bytes()


def test_samples_copied_from_read_only_package_files_are_writable(tmp_path: Path) -> None:
    package = tmp_path / "site-packages-seeds"
    shutil.copytree(resources.packaged_seeds(), package)
    for path in package.iterdir():
        path.chmod(0o444)  # a system-wide install
    target = resources.copy_samples(tmp_path / "samples", package)
    assert sorted(path.name for path in target.iterdir()) == [SEED_FULL, SEED_BODY_ONLY]
    assert all(path.stat().st_mode & stat.S_IWUSR for path in target.iterdir())


@pytest.mark.skipif(not UV.is_file(), reason="uv is installed into .tools by make")
def test_an_installed_wheel_carries_its_data_and_copies_the_samples(
    tmp_path: Path, isolated_xdg: Path
) -> None:
    """A real, non-editable install: only what pyproject.toml ships is there."""
    target = tmp_path / "site"
    subprocess.run(
        [str(UV), "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    assert not (target / "seeds").exists()
    probe = (
        "import reader, reader.resources as r; "
        "print(reader.__file__); print(r.bundled_seeds()); print(r.icon_path().is_file())"
    )
    environment = {**os.environ, "PYTHONPATH": str(target)}
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=environment,
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.splitlines()
    assert Path(shown[0]).is_relative_to(target)
    samples = Path(shown[1])
    assert samples == isolated_xdg / "xdg_data_home" / "reader" / "samples"
    assert sorted(path.name for path in samples.iterdir()) == [SEED_FULL, SEED_BODY_ONLY]
    assert shown[2] == "True"

    listed = subprocess.run(
        [sys.executable, "-m", "reader", "list", str(samples), "--json"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 2
