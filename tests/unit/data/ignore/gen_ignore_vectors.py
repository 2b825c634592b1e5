#!/usr/bin/env python3
"""Generates ignore_vectors.json with DVC 3.67.1's own DvcIgnoreFilter (pathspec 1.1.1).

Run: ~/.cache/cairn/dvc-3.67.1/bin/python gen_ignore_vectors.py > ignore_vectors.json
Each group: {"files": {relative .dvcignore path: text}, "subrepos": [dirs holding .dvc],
"cases": [[relpath, is_dir, ignored], ...]}. Paths need not exist; only the .dvcignore files
and subrepo markers are created on disk.
"""
import json
import os
import tempfile

from dvc.fs import LocalFileSystem
from dvc.ignore import DvcIgnoreFilter

PATHS = [
    "foo", "bar", "foo/bar", "a/foo", "a/b/foo", "foo.log", "a/x.log", "a/b/c.txt", "data",
    "data/x", "data/sub/y", "sub/foo", "sub/a/foo", "sub/x.log", "sub/keep.log", ".git",
    "a/.git", ".hg", ".dvc", "x/.dvc/config", "abc", "a[b]c", "a*c", "#x", "!x", "foo/",
    "dir/file", "Dir/File", "a/b", "b/a/b", "a/c/b", "a/x/y/b", "ab", "ba", "a b", "a\\b",
    "é", "x/é.log", "a?c", "a/b/c/d", "logs/2024/x.log", "build/out/bin", "sub", "a",
    "sub/sub/foo", "foo\\", "q/foo/z", "-", "]", "a-b",
]

PATTERNS = [
    "foo", "/foo", "foo/", "/foo/", "*.log", "!*.log", "a/*", "a/**", "**/b", "a/**/b",
    "**", "**/", "*", "*/", "a/", "a/b", "/a/b", "data/*", "data/**/y", "*.txt", "a?c",
    "a[b]c", "a\\[b\\]c", "a\\*c", "\\#x", "\\!x", "[!a]*", "[^a]b", "[a-c]", "[z-a]x",
    "[abc", "a[!/]b", "foo\\ ", "  foo", "**/foo/**", "a/**/", "*/b", "?", "??", "[]-]",
    "[!]-]", "a\\b", "a\\\\b", "é", "*.lo[g]", "logs/**/*.log", "build/", "!build/",
    "d*r/", "Dir", "dir/file", "/sub", "sub/", "*/*", "**/*.log", "a b", "!", "/",
    "# comment", "x/", "a[[:alpha:]]", "[a-]", "-",
]

COMBOS = [
    ["*.log", "!keep.log"], ["data/", "!data/x"], ["a/*", "!a/b"], ["foo", "!foo/bar"],
    ["*", "!*/"], ["*", "!a", "!a/*"], ["/a/**", "!/a/b/**"], ["build/", "!build/out/bin"],
    ["foo/", "!foo"], ["**/foo", "!sub/foo"], [".dvcignore"], ["!.git"],
]

NESTED = [
    {".dvcignore": "*.log\n", "sub/.dvcignore": "!keep.log\nfoo\n"},
    {"sub/.dvcignore": "foo\n/x.log\n"},
    {"sub/.dvcignore": "/a/\n*/foo\n**\n"},
    {"sub/.dvcignore": "\\*foo\n!sub\n"},
    {".dvcignore": "sub/\n", "sub/.dvcignore": "foo\n"},
    {".dvcignore": "sub/.dvcignore\n", "sub/.dvcignore": "foo\n"},
    {"a/.dvcignore": "b\n", "a/b/.dvcignore": "!c.txt\n"},
    {"a/.dvcignore": "**/foo\n!b/foo\n", "sub/sub/.dvcignore": "foo\n"},
]

SUBREPOS = [["sub"], ["a/b"]]


def run(files, subrepos=()):
    with tempfile.TemporaryDirectory() as root:
        root = os.path.realpath(root)
        for rel, text in files.items():
            p = os.path.join(root, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
        for rel in subrepos:
            os.makedirs(os.path.join(root, rel, ".dvc"), exist_ok=True)
        fs = LocalFileSystem()
        cases = []
        for path in PATHS:
            if path.endswith("/"):
                continue
            for is_dir in (False, True):
                filt = DvcIgnoreFilter(fs, root)
                abspath = os.path.join(root, path)
                if is_dir:
                    res = filt.is_ignored_dir(abspath)
                else:
                    res = filt.is_ignored_file(abspath)
                cases.append([path, is_dir, bool(res)])
        return {"files": files, "subrepos": list(subrepos), "cases": cases}


def main():
    groups = []
    for pat in PATTERNS:
        try:
            groups.append(run({".dvcignore": pat + "\n"}))
        except Exception as exc:  # noqa: BLE001  (DVC raises on invalid patterns)
            groups.append({"files": {".dvcignore": pat + "\n"}, "subrepos": [], "error": True,
                           "what": type(exc).__name__})
    for combo in COMBOS:
        groups.append(run({".dvcignore": "\n".join(combo) + "\n"}))
    for files in NESTED:
        groups.append(run(files))
    for subs in SUBREPOS:
        groups.append(run({}, subs))
    print(json.dumps(groups, indent=0, ensure_ascii=True))


if __name__ == "__main__":
    main()
