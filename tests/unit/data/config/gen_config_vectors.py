#!/usr/bin/env python3
"""Generates config_steps.json by running the real `dvc config` (DVC 3.67.1) in a scratch repo.

Run: ~/.cache/cairn/dvc-3.67.1/bin/python gen_config_vectors.py > config_steps.json
Each step sets or unsets one option at one level from a working directory and records DVC's
exit code, stderr's ERROR line, and the bytes of .dvc/config and .dvc/config.local after it.
"gets" record `dvc config <name>` output after all steps. "{root}" stands for the repository
root and "{home}" for $HOME (set to a fake directory).
"""
import json
import os
import subprocess
import sys
import tempfile

DVC = os.path.join(os.path.dirname(sys.executable), "dvc")

STEPS = [
    ("repo", "core", "autostage", "TRUE", ""),
    ("repo", "cache", "type", "reflink,copy", ""),
    ("repo", "cache", "dir", "../x", ""),
    ("repo", "cache", "dir", "../../y", "sub"),
    ("repo", "remote \"myr\"", "url", "/tmp/store", ""),
    ("repo", "remote \"myr\"", "jobs", "4", ""),
    ("local", "remote \"myr\"", "url", "../local_store", "sub"),
    ("repo", "core", "remote", "MyR", ""),
    ("repo", "core", "foo", "1", ""),
    ("repo", "core", "checksum_jobs", "0", ""),
    ("repo", "core", "checksum_jobs", " 3", ""),
    ("repo", "cache", "shared", "Group", ""),
    ("repo", "cache", "type", "copy,foo", ""),
    ("repo", "core", "autostage", "yes", ""),
    ("repo", "core", "autostage", None, ""),
    ("repo", "cache", "type", None, ""),
    ("local", "remote \"myr\"", "url", None, ""),
    ("repo", "core", "nonexist", None, ""),
    ("repo", "remote \"nope\"", "url", None, ""),
    ("repo", "cache", "dir", "~/foo", ""),
    ("repo", "remote \"s3r\"", "url", "s3://b/p", ""),
    ("repo", "remote \"s3r\"", "credentialpath", "creds/x", "sub"),
    ("repo", "cache", "slow_link_warning", "False", ""),
    ("repo", "state", "dir", "x", ""),
    ("repo", "cache", "protected", "true", ""),
    ("repo", "core", "hardlink_lock", "#x", ""),
    ("repo", "core", "site_cache_dir", "a,b", ""),
]
GETS = [("cache", "dir"), ("core", "remote"), ("remote \"myr\"", "url"), ("core", "missing"),
        ("remote \"s3r\"", "credentialpath"), ("core", "site_cache_dir")]


def cli_name(section, key):
    if section.startswith("remote "):
        return "remote." + section[len("remote \""):-1] + "." + key
    return section + "." + key


def main():
    out = {"steps": [], "gets": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = os.path.realpath(tmp)
        root = os.path.join(tmp, "repo")
        home = os.path.join(tmp, "home")
        os.makedirs(os.path.join(root, "sub"))
        os.makedirs(home)
        env = dict(os.environ, HOME=home, DVC_NO_ANALYTICS="1",
                   DVC_GLOBAL_CONFIG_DIR=os.path.join(tmp, "global"),
                   DVC_SYSTEM_CONFIG_DIR=os.path.join(tmp, "system"))
        subprocess.run([DVC, "init", "--no-scm", "-q"], cwd=root, env=env, check=True)
        subprocess.run([DVC, "config", "-u", "core.no_scm"], cwd=root, env=env, check=True)

        def read(rel):
            p = os.path.join(root, rel)
            if not os.path.exists(p):
                return None
            with open(p, encoding="utf-8", newline="") as f:
                return f.read()

        def sub(s):
            return s.replace(root, "{root}").replace(home, "{home}")

        for level, section, key, value, cwd in STEPS:
            args = [DVC, "config", "--" + ("project" if level == "repo" else level)]
            if value is None:
                args.append("-u")
            args.append(cli_name(section, key))
            if value is not None:
                args.append(value)
            r = subprocess.run(args, cwd=os.path.join(root, cwd), env=env, capture_output=True,
                               text=True)
            err = [l for l in r.stderr.splitlines() if l.startswith("ERROR")]
            out["steps"].append({
                "level": level, "section": section, "key": key, "value": value, "cwd": cwd,
                "rc": r.returncode, "error": sub(err[0]) if err else None,
                "config": read(".dvc/config"), "config_local": read(".dvc/config.local"),
            })
        for section, key in GETS:
            r = subprocess.run([DVC, "config", cli_name(section, key)], cwd=root, env=env,
                               capture_output=True, text=True)
            out["gets"].append({"section": section, "key": key, "rc": r.returncode,
                                "stdout": sub(r.stdout)})
        r = subprocess.run([DVC, "config", "-l"], cwd=root, env=env, capture_output=True, text=True)
        out["list"] = sub(r.stdout)
    print(json.dumps(out, indent=1, ensure_ascii=True))


if __name__ == "__main__":
    main()
