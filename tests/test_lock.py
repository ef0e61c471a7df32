"""The lock, the plain-pip constraints and the installed environment agree.

``uv.lock`` is what ``make`` installs; ``constraints.txt`` is the same pins for anyone
installing with plain pip (``pip install -c constraints.txt -e '.[test]'``).  ``make lock``
writes the second from the first; these tests catch a hand edit or a forgotten refresh.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
PROJECT = "newsdesk-reader"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_pins() -> set[tuple[str, str]]:
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    return {
        (normalise(package["name"]), package["version"])
        for package in lock["package"]
        if normalise(package["name"]) != PROJECT
    }


def constraint_requirements() -> list[Requirement]:
    lines = (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines()
    return [
        Requirement(line) for line in lines if line.strip() and not line.lstrip().startswith("#")
    ]


def test_constraints_pin_exactly_what_the_lock_pins() -> None:
    pins = set()
    for requirement in constraint_requirements():
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", str(requirement)
        pins.add((normalise(requirement.name), specifiers[0].version))
    assert pins == locked_pins()


def test_every_locked_package_has_hashes() -> None:
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    for package in lock["package"]:
        if normalise(package["name"]) == PROJECT:
            continue
        artifacts = [*package.get("wheels", [])]
        if "sdist" in package:
            artifacts.append(package["sdist"])
        assert artifacts, package["name"]
        assert all(artifact.get("hash", "").startswith("sha256:") for artifact in artifacts)


def test_the_running_environment_is_the_locked_one() -> None:
    """What the tests run on is what the lock says (skipped for make test-latest's venv)."""
    if Path(sys.prefix).name == ".venv-latest":
        pytest.skip("make test-latest runs the newest releases on purpose")
    wanted = {}
    for requirement in constraint_requirements():
        if requirement.marker is None or requirement.marker.evaluate():
            wanted[normalise(requirement.name)] = next(iter(requirement.specifier)).version
    installed = {
        normalise(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    drift = {
        name: (version, installed.get(name))
        for name, version in wanted.items()
        if name in installed and installed[name] != version
    }
    assert drift == {}, "installed versions differ from the lock: run make test (it re-syncs)"
    core = {"pyside6-essentials", "pyyaml", "python-dateutil", "pytest", "pytest-qt"}
    assert core <= installed.keys()


def test_pyproject_lower_bounds_are_not_below_what_the_lock_tests() -> None:
    """A lower bound promises a version something ran against: the lock is that version."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    locked: dict[str, set[str]] = {}
    for name, version in locked_pins():
        locked.setdefault(name, set()).add(version)
    for text in project["dependencies"]:
        requirement = Requirement(text)
        name = normalise(requirement.name)
        floors = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        if not floors or (requirement.marker and not _may_apply(requirement.marker)):
            continue
        assert any(requirement.specifier.contains(v) for v in locked[name]), text
        assert floors[0] in locked[name] or _is_older_patch_of(floors[0], locked[name]), (
            f"{text}: raise the lower bound to a locked, tested version ({sorted(locked[name])})"
        )


def _may_apply(marker: Marker) -> bool:
    return any(
        marker.evaluate({"python_version": version, "python_full_version": f"{version}.0"})
        for version in ("3.11", "3.12", "3.13", "3.14")
    )


def _is_older_patch_of(floor: str, versions: set[str]) -> bool:
    """Same major.minor as a locked version: patch releases are taken as tested together."""
    return any(floor.split(".")[:2] == version.split(".")[:2] for version in versions)
