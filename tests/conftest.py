"""Fixtures shared across test packages (each defined in ``tests/fixtures/``, where its docstring explains it)."""

from tests.fixtures.local_s3 import local_s3, local_s3_server  # noqa: F401
from tests.fixtures.volume import volume_data  # noqa: F401
