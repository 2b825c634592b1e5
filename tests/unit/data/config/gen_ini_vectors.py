#!/usr/bin/env python3
"""Generates ini_vectors.json: ConfigObj/DVC parse + save results for IniFile tests.

Run with DVC 3.67.1's interpreter:
  ~/.cache/cairn/dvc-3.67.1/bin/python gen_ini_vectors.py > ini_vectors.json
Each case: {"input": text, "ok": bool, "dump": DVC's saved bytes (when ok and savable),
"line": first error line (when not ok)}. DVC reads config files in text mode (universal
newlines) with ConfigObj, lower-cases keys (dvc/config.py load_file) and saves through
ConfigObj(_pack_named(conf)).write().
"""
import io
import json
import os
import random
import tempfile

from configobj import ConfigObj, ConfigObjError

from dvc.config import Config, ConfigError, _pack_named

HAND = [
    "", "\n", "# only a comment\n", "[core]\n", "[core]\n    remote = myremote\n",
    "[core]\nremote = x\n[cache]\ntype = reflink,copy\n",
    "[cache]\ntype = \"reflink,copy\"\n", "[core]\nfoo\n", "[core]\na=1\na=2\n",
    "[core]\n[core]\n", "x\ny\n", "[a]\nk = \"v\" # c\n", "[a]\nk = v,w\n", "[a]\nk = v,\n",
    "[a]\nk = ,\n", "[a]\nk = \n", "[a]\nk = '''x\ny'''\n", "[a]\n  = v\n", "[[a]]\n",
    "[a]\n[[b]]\nx=1\n", "[ a ]\n", "[a]]\n", "[\"a\"]\n", "['remote \"x\"']\n",
    "[remote \"x\"]\nurl = /a\n", "[a]\nk=\"a\"b\"\n", "\ufeff[a]\n", "[a]\nk=%(x)s\nx=1\n",
    "[a]\rk=1\r", "[a]\x0ck=1\n", "[A]\nK=1\n[a]\nk=2\nz=3\n",
    "['remote \"X\"']\nUrl=1\n[ remote   \"x\" ]\nfoo=2\n",
    "['remote \"b\"']\nurl=1\n[core]\nremote=b\n['machine \"m\"']\n['db \"d\"']\nu=1\n[cache]\n",
    "top = 1\n[core]\nx = 2\n", "top = \n[core]\nx = 2\n", "[a]\nk = 'it''s'\n",
    "[a]\nk = \"a'b\\\"c\"\n", "[a]\nk = a # b # c\n", "[a]\nk = \"#\"\n", "[a]\nk = ' x '\n",
    "[a]\nk = \"\"\"x\n\"\"\"\n", "[a]\nk = '''\nmulti\nline\n'''  # c\n", "[a]\nk = '''x\n",
    "[a]\nk = '''x''' y\n", "[a]\nk = a, \"b,c\", 'd'\n", "[a]\nk = , a\n", "[a]\nk = a,,b\n",
    "[a]\nk = \"a\" \"b\"\n", "[a]\n\"k k\" = 1\n'x' = 2\n", "[a] # comment\nk=1\n",
    "[a]\nk=%(missing)s\n", "[a]\nk=%(k)s\n", "[DEFAULT]\nd=1\n[a]\nk=%(d)s\n",
    "[a]\nk=é\n[É]\nÀ=1\n", "[a]\nk = x\xa0\n", "[a]\n\tk\t=\tv\t\n", "[ [a] ]\n", "[a\n",
    "[a]\n=\n", "[a]\n==\n", "[a]\nk==v\n", "[a]\nk = [x]\n", "[a]\nk = v\x1fw\n",
    "[a]\nk = 1\n\n\n[b]\n\n# c\nj = 2\n", "[core]\n    no_scm = True\n",
]

ALPHABET = ["[", "]", "\"", "'", "=", ",", "#", " ", " ", "\t", "a", "b", "K", "x", "%(a)s",
            "remote", " \"r\"", "\n", "\n", "'''", "\"\"\"", "\r\n", "\xa0", "é"]


def clean_case(rng):
    lines = []
    names = ["core", "cache", "Core", "remote \"r\"", "'remote \"S\"'", " a ", "\"q\""]
    for name in rng.sample(names, rng.randint(1, 4)):
        lines.append("[" + name + "]")
        for key in rng.sample(["k", "K", "url", "type", "x y"], rng.randint(0, 3)):
            val = "".join(rng.choice(ALPHABET[4:17] + ["\xa0", "'", "\""]) for _ in range(rng.randint(0, 6)))
            lines.append(rng.choice(["", "    "]) + key + rng.choice([" = ", "="]) + val)
    return "\n".join(lines) + "\n"


def random_case(rng):
    if rng.random() < 0.5:
        return clean_case(rng)
    lines = []
    for _ in range(rng.randint(1, 5)):
        kind = rng.random()
        if kind < 0.25:
            lines.append("[" + "".join(rng.choice(ALPHABET[:16]) for _ in range(rng.randint(0, 4))) + "]")
        elif kind < 0.85:
            key = "".join(rng.choice("abK _\"'") for _ in range(rng.randint(1, 3)))
            val = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 6)))
            lines.append(key + rng.choice([" = ", "=", " =", "= "]) + val)
        else:
            lines.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 6))))
    return "\n".join(lines) + rng.choice(["\n", "", "\r\n"])


def run(text, path):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    try:
        conf = Config.load_file(path)
    except ConfigError as exc:
        cause = exc.__cause__
        line = getattr(cause, "line_number", None)
        errors = getattr(cause, "errors", None)
        if line is None and errors:
            line = errors[0].line_number
        return {"input": text, "ok": False, "line": line}
    except ConfigObjError as exc:  # interpolation errors escape load_file's try block
        return {"input": text, "ok": False, "line": None}
    except Exception as exc:  # noqa: BLE001
        return {"input": text, "ok": False, "line": None, "crash": type(exc).__name__}
    case = {"input": text, "ok": True}
    flat = [v for k, v in conf.items() if k not in ("remote", "machine", "db")]
    flat += [v for k in ("remote", "machine", "db") for v in conf[k].values()]
    if any(isinstance(s, dict) and any(isinstance(x, dict) for x in s.values()) for s in flat):
        case["nested"] = True  # IniFile rejects nested sections (DVC's schema does too)
    try:
        out = io.BytesIO()
        ConfigObj(_pack_named(conf), encoding="utf-8").write(out)
        case["dump"] = out.getvalue().decode("utf-8")
    except Exception:  # noqa: BLE001  (unquotable values: DVC would crash on save)
        case["dump"] = None
    return case


def main():
    rng = random.Random(20240611)
    texts = list(HAND)
    seen = set(texts)
    while len(texts) < len(HAND) + 700:
        t = random_case(rng)
        if t not in seen:
            seen.add(t)
            texts.append(t)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "config")
        cases = [run(t, path) for t in texts]
    print(json.dumps(cases, indent=0, ensure_ascii=True))


if __name__ == "__main__":
    main()
