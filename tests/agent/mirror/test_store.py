"""Snapshot stores: a directory, and S3 through real boto3 against a local S3 (moto server on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import ConfigError
from agent.mirror.store import DirectoryStore, S3Store, Store, StoreError, open_store, s3_client
from tests.fixtures.local_s3 import LocalS3


def _exercise(store: Store) -> None:
    assert store.get("manifest.json") is None
    store.put("snapshots/b.json.gz", b"two", content_type="application/gzip")
    store.put("snapshots/a.json.gz", b"one", content_type="application/gzip")
    store.put("manifest.json", b"{}", content_type="application/json")
    assert store.get("snapshots/a.json.gz") == b"one"
    assert store.list("snapshots/") == ["snapshots/a.json.gz", "snapshots/b.json.gz"]
    store.put("snapshots/a.json.gz", b"uno", content_type="application/gzip")
    assert store.get("snapshots/a.json.gz") == b"uno"
    store.delete("snapshots/a.json.gz")
    store.delete("snapshots/missing.json.gz")  # deleting what is not there is fine
    assert store.list("snapshots/") == ["snapshots/b.json.gz"]


def test_directory_store(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path / "mirror")
    assert store.list("snapshots/") == []
    _exercise(store)
    assert not [p for p in (tmp_path / "mirror").rglob(".tmp-*")], "temporary files are renamed into place"


def test_directory_store_refuses_names_outside_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="escapes"):
        DirectoryStore(tmp_path / "m").put("../x", b"", content_type="text/plain")


def test_s3_store_through_boto3(local_s3: LocalS3) -> None:
    store = open_store(f"s3://{local_s3.bucket('confee-store-test')}/mirror")
    assert isinstance(store, S3Store) and store.uri == "s3://confee-store-test/mirror"
    _exercise(store)
    keys = [o["Key"] for o in local_s3.client().list_objects_v2(Bucket="confee-store-test")["Contents"]]
    assert sorted(keys) == ["mirror/manifest.json", "mirror/snapshots/b.json.gz"]


def test_s3_errors_other_than_a_missing_key_are_store_errors(local_s3: LocalS3) -> None:
    store = S3Store("confee-no-such-bucket", "mirror", s3_client())
    with pytest.raises(StoreError, match="NoSuchBucket"):
        store.get("manifest.json")


@pytest.mark.parametrize("uri", ["", "   ", "s3://", "http://example.com/x"])
def test_bad_uris_are_config_errors(uri: str) -> None:
    with pytest.raises(ConfigError):
        open_store(uri)


def test_file_uris_and_paths_are_directories(tmp_path: Path) -> None:
    assert isinstance(open_store(str(tmp_path)), DirectoryStore)
    assert open_store(f"file://{tmp_path}").uri == str(tmp_path)
