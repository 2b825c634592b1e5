#!/usr/bin/env python3
"""Generates gitignore_vectors.json: the .gitignore line DVC 3.67.1 writes for an output name
(scmrepo Git._get_gitignore + pathspec 1.1.1 GitWildMatchPattern.escape), and the file bytes
after appending it to a few existing .gitignore contents (scmrepo _add_entry_to_gitignore).

Run: ~/.cache/cairn/dvc-3.67.1/bin/python gen_gitignore_vectors.py > gitignore_vectors.json
"""
import json
import os
import tempfile
import warnings

warnings.simplefilter("ignore")
from pathspec.patterns import GitWildMatchPattern  # noqa: E402
from scmrepo.git import Git  # noqa: E402

NAMES = ["data", "data.csv", "a b", "[x]", "!important", "*.log", "#hash", "what?", "back\\slash",
         "mixed[!*#?]\\", "é", "trailing ", "dir.d", "-", "a]b", "x!"]
EXISTING = ["", "/other\n", "/other", "# comment\n\n", "/data\n", "/a\n/b"]


def main():
    escapes = [{"name": n, "entry": GitWildMatchPattern.escape("/" + n)} for n in NAMES]
    appends = []
    for before in EXISTING:
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, ".gitignore")
            if before:
                with open(p, "w", encoding="utf-8", newline="") as f:
                    f.write(before)
            Git._add_entry_to_gitignore(None, "/new", p)
            with open(p, encoding="utf-8", newline="") as f:
                appends.append({"before": before, "entry": "/new", "after": f.read()})
    print(json.dumps({"escapes": escapes, "appends": appends}, indent=0, ensure_ascii=True))


if __name__ == "__main__":
    main()
