"""Shared set-up: the sandbox booted once in the pytest process, before collection."""
import contextlib
import io

import pytest


def pytest_configure(config):
    """Boot the same sandbox the notebooks use, so test modules can import models."""
    from course import boot

    with contextlib.redirect_stdout(io.StringIO()):
        boot()


@pytest.fixture
def library():
    """The sample library, freshly seeded for one test."""
    from course import data

    return data.seed()


# Tiny notebooks the tools' tests read; they are data, not notebooks to validate.
collect_ignore_glob = ["tools/fixtures/*"]
