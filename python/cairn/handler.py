"""cairn.Handler: log, find and read artifacts from Python (the notebook API of the catalog).

An *artifact* is a set of files plus a metadata record (labels, who, when, where, what it was
based on). ``Handler()`` takes the artifact root and the catalog from the configuration
(``cairn config catalog.url`` / ``artifacts.root``, the ``CAIRN_CATALOG_URL`` /
``CAIRN_ARTIFACTS_ROOT`` environment) or from its ``root=`` / ``catalog=`` arguments::

    h = cairn.Handler()
    art = h.upload(["docs/train.txt"], labels=cairn.Labels(ticket="AB-123", datatype="annotation_file"))
    df = h.find({"labels.ticket": "AB-123", "creation_time": {"$gte": datetime.now(tz=UTC) - timedelta(days=7)}})
    a = h.get(df.index[0])
    pd.read_csv(a.files["train.txt"].url)
    with h.new(["model.pt"]) as new:       # based_on = every artifact h.get() returned
        model.save(new.file.path)

Queries are Mongo-style filters (see ``cairn find --help``); ``datetime`` values in them are
sent as ISO-8601 (a naive datetime is taken as UTC). ``find`` returns a pandas DataFrame
indexed by ``artifact_id`` when pandas is installed, else a list of dicts. Records logged
from Python carry the installed distributions (``importlib.metadata``) as
``metadata.python_packages``. Failures raise :class:`cairn.Error` subclasses.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from . import _core
from .errors import InvalidInputError, NotFoundError

__all__ = ["Handler", "Labels", "Artifact", "ArtifactFile", "Metadata", "NewArtifact", "mock_username"]

PathLike = Union[str, "os.PathLike[str]"]

_mock_user = threading.local()


@contextlib.contextmanager
def mock_username(name: str) -> Iterator[str]:
    """Within the block, Handlers created without ``user=`` log and query as ``name``
    (for demos and tests; the record's username is otherwise the OS user or CAIRN_USER)."""
    previous = getattr(_mock_user, "name", None)
    _mock_user.name = name
    try:
        yield name
    finally:
        _mock_user.name = previous


@dataclass
class Labels:
    """The labels of an artifact: five indexed fields and free-form ``infos`` (any JSON object)."""

    datatype: Optional[str] = None
    ticket: Optional[str] = None
    project: Optional[str] = None
    dataset: Optional[str] = None
    description: Optional[str] = None
    infos: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        return {"datatype": self.datatype, "ticket": self.ticket, "project": self.project,
                "dataset": self.dataset, "description": self.description, "infos": dict(self.infos)}


def _parse_time(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class Metadata:
    """Provenance captured when the artifact was logged."""

    username: str
    hostname: str
    creation_time: _dt.datetime
    argv: List[str]
    run_id: str
    based_on: List[str]
    git: Optional[Dict[str, Any]]
    python_packages: Dict[str, str]
    executable: str
    executable_version: str


class ArtifactFile:
    """One file of an artifact. ``url``/``path`` is a local path holding its bytes (fetched into
    the local cache and verified on first use), ``remote_url`` where the root stores it."""

    def __init__(self, handler: "Handler", artifact_id: str, relpath: str, entry: Mapping[str, Any]) -> None:
        self._handler = handler
        self._artifact_id = artifact_id
        self.relpath = relpath
        self.md5: str = entry["md5"]
        self.size: int = entry["size"]
        self.remote_url: str = entry.get("url", "")
        self._local: Optional[str] = None

    def __repr__(self) -> str:
        return f"ArtifactFile({self.relpath!r}, size={self.size})"

    @property
    def url(self) -> str:
        if self._local is None:
            self._local = self._handler._core.local_path(self._artifact_id, self.relpath)
        return self._local

    path = url

    def read_bytes(self) -> bytes:
        with open(self.url, "rb") as f:
            return f.read()

    def read_text(self, encoding: str = "utf-8") -> str:
        return self.read_bytes().decode(encoding)

    def download(self, dst: PathLike) -> str:
        """Copies the file to ``dst`` (a file path, or an existing folder to copy into)."""
        dst = os.fspath(dst)
        if os.path.isdir(dst):
            dst = os.path.join(dst, os.path.basename(self.relpath))
        os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
        tmp = dst + ".cairn-tmp"
        shutil.copyfile(self.url, tmp)
        os.replace(tmp, dst)
        return dst


class _Files(Mapping[str, ArtifactFile]):
    """relpath -> ArtifactFile; a base name also works when it names exactly one file."""

    def __init__(self, files: Dict[str, ArtifactFile]) -> None:
        self._files = files

    def __getitem__(self, key: str) -> ArtifactFile:
        if key in self._files:
            return self._files[key]
        matches = [f for rel, f in self._files.items() if rel.rsplit("/", 1)[-1] == key]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise KeyError(f"{key!r} is the base name of several files: {[f.relpath for f in matches]}")
        raise KeyError(key)

    def __iter__(self):
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def __repr__(self) -> str:
        return f"Files({list(self._files)})"


class Artifact:
    """A logged artifact: ``artifact_id``, ``name``/``version``, ``labels``, ``files``
    (relpath -> :class:`ArtifactFile`), ``metadata`` (:class:`Metadata`) and ``record`` (the raw
    record dict, docs/format/artifact-record.md)."""

    def __init__(self, handler: "Handler", record: Dict[str, Any]) -> None:
        self._handler = handler
        self.record = record
        self.artifact_id: str = record["artifact_id"]
        self.name: Optional[str] = record.get("name")
        self.version: int = record.get("version", 0)
        lab = record.get("labels") or {}
        self.labels = Labels(lab.get("datatype"), lab.get("ticket"), lab.get("project"), lab.get("dataset"),
                             lab.get("description"), dict(lab.get("infos") or {}))
        self.files = _Files({rel: ArtifactFile(handler, self.artifact_id, rel, e)
                             for rel, e in (record.get("files") or {}).items()})
        env = record.get("environment") or {}
        self.metadata = Metadata(
            username=record["username"], hostname=record.get("hostname", ""),
            creation_time=_parse_time(record["creation_time"]), argv=list(record.get("argv") or []),
            run_id=record.get("run_id", ""), based_on=list(record.get("based_on") or []), git=record.get("git"),
            python_packages=dict(env.get("python_packages") or {}), executable=env.get("executable", ""),
            executable_version=env.get("executable_version", ""))

    @property
    def file(self) -> ArtifactFile:
        """The only file (an error when there are several)."""
        if len(self.files) != 1:
            raise InvalidInputError(f"{self.artifact_id} has {len(self.files)} files; use .files[relpath]")
        return next(iter(self.files.values()))

    def download(self, dst: PathLike) -> List[str]:
        """Copies every file to ``dst/<relpath>`` (verified); returns the paths."""
        return self._handler._core.materialise(self.artifact_id, os.path.abspath(os.fspath(dst)))

    def __repr__(self) -> str:
        label = f"{self.name}@{self.version} " if self.name else ""
        return f"Artifact({label}{self.artifact_id}, files={list(self.files)})"


class _NewFile:
    def __init__(self, path: str, relpath: str) -> None:
        self.path = path
        self.relpath = relpath

    def __fspath__(self) -> str:
        return self.path

    def __repr__(self) -> str:
        return f"NewFile({self.relpath!r} at {self.path!r})"


class NewArtifact:
    """The staging area of :meth:`Handler.new`: write each file at ``files[relpath].path``
    (``file.path`` when there is one); the artifact is logged when the block exits without an
    exception and is then available as ``artifact``."""

    def __init__(self, staging: str, relpaths: Sequence[str]) -> None:
        self.staging_dir = staging
        self.files: Dict[str, _NewFile] = {}
        for rel in relpaths:
            p = os.path.join(staging, *rel.split("/"))
            os.makedirs(os.path.dirname(p), exist_ok=True)
            self.files[rel] = _NewFile(p, rel)
        self.artifact: Optional[Artifact] = None

    @property
    def file(self) -> _NewFile:
        if len(self.files) != 1:
            raise InvalidInputError(f"this new artifact has {len(self.files)} files; use .files[relpath]")
        return next(iter(self.files.values()))


def _jsonable(value: Any) -> Any:
    """Query values as JSON: datetimes -> ISO-8601 (naive = UTC), dates -> YYYY-MM-DD."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def _python_packages() -> Dict[str, str]:
    from importlib import metadata

    out: Dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"] if dist.metadata else None
        if name:
            out.setdefault(name, dist.version)
    return out


def _row(record: Dict[str, Any]) -> Dict[str, Any]:
    labels = record.get("labels") or {}
    row = {
        "artifact_id": record["artifact_id"],
        "name": record.get("name"),
        "version": record.get("version", 0),
        "username": record["username"],
        "creation_time": _parse_time(record["creation_time"]),
        "file_relpaths": sorted((record.get("files") or {}).keys()),
    }
    for key in ("datatype", "ticket", "project", "dataset", "description"):
        row[f"labels.{key}"] = labels.get(key)
    row["labels.infos"] = labels.get("infos") or {}
    row["based_on"] = list(record.get("based_on") or [])
    row["hostname"] = record.get("hostname", "")
    row["run_id"] = record.get("run_id", "")
    return row


class Handler:
    """Logs, finds and reads artifacts; see the module documentation.

    ``root`` (a folder, ``s3://bucket/prefix`` or a DVC remote name) and ``catalog``
    (``sqlite:///path`` or ``postgresql://...``) override the configuration; ``user`` the
    username (also :func:`mock_username`). Every artifact returned by :meth:`get` is recorded,
    and :meth:`new` / :meth:`upload` (``based_on_reads=True``) list them in ``based_on``.
    """

    def __init__(self, root: Optional[PathLike] = None, catalog: Optional[str] = None,
                 user: Optional[str] = None) -> None:
        if root is not None:
            root = os.fspath(root)
            if "://" not in root and (os.sep in root or root.startswith(".")):
                root = os.path.abspath(root)
        if user is None:
            user = getattr(_mock_user, "name", None)
        self._user = user
        self._core = _core.Artifacts.open(os.getcwd(), root, catalog, user)
        self._reads: List[str] = []
        self._packages: Optional[Dict[str, str]] = None

    def __repr__(self) -> str:
        s = self.settings
        return f"Handler(root={s['root_url']!r}, catalog={s['catalog_url']!r}, user={s['username']!r})"

    @property
    def settings(self) -> Dict[str, Any]:
        """The resolved settings (catalog URL with any password redacted, root, username...)."""
        return self._core.settings()

    @property
    def reads(self) -> List[str]:
        """The ids :meth:`get` returned so far, in first-read order."""
        return list(self._reads)

    # ---------------------------------------------------------------- logging

    def upload(self, paths: Union[PathLike, Sequence[PathLike]], labels: Optional[Labels] = None,
               name: Optional[str] = None, based_on: Sequence[str] = (), based_on_reads: bool = False) -> Artifact:
        """Logs files (or folders, recursively) as one new artifact and returns it. A path under
        the current directory keeps its relative path inside the artifact, any other its base
        name. ``based_on`` lists artifact ids or NAME@VERSION refs."""
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        return self._log([os.fspath(p) for p in paths], [], labels, name, based_on, based_on_reads)

    @contextlib.contextmanager
    def new(self, relpaths: Union[str, Sequence[str]], labels: Optional[Labels] = None, name: Optional[str] = None,
            based_on: Sequence[str] = ()) -> Iterator[NewArtifact]:
        """A staging folder for files to write; logged on a clean exit, with based_on = every
        artifact :meth:`get` returned (plus ``based_on``). Nothing is logged if the block
        raises; a file that was not written is an error."""
        if isinstance(relpaths, str):
            relpaths = [relpaths]
        staging = tempfile.mkdtemp(prefix="cairn-new-")
        try:
            new = NewArtifact(staging, list(relpaths))
            yield new
            missing = [rel for rel, f in new.files.items() if not os.path.exists(f.path)]
            if missing:
                raise NotFoundError(f"new artifact: these files were not written: {missing}")
            files = [(f.path, rel) for rel, f in new.files.items()]
            new.artifact = self._log([], files, labels, name, based_on, True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _log(self, paths: List[str], files: List[tuple], labels: Optional[Labels], name: Optional[str],
             based_on: Sequence[str], based_on_reads: bool) -> Artifact:
        refs = list(based_on)
        if based_on_reads:
            refs += [r for r in self._reads if r not in refs]
        if self._packages is None:
            self._packages = _python_packages()
        text, _queued = self._core.log(
            paths, files, name, json.dumps((labels or Labels()).to_dict()), refs, self._user, self._packages,
            list(sys.argv), "python", platform.python_version())
        return Artifact(self, json.loads(text))

    # ---------------------------------------------------------------- reading

    def get(self, ref: str) -> Artifact:
        """The artifact with this id, NAME, NAME@latest or NAME@VERSION; remembered as read."""
        art = Artifact(self, json.loads(self._core.resolve(ref)))
        self._core.note_read(art.artifact_id)
        if art.artifact_id not in self._reads:
            self._reads.append(art.artifact_id)
        return art

    def find(self, query: Optional[Mapping[str, Any]] = None, max_docs: int = 100):
        """Artifacts matching a Mongo-style filter, newest first, at most ``max_docs`` (<= 0:
        all): a pandas DataFrame indexed by artifact_id, or a list of dicts without pandas."""
        text = json.dumps(_jsonable(query or {}))
        _total, records = self._core.find(text, int(max_docs))
        rows = [_row(json.loads(r)) for r in records]
        try:
            import pandas as pd
        except ImportError:
            return rows
        columns = list(_row({"artifact_id": "", "username": "", "creation_time": "1970-01-01T00:00:00Z"}).keys())
        df = pd.DataFrame.from_records(rows, columns=columns)
        return df.set_index("artifact_id")

    def count(self, query: Optional[Mapping[str, Any]] = None) -> int:
        """How many artifacts match."""
        total, _ = self._core.find(json.dumps(_jsonable(query or {})), 1)
        return total

    def lineage(self, ref: str, direction: str = "up", depth: int = 0) -> Dict[str, Any]:
        """Edges and nodes reachable over based_on (``up``: what ref was based on)."""
        return json.loads(self._core.lineage(ref, direction, depth))

    def sync(self, full: bool = False) -> Dict[str, Any]:
        """Ingests records from the root into the catalog (see ``cairn catalog sync``)."""
        return self._core.sync(full)
