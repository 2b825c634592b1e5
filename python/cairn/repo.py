"""cairn.Repo: a DVC 3 repository, driven by the cairn engine.

Paths given to methods are relative to the directory the Repo was opened at (like a shell's
working directory for the CLI); paths in results are relative to it too, as DVC prints them.
Every result is plain Python data (str, int, bool, list, dict).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from typing import Any, Dict, Iterable, Iterator, List, Optional, Union

from . import _core
from .errors import InvalidInputError, from_code

__all__ = ["Repo"]

PathLike = Union[str, "os.PathLike[str]"]
Targets = Union[PathLike, Iterable[PathLike], None]

_log = logging.getLogger("cairn")


def _targets(targets: Targets) -> List[str]:
    if targets is None:
        return []
    if isinstance(targets, (str, os.PathLike)):
        return [os.fspath(targets)]
    return [os.fspath(t) for t in targets]


def _jobs(jobs: int) -> int:
    if jobs < 0:
        raise InvalidInputError(f"jobs must be >= 0, got {jobs}")
    return jobs


def _raise_failures(r: Dict[str, Any], method: str, result: Dict[str, Any]) -> None:
    """Raises the first failure of a transfer (DVC raises UploadError/DownloadError)."""
    if not r["failed"]:
        return
    first = r["failures"][0] if r["failures"] else {"code": "io", "oid": "", "message": ""}
    msg = f"{r['failed']} files failed to {method}"
    if first["oid"]:
        msg += f"; first: '{first['oid']}': {first['message']}"
    exc = from_code(first["code"], msg)
    exc.result = dict(result, failures=r["failures"])  # type: ignore[attr-defined]
    raise exc


class Repo:
    """An opened DVC repository.

    ``Repo(path)`` opens the repository containing ``path`` (searching upwards, as DVC does)
    and raises :class:`cairn.NotFoundError` when there is none. The configuration and
    ``.dvcignore`` are read when the Repo is opened.

    A Repo may be shared between threads; its calls run one at a time and release the GIL
    while the engine works. Methods that write take the repository lock (``.dvc/tmp/lock``,
    the one DVC uses) for the duration of the call.
    """

    def __init__(self, path: PathLike = ".") -> None:
        cwd = os.path.abspath(os.fspath(path))
        self._core = _core.Repository.open(cwd)
        self._mutex = threading.RLock()

    @classmethod
    def init(
        cls,
        path: PathLike = ".",
        *,
        no_scm: bool = False,
        force: bool = False,
        subdir: bool = False,
    ) -> "Repo":
        """Creates a DVC repository at ``path`` exactly as ``dvc init`` does and opens it.

        Without ``no_scm`` the directory must be a Git repository (``.dvc/config``,
        ``.dvc/.gitignore`` and ``.dvcignore`` are staged). ``force`` re-initialises an
        existing ``.dvc/``; ``subdir`` allows a repository below the Git root.
        """
        root = _core.init(os.getcwd(), os.fspath(path), bool(no_scm), bool(force), bool(subdir))
        return cls(root)

    # ---- properties -------------------------------------------------------------------

    @property
    def root(self) -> str:
        """Absolute path of the repository root."""
        return self._core.root

    @property
    def dvc_dir(self) -> str:
        """Absolute path of the ``.dvc`` directory."""
        return self._core.dvc_dir

    @property
    def cwd(self) -> str:
        """The directory that relative targets and result paths refer to."""
        return self._core.cwd

    def __repr__(self) -> str:
        if self.cwd != self.root:
            return f"Repo(root={self.root!r}, cwd={self.cwd!r})"
        return f"Repo(root={self.root!r})"

    # ---- commands ---------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One call at a time; holds the repository lock and saves the stat cache after."""
        with self._mutex:
            lock = self._core.lock()
            try:
                yield
            finally:
                try:
                    self._core.flush_state()
                finally:
                    lock.release()

    def add(
        self,
        targets: Targets,
        *,
        no_commit: bool = False,
        out: Optional[PathLike] = None,
        jobs: int = 0,
    ) -> Dict[str, List[str]]:
        """Tracks files or directories (``dvc add``).

        Hashes each target, stores its content in the cache (unless ``no_commit``), writes
        ``<target>.dvc`` and adds the target to the ``.gitignore`` beside it. ``out`` copies
        the single target to that path first and tracks the copy. ``jobs=0`` picks a default.

        Returns ``{"dvc_files": [...], "files_to_track": [...]}``: the ``.dvc`` files written
        or unchanged, and the changed ``.dvc``/``.gitignore`` files to commit to Git.
        """
        t = _targets(targets)
        if not t:
            raise InvalidInputError("add: no targets given")
        out_s = os.fspath(out) if out is not None else None
        with self._locked():
            r = self._core.add(t, not no_commit, out_s, _jobs(jobs))
        return {"dvc_files": r["dvc_files"], "files_to_track": r["files_to_track"]}

    def commit(self, targets: Targets = None, *, force: bool = False, jobs: int = 0) -> Dict[str, List[str]]:
        """Records the current workspace content of tracked outputs (``dvc commit``).

        Without ``force``, an output whose content changed is refused with
        :class:`cairn.ConflictError`. Returns the same structure as :meth:`add`.
        """
        with self._locked():
            r = self._core.commit(_targets(targets), bool(force), _jobs(jobs))
        return {"dvc_files": r["dvc_files"], "files_to_track": r["files_to_track"]}

    def status(
        self,
        targets: Targets = None,
        *,
        jobs: int = 0,
        cloud: bool = False,
        remote: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Workspace versus recorded outputs, as ``dvc status --json`` prints it.

        ``{"data.dvc": [{"changed outs": {"data": "modified"}}]}``; states are ``deleted``,
        ``modified``, ``new`` and ``not in cache``. Unchanged files are absent, so an
        up-to-date workspace gives ``{}``.

        With ``cloud=True`` (or a ``remote`` name) the cache is compared with a remote instead,
        as ``dvc status -c --json``: ``{"data/a.txt": "new", "old.bin": "deleted"}`` where
        ``new`` is in the cache only, ``deleted`` on the remote only and ``missing`` in
        neither; in sync gives ``{}``.
        """
        if cloud or remote:
            with self._locked():
                r = self._core.cloud_status(_targets(targets), remote or "", _jobs(jobs))
            for d in r["unavailable_dirs"]:
                _log.warning("missing cache files (neither in the cache nor on the remote): %s", d)
            return {e["name"]: e["state"] for e in r["entries"]}
        with self._locked():
            r = self._core.status(_targets(targets), _jobs(jobs))
        result: Dict[str, List[Dict[str, Dict[str, str]]]] = {}
        for f in r["changed"]:
            entries: List[Dict[str, Dict[str, str]]] = []
            if f["changed_deps"]:
                entries.append({"changed deps": {s["path"]: s["state"] for s in f["changed_deps"]}})
            if f["changed_outs"]:
                entries.append({"changed outs": {s["path"]: s["state"] for s in f["changed_outs"]}})
            result[f["dvc_file"]] = entries
        return result

    def checkout(
        self,
        targets: Targets = None,
        *,
        force: bool = False,
        relink: bool = False,
        jobs: int = 0,
    ) -> Dict[str, List[str]]:
        """Makes the workspace match the recorded outputs (``dvc checkout``).

        A workspace file whose content is not in the cache is never replaced or deleted
        unless ``force``. ``relink`` re-creates links per ``cache.type`` even when content
        matches. Returns ``{"added", "modified", "deleted", "failed"}`` lists of outputs
        (directories end with ``/``); failure causes are logged on the ``cairn`` logger.
        """
        with self._locked():
            r = self._core.checkout(_targets(targets), bool(force), bool(relink), _jobs(jobs))
        for line in r["errors"]:
            _log.error("%s", line)
        return {"added": r["added"], "modified": r["modified"], "deleted": r["deleted"], "failed": r["failed"]}

    def push(
        self, targets: Targets = None, *, remote: Optional[str] = None, jobs: Optional[int] = None
    ) -> Dict[str, Any]:
        """Uploads the cache objects of tracked outputs the remote lacks (``dvc push``).

        ``remote`` names the remote (default: each output's ``remote:`` field, else the
        default remote); ``jobs`` the parallel transfers (default: the remote's ``jobs``
        option, else 4 x cores). Returns ``{"pushed": n, "missing": [...]}`` where
        ``missing`` lists objects found neither in the cache nor on the remote
        (``"md5: <id>"``). When any object fails to upload, raises the :class:`cairn.Error`
        of the first failure (``.result`` holds the full result with ``"failures"``).
        """
        with self._locked():
            r = self._core.push(_targets(targets), remote or "", _jobs(jobs or 0))
        result = {"pushed": r["transferred"], "missing": r["missing"]}
        _raise_failures(r, "upload", result)
        return result

    def fetch(
        self, targets: Targets = None, *, remote: Optional[str] = None, jobs: Optional[int] = None
    ) -> Dict[str, Any]:
        """Downloads into the cache the objects of tracked outputs it lacks (``dvc fetch``).

        Every object is verified before it enters the cache. Returns
        ``{"fetched": n, "missing": [...]}``; raises like :meth:`push` when a download fails.
        """
        with self._locked():
            r = self._core.fetch(_targets(targets), remote or "", _jobs(jobs or 0))
        if r["no_default_remote"]:
            _log.warning("No remote provided and no default remote set.")
        result = {"fetched": r["transferred"], "missing": r["missing"]}
        _raise_failures(r, "download", result)
        return result

    def pull(
        self,
        targets: Targets = None,
        *,
        remote: Optional[str] = None,
        jobs: Optional[int] = None,
        force: bool = False,
    ) -> Dict[str, Any]:
        """:meth:`fetch` then :meth:`checkout` (``dvc pull``).

        Returns DVC's structure: ``{"added": [...], "modified": [...], "deleted": [...],
        "failed": [...], "stats": {"fetched": n, "modified": n, "added": n, "deleted": n}}``
        (outputs relative to the Repo's directory; directories end with ``/``). Raises like
        :meth:`fetch` when a download fails (nothing is checked out then).
        """
        with self._locked():
            r = self._core.pull(_targets(targets), remote or "", _jobs(jobs or 0), bool(force))
        f = r["fetch"]
        if f["no_default_remote"]:
            _log.warning("No remote provided and no default remote set.")
        _raise_failures(f, "download", {"fetched": f["transferred"], "missing": f["missing"]})
        c = r["checkout"]
        for line in c["errors"]:
            _log.error("%s", line)
        return {
            "added": c["added"],
            "modified": c["modified"],
            "deleted": c["deleted"],
            "failed": c["failed"],
            "stats": {
                "fetched": f["transferred"],
                "modified": c["files_modified"],
                "added": c["files_added"],
                "deleted": c["files_deleted"],
            },
        }

    def diff(self, a_rev: str = "HEAD", b_rev: Optional[str] = None) -> Dict[str, List[Dict[str, Any]]]:
        """Tracked-data changes between two Git revisions, or ``a_rev`` and the workspace.

        Same structure as ``dvc diff --json``: keys ``added``, ``deleted``, ``modified``,
        ``renamed`` (and ``not in cache`` when ``b_rev`` is the workspace), each a list of
        ``{"path": p}``; a rename is ``{"path": {"old": p, "new": q}}``. Paths are relative
        to the repository root; directories end with ``/``. No change gives ``{}``.
        """
        with self._locked():
            r = self._core.diff(a_rev, b_rev or "")
        groups = ["added", "deleted", "modified", "renamed"]
        if not b_rev:
            groups.append("not in cache")
        if not any(r[g.replace(" ", "_")] for g in groups):
            return {}
        result: Dict[str, List[Dict[str, Any]]] = {}
        for g in groups:
            entries = r[g.replace(" ", "_")]
            if g == "renamed":
                result[g] = [{"path": {"old": e["path"], "new": e["new_path"]}} for e in entries]
            else:
                result[g] = [{"path": e["path"]} for e in entries]
        return result

    def gc(self, *, workspace: bool = True, dry: bool = False) -> Dict[str, Any]:
        """Removes cache objects not used by the workspace's ``.dvc`` files (``dvc gc -w -f``).

        Only the workspace scope exists; ``workspace=False`` raises InvalidInputError. With
        ``dry`` nothing is deleted. Returns ``{"removed": [object ids], "kept": n}``.
        """
        if not workspace:
            raise InvalidInputError("gc: only the workspace scope (workspace=True) is supported")
        with self._locked():
            r = self._core.gc_workspace(bool(dry))
        return {"removed": r["removed"], "kept": r["kept"]}

    def remove(self, target: PathLike, *, outs: bool = False) -> None:
        """Stops tracking: removes the ``.dvc`` file of ``target`` (an output or ``.dvc``
        file) and its ``.gitignore`` line; ``outs=True`` also deletes the output."""
        with self._locked():
            self._core.remove_tracked(os.fspath(target), bool(outs))

    def ls(self) -> List[Dict[str, Any]]:
        """The tracked outputs, like ``cairn ls --json``: dicts with ``path``, ``dvc_file``,
        ``isdir``, ``size``, ``nfiles`` (directories only) and ``md5`` ("" if none)."""
        with self._mutex:
            r = self._core.list_tracked()
        result: List[Dict[str, Any]] = []
        for t in r:
            item: Dict[str, Any] = {"path": t["path"], "dvc_file": t["dvc_file"], "isdir": t["is_dir"], "size": t["size"]}
            if t["is_dir"]:
                item["nfiles"] = t["nfiles"]
            item["md5"] = t["md5"]
            result.append(item)
        return result

    def repro(
        self,
        targets: Targets = None,
        *,
        jobs: int = 1,
        force: bool = False,
        single_item: bool = False,
        downstream: bool = False,
        dry: bool = False,
        keep_going: bool = False,
        no_commit: bool = False,
        quiet: bool = False,
    ) -> Dict[str, Any]:
        """Reproduces pipeline stages (``dvc repro``; ``cairn repro --help``).

        ``targets``: stage names, ``dvc.yaml`` files, ``path/dvc.yaml:name`` or outputs (default:
        the ``dvc.yaml`` of the directory the Repo was opened at). ``jobs`` > 1 runs independent
        stages at once. Stage messages and the commands' output go to this process's
        stdout/stderr (``quiet`` silences the messages). Returns ``{"ran": [...],
        "unchanged": [...], "skipped": [...], "files_to_track": [...]}`` (stage addresses;
        with ``dry`` the stages that would run). A failing stage raises :class:`cairn.Error`
        with DVC's message ("failed to reproduce 'x': ..."); its ``.result`` holds the same
        dict plus ``"failed"``. Invalid pipelines (cycles, bad dvc.yaml) raise before anything
        runs.
        """
        with self._locked():
            r = _core.repro(self._core, _targets(targets), bool(force), bool(single_item), bool(downstream),
                            bool(dry), bool(keep_going), bool(no_commit), max(1, _jobs(jobs)), bool(quiet))
        result = {k: r[k] for k in ("ran", "unchanged", "skipped", "files_to_track")}
        if r["error"]:
            exc = from_code("io", r["error"])
            exc.result = dict(result, failed=r["failed"])  # type: ignore[attr-defined]
            raise exc
        return result

    def stage_add(
        self,
        name: str,
        cmd: Union[str, List[str]],
        *,
        deps: Iterable[PathLike] = (),
        params: Iterable[str] = (),
        outs: Iterable[PathLike] = (),
        outs_no_cache: Iterable[PathLike] = (),
        metrics: Iterable[PathLike] = (),
        metrics_no_cache: Iterable[PathLike] = (),
        plots: Iterable[PathLike] = (),
        wdir: Optional[PathLike] = None,
        always_changed: bool = False,
        desc: Optional[str] = None,
        force: bool = False,
    ) -> Dict[str, Any]:
        """Adds a stage to the ``dvc.yaml`` of the directory the Repo was opened at
        (``dvc stage add``). ``cmd`` is the command string (or its words, joined as DVC
        does); ``params`` take DVC's ``-p`` forms ("lr,epochs", "file.yaml:key", "file.yaml:").
        Raises :class:`cairn.ConflictError`-family errors with DVC's messages (existing stage
        without ``force``, duplicate/overlapping outputs, cycles). Returns ``{"address":
        "train", "dvc_yaml": "dvc.yaml", "files_to_track": [...]}``.
        """
        words = [cmd] if isinstance(cmd, str) else list(cmd)
        fs = lambda xs: [os.fspath(x) for x in xs]  # noqa: E731
        with self._locked():
            r = _core.stage_add(self._core, name, words, fs(deps), list(params), fs(outs), fs(outs_no_cache),
                                fs(metrics), fs(metrics_no_cache), fs(plots),
                                os.fspath(wdir) if wdir is not None else None, bool(always_changed), desc,
                                bool(force))
        return {"address": r["address"], "dvc_yaml": r["dvc_yaml"], "files_to_track": r["files_to_track"]}
