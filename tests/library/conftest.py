"""Fixtures for the library service tests: a Library that is always closed, and a recorder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from library_helpers import Recorder

from reader.library import Library


@pytest.fixture
def library(qtbot) -> Iterator[Library]:
    service = Library()
    yield service
    service.close()


@pytest.fixture
def recorder(library: Library) -> Recorder:
    record = Recorder()
    record.connect(library)
    return record
