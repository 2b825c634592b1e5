"""cairn.Handler: the notebook story of issue 5 end to end against the installed package —
upload, find (DataFrame, datetimes, regex), get (files readable by pandas, python_packages),
new() recording based_on, mock_username / user=, root= / catalog= overrides, file helpers,
errors as cairn.Error subclasses, and find without pandas.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

import cairn

UTC = timezone.utc


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch) -> Path:
    """A working folder with docs/train.txt and docs/test.txt, the root and catalog set by the
    environment (as a user's config would)."""
    ws = tmp_path / "ws"
    (ws / "docs").mkdir(parents=True)
    (ws / "docs" / "train.txt").write_text("a,b\n1,2\n3,4\n")
    (ws / "docs" / "test.txt").write_text("a,b\n5,6\n")
    monkeypatch.chdir(ws)
    monkeypatch.setenv("CAIRN_ARTIFACTS_ROOT", str(tmp_path / "root"))
    monkeypatch.setenv("CAIRN_CATALOG_URL", f"sqlite:///{tmp_path / 'catalog.db'}")
    return ws


def test_notebook_story(workspace: Path):
    with cairn.mock_username("user-a"):
        h = cairn.Handler()  # root and catalog from the environment
        art = h.upload(["docs/train.txt", "docs/test.txt"],
                       labels=cairn.Labels(ticket="AB-123", datatype="annotation_file",
                                           infos={"stratification": "x"}))
    assert art.artifact_id.startswith("artifact_")
    assert sorted(art.files) == ["docs/test.txt", "docs/train.txt"]
    assert art.metadata.username == "user-a"

    df = h.find({"username": "user-a", "labels.datatype": "annotation_file",
                 "creation_time": {"$gte": datetime.now(tz=UTC) - timedelta(days=7)},
                 "file_relpaths": {"$regex": r"\.txt"}}, max_docs=1)
    assert isinstance(df, pd.DataFrame)
    assert list(df.index) == [art.artifact_id]
    assert df.index.name == "artifact_id"
    assert df.loc[art.artifact_id, "labels.ticket"] == "AB-123"
    # a time window that excludes it finds nothing
    assert h.find({"creation_time": {"$lt": datetime.now(tz=UTC) - timedelta(days=7)}}).empty

    a = h.get(df.index[0])
    test = pd.read_csv(a.files["test.txt"].url)  # base name works when unambiguous
    assert test.to_dict("list") == {"a": [5], "b": [6]}
    assert a.metadata.python_packages["pandas"] == pd.__version__
    assert a.labels.infos == {"stratification": "x"}
    assert a.metadata.executable == "python"

    with h.new(["model.pt"], labels=cairn.Labels(datatype="model")) as new:
        Path(new.file.path).write_bytes(b"weights")
    model = new.artifact
    assert model is not None and model.metadata.based_on == [a.artifact_id]
    assert model.file.read_bytes() == b"weights"

    based = h.find({"based_on": a.artifact_id})
    assert list(based.index) == [model.artifact_id]
    lineage = h.lineage(model.artifact_id, "up")
    assert [(e["child"], e["parent"]) for e in lineage["edges"]] == [(model.artifact_id, a.artifact_id)]


def test_user_argument_mock_username_and_overrides(workspace: Path, tmp_path: Path):
    h = cairn.Handler(user="user-b")
    h.upload("docs/train.txt")
    with cairn.mock_username("user-c"):
        cairn.Handler().upload("docs/test.txt")
    assert list(h.find({"username": "user-b"})["username"]) == ["user-b"]
    assert h.count({"username": "user-c"}) == 1
    # explicit root= / catalog= beat the environment: a separate, empty catalog
    other = cairn.Handler(root=tmp_path / "other-root", catalog=f"sqlite:///{tmp_path / 'other.db'}")
    assert other.count() == 0
    assert other.settings["catalog_url"].endswith("other.db")
    logged = other.upload("docs/train.txt", name="train-set")
    assert logged.version == 1
    assert other.get("train-set@1").artifact_id == logged.artifact_id
    assert h.count() == 2  # the first catalog is untouched


def test_file_helpers_and_download(workspace: Path, tmp_path: Path):
    h = cairn.Handler()
    art = h.upload(["docs"])  # a folder, recursively
    got = h.get(art.artifact_id)
    f = got.files["docs/train.txt"]
    assert f.read_text() == "a,b\n1,2\n3,4\n"
    assert f.size == len(f.read_bytes())
    dst = f.download(tmp_path / "out" / "copy.txt")
    assert Path(dst).read_text() == "a,b\n1,2\n3,4\n"
    paths = got.download(tmp_path / "all")
    assert sorted(Path(p).relative_to(tmp_path / "all").as_posix() for p in paths) == [
        "docs/test.txt", "docs/train.txt"]
    with pytest.raises(cairn.InvalidInputError):
        got.file  # two files: .file is ambiguous


def test_new_is_not_logged_when_the_block_raises(workspace: Path):
    h = cairn.Handler()
    with pytest.raises(RuntimeError):
        with h.new(["model.pt"]) as new:
            Path(new.file.path).write_bytes(b"half")
            raise RuntimeError("training crashed")
    assert h.count() == 0
    with pytest.raises(cairn.NotFoundError):
        with h.new(["never-written.bin"]):
            pass
    assert h.count() == 0


def test_errors_are_cairn_errors(workspace: Path):
    h = cairn.Handler()
    with pytest.raises(cairn.NotFoundError):
        h.get("artifact_00000000-0000-4000-8000-000000000000")
    with pytest.raises(cairn.InvalidInputError):
        h.find({"labels.ticket": {"$bogus": 1}})
    with pytest.raises(cairn.NotFoundError):
        h.upload("docs/missing.txt")


def test_find_without_pandas_returns_dicts(workspace: Path, monkeypatch):
    h = cairn.Handler()
    art = h.upload("docs/train.txt", labels=cairn.Labels(project="p1"))
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    rows = h.find({"labels.project": "p1"})
    assert isinstance(rows, list) and rows[0]["artifact_id"] == art.artifact_id
    assert rows[0]["labels.project"] == "p1"
