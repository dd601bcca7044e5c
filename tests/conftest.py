"""Fixtures shared across test packages (each defined in ``tests/fixtures/``, where its docstring explains it)."""

import pytest

from tests.fixtures.local_s3 import local_s3, local_s3_server  # noqa: F401
from tests.fixtures.volume import volume_data  # noqa: F401


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep each test file on one xdist worker (``--dist loadgroup``), and every CDK test on the same one.

    Module fixtures are then built once, and the CDK app (session fixtures in tests/infra, tens of seconds of
    jsii) is synthesized by one worker only. Without xdist the marker changes nothing.
    """
    for item in items:
        _refuse_schemathesis_on_a_worker(config, item)
        relative = item.path.relative_to(config.rootpath)
        group = "infra" if relative.parts[:2] == ("tests", "infra") else relative.as_posix()
        item.add_marker(pytest.mark.xdist_group(group))


def _refuse_schemathesis_on_a_worker(config: pytest.Config, item: pytest.Item) -> None:
    """Fail loudly rather than test one API operation out of three.

    schemathesis (4.32) gives every operation of a test the same node id, and pytest-xdist reports results by node
    id: under ``-n`` all operations but one would silently not run. ``make test-py`` runs them in a pytest of
    their own.
    """
    if hasattr(config, "workerinput") and type(item).__name__ == "SchemathesisFunction":
        raise pytest.UsageError(f"{item.nodeid}: schemathesis tests cannot run under pytest-xdist (-n); see Makefile")
