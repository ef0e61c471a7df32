"""Fixtures for the library service tests: a Library that is always closed, and a recorder."""

from __future__ import annotations

import logging
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


@pytest.fixture(autouse=True)
def no_swallowed_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test whose background jobs logged an error: workers must not fail quietly."""
    caplog.set_level(logging.WARNING, logger="reader")
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, "\n".join(r.getMessage() + (r.exc_text or "") for r in errors)
