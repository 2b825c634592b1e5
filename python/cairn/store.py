"""cairn.Store: one interface to every store (a local folder, S3 or MinIO, read-only HTTP).

``Store(url)`` names a bucket or folder (``s3://bucket``, ``s3://bucket/prefix``, a local path,
``https://host/path``); methods take names relative to it (``"data/x.csv"``), or full URLs
(``"s3://other/x"``) and absolute local paths, which are used as they are. Local paths given
to ``put``/``get`` are relative to the current directory. Every result is plain data: URLs and
paths as ``str``, objects as ``dict``. Failures raise :class:`cairn.Error` subclasses
(``NotFoundError`` for a missing bucket or object, ``ConflictError`` for a non-empty bucket,
``PermissionDeniedError`` for rejected credentials, ``UnavailableError`` for an unreachable
endpoint). Credentials come from the AWS_* environment or ~/.aws (``profile``), never from
arguments, and never appear in messages.
"""

from __future__ import annotations

import datetime
import os
from typing import Any, Dict, List, Optional, Union

from . import _core
from .errors import NotFoundError

__all__ = ["Store"]

PathLike = Union[str, "os.PathLike[str]"]


def _iso(mtime_ns: Optional[int]) -> Optional[str]:
    if mtime_ns is None:
        return None
    t = datetime.datetime.fromtimestamp(mtime_ns // 1_000_000_000, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _object(d: Dict[str, Any]) -> Dict[str, Any]:
    out = {"name": d["name"], "url": d["url"], "type": d["type"]}
    if d["type"] == "object":
        out["size"] = d["size"]
        out["mtime"] = _iso(d["mtime_ns"])
        out["etag"] = d["etag"]
    return out


class Store:
    """A bucket or folder on any backend; see the module documentation.

    ``endpoint_url`` and ``profile`` mean what the AWS CLI's ``--endpoint-url`` and
    ``--profile`` mean (defaults: AWS_ENDPOINT_URL*, AWS_PROFILE, ~/.aws). ``Store("s3://")``
    (or ``Store("")``) is the S3 endpoint itself: ``ls()`` then lists its buckets.
    """

    def __init__(self, url: PathLike = "", endpoint_url: Optional[str] = None,
                 profile: Optional[str] = None) -> None:
        url = os.fspath(url)
        if url and "://" not in url:
            url = os.path.abspath(url)
        self._url = url
        self._endpoint_url = endpoint_url or ""
        self._profile = profile or ""

    def __repr__(self) -> str:
        return f"Store({self._url!r})"

    @property
    def url(self) -> str:
        """The store's URL (a local folder as an absolute path)."""
        return self._url

    def url_of(self, name: PathLike = "") -> str:
        """The URL of ``name`` in this store."""
        return _core.store_url_join(self._url, os.fspath(name))

    def _ctx(self) -> Dict[str, str]:
        return {"endpoint_url": self._endpoint_url, "profile": self._profile, "cwd": os.getcwd()}

    def ls(self, name: PathLike = "", recursive: bool = False, filter: Optional[str] = None) -> List[Dict[str, Any]]:
        """Objects and prefixes under ``name`` as ``aws s3 ls`` shows them: dicts with ``name``,
        ``url``, ``type`` ("object" or "prefix") and, for objects, ``size``, ``mtime`` (ISO 8601
        UTC) and ``etag``. ``filter`` is a regular expression searched in the names. On the
        endpoint itself (``Store("s3://")``): the buckets, as dicts with ``name`` and ``url``."""
        url = self.url_of(name)
        if url in ("", "s3://"):
            return _core.store_list_buckets(filter or "", **self._ctx())
        return [_object(d) for d in _core.store_ls(url, recursive, filter or "", **self._ctx())]

    def mb(self) -> bool:
        """Finds or creates the bucket (or folder); returns True when it was created."""
        return _core.store_make_bucket(self._url, **self._ctx())

    def rb(self, force: bool = False) -> None:
        """Removes the bucket (or folder); refused with ConflictError while it holds objects,
        unless ``force`` (then they are deleted first)."""
        _core.store_remove_bucket(self._url, force, **self._ctx())

    def put(self, local_path: PathLike, name: PathLike = "") -> str:
        """Uploads a local file to ``name`` (a name ending in "/", or none, keeps the file's
        name); atomic. Returns the object's URL."""
        return _core.store_put(os.fspath(local_path), self.url_of(name), **self._ctx())["url"]

    def get(self, name: PathLike, local_path: PathLike) -> str:
        """Downloads ``name`` to ``local_path`` (a folder keeps the object's name) through a
        temporary file, so no partial file is ever left. Returns the absolute local path."""
        return _core.store_get(self.url_of(name), os.fspath(local_path), **self._ctx())

    def stat(self, name: PathLike = "") -> Dict[str, Any]:
        """The object's ``url``, ``name``, ``size``, ``mtime`` and ``etag``; NotFoundError when
        it does not exist."""
        url = self.url_of(name)
        d = _core.store_stat(url, **self._ctx())
        if d is None:
            raise NotFoundError(f"no such object: {url}")
        return _object(d)

    def exists(self, name: PathLike = "") -> bool:
        """Whether the object exists."""
        return _core.store_stat(self.url_of(name), **self._ctx()) is not None

    def cp(self, src: PathLike, dst: PathLike) -> str:
        """Copies ``src`` to ``dst`` (names in this store, URLs or absolute local paths, in any
        combination; server-side within one bucket). Returns the destination's URL or path."""
        return _core.store_cp(self.url_of(src), self.url_of(dst), **self._ctx())

    def rm(self, name: PathLike, recursive: bool = False) -> List[str]:
        """Deletes the object ``name`` (NotFoundError when missing) or, with ``recursive``,
        everything under it. Returns the URLs removed."""
        return _core.store_rm(self.url_of(name), recursive, **self._ctx())
