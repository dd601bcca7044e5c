"""Where mirror snapshots live: a local directory or an S3 prefix, behind one small interface.

Names are relative (``manifest.json``, ``snapshots/<id>.json.gz``). Writes are atomic for readers: a
directory store writes a temporary file and renames it; an S3 PUT is atomic by itself.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from agent.errors import ConfigError

logger = logging.getLogger(__name__)


class StoreError(Exception):
    """The store could not be read or written (permissions, network, a broken file system)."""


class Store(Protocol):
    """A flat namespace of objects."""

    #: Where it points, for logs and manifests (never holds credentials).
    uri: str

    def get(self, name: str) -> bytes | None:
        """The object's bytes, or ``None`` if it does not exist. Raises ``StoreError`` otherwise."""
        ...

    def put(self, name: str, data: bytes, *, content_type: str) -> None:
        """Create or replace the object. Raises ``StoreError``."""
        ...

    def delete(self, name: str) -> None:
        """Remove the object if it exists. Raises ``StoreError``."""
        ...

    def list(self, prefix: str) -> list[str]:
        """Names starting with ``prefix``, sorted. Raises ``StoreError``."""
        ...


class DirectoryStore:
    """Objects as files under ``root`` (created on the first write)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.uri = str(self.root)

    def _path(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if self.root.resolve() not in path.parents:
            raise StoreError(f"object name escapes the store: {name!r}")
        return path

    def get(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{self.uri}/{name}: {exc}") from exc

    def put(self, name: str, data: bytes, *, content_type: str) -> None:
        path = self._path(name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as tmp:
                tmp.write(data)
            os.replace(tmp.name, path)
        except OSError as exc:
            raise StoreError(f"{self.uri}/{name}: {exc}") from exc

    def delete(self, name: str) -> None:
        try:
            self._path(name).unlink(missing_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.uri}/{name}: {exc}") from exc

    def list(self, prefix: str) -> list[str]:
        if not self.root.is_dir():
            return []
        names = (p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file())
        return sorted(n for n in names if n.startswith(prefix) and not Path(n).name.startswith(".tmp-"))


class S3Store:
    """Objects under ``s3://bucket/prefix/``.

    Args:
        bucket: Bucket name.
        prefix: Key prefix without the trailing slash (may be empty).
        client: A boto3 S3 client (endpoint, region and retries are the caller's choice).
    """

    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket, self.prefix, self._s3 = bucket, prefix.strip("/"), client
        self.uri = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def get(self, name: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._s3.get_object(Bucket=self.bucket, Key=self._key(name))
            return bytes(response["Body"].read())
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise StoreError(f"{self.uri}/{name}: {exc.response.get('Error', {}).get('Code')}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"{self.uri}/{name}: {type(exc).__name__}") from exc

    def put(self, name: str, data: bytes, *, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._s3.put_object(Bucket=self.bucket, Key=self._key(name), Body=data, ContentType=content_type)
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"{self.uri}/{name}: {type(exc).__name__}") from exc

    def delete(self, name: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._s3.delete_object(Bucket=self.bucket, Key=self._key(name))
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"{self.uri}/{name}: {type(exc).__name__}") from exc

    def list(self, prefix: str) -> list[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        base = f"{self.prefix}/" if self.prefix else ""
        names: list[str] = []
        try:
            for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=base + prefix):
                names += [item["Key"][len(base) :] for item in page.get("Contents", [])]
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"{self.uri}/{prefix}: {type(exc).__name__}") from exc
        return sorted(names)


def s3_client(region: str | None = None) -> Any:
    """A boto3 S3 client with short timeouts (``AWS_ENDPOINT_URL_S3`` points it at a local S3 in tests)."""
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=3, read_timeout=10, retries={"mode": "standard", "total_max_attempts": 3})
    return boto3.client("s3", region_name=region, config=config)


def open_store(uri: str, *, region: str | None = None, client: Any = None) -> Store:
    """A store for ``uri``: ``s3://bucket[/prefix]`` or a directory path.

    Raises:
        ConfigError: The URI is empty or an unsupported scheme.
    """
    uri = uri.strip()
    if not uri:
        raise ConfigError("the mirror URI is empty: use a directory or s3://bucket/prefix")
    parts = urlsplit(uri)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ConfigError(f"the mirror URI has no bucket: {uri!r}")
        return S3Store(parts.netloc, parts.path, client if client is not None else s3_client(region))
    if parts.scheme and parts.scheme != "file" and len(parts.scheme) > 1:  # "C:" on Windows is a drive
        raise ConfigError(f"the mirror URI must be a directory or s3://bucket/prefix, got {uri!r}")
    return DirectoryStore(parts.path if parts.scheme == "file" else uri)
