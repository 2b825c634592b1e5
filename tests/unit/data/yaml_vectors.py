#!/usr/bin/env python3
"""Generates yaml_vectors.json: documents dumped through DVC's own YAML dumper (ruamel.yaml
round-trip, default_flow_style=False), used as byte-exact oracle for cairn::yaml::emit.

Run with the Python of a DVC installation:
    ~/.cache/cairn/dvc-3.67.1/bin/python tests/unit/data/yaml_vectors.py

Typed JSON encoding of an "input" document (distinguishes YAML types):
    ["s", "text"]  string          ["i", 3]     integer      ["f", "1.5"]  float (text)
    ["b", true]    boolean         ["n"]        null
    ["l", [v...]]  sequence        ["m", [[key, v], ...]]  mapping (ordered, string keys)
"""
import json
import math
import os

from dvc.utils.serialize._yaml import dumps_yaml


class F(float):
    """Marker so that the encoder knows the value is a float."""


def encode(v):
    if v is None:
        return ["n"]
    if isinstance(v, bool):
        return ["b", v]
    if isinstance(v, int):
        return ["i", v]
    if isinstance(v, float):
        text = dumps_yaml([float(v)])
        assert text.startswith("- ") and text.endswith("\n"), text
        return ["f", text[2:-1]]
    if isinstance(v, str):
        return ["s", v]
    if isinstance(v, list):
        return ["l", [encode(x) for x in v]]
    if isinstance(v, dict):
        return ["m", [[k, encode(x)] for k, x in v.items()]]
    raise TypeError(type(v))


TRICKY = [
    "", " ", "  ", "a", "abc", "hello world", " lead", "trail ", " both ", "2.0", "123",
    "-123", "+12", "0", "007", "0.5", ".5", "1.", "1e3", "1E3", "1e+3", ".5e3", ".5e+3",
    "1_000", "1_000.5", "0x1f", "0X1f", "0o17", "0b101", "0x", "_1", "12:30", "1:20:30",
    "true", "True", "TRUE", "tRue", "false", "False", "yes", "no", "on", "off", "Yes", "y",
    "n", "null", "Null", "NULL", "nUll", "~", ".inf", "-.inf", "+.inf", ".Inf", ".nan",
    ".NaN", "nan", "inf", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5", "<<", "=", "#x", "x#y", "x #y", "&a", "*a", "!a", "|a",
    ">a", "'a", '"a', "%a", "@a", "`a", "- a", "-a", "-", "--", "---", "--- a", "...",
    "...a", "? a", "?a", "?", ": a", ":a", ":", "a:", "a: b", "a:b", "a :b", "http://x.y/z",
    "a,b", "[a]", "a[0]", "{a}", "a}", ",a", "a'b", 'a"b', "it's", "a\\b", "C:\\dir\\f",
    "a\tb", "\t", "a\nb", "a\n", "\na", "a\n\nb", "a \nb", "a\n b", "a\rb", "a\x00b",
    "\x07", "\x1b[0m", "\x7f", "\x85", "\xa0", "a\u2028b", "\ufeffa", "caf\u00e9",
    "\u65e5\u672c\u8a9e", "emoji \U0001F600 x", "\U0001F600", "\ue000", "\ufffd", "\uffff",
    "data/with space/file.txt", "path/to/file.csv", "my data.csv", "a  b", "a   ",
    "md5-dos2unix", "0123456789e012345678901234567890", "12345678901234567890123456789012",
    "1234567890123456789012345678901e", "f97c5d29941bfb1b2fdab0874906ab82",
    "22a16c9bf84b3068bc2206d88a6b5776.dir", "6e1", "6e12345", "1e", "e1", "0e0",
    "python train.py --epochs 10 && echo 'done'", "echo \"hi\"", "a ' b", "'", "''", '"',
]

LONG = [
    "python src/train.py --data data/prepared --out model.pkl --epochs 100 --lr 0.001 --seed 42",
    "x" * 120,
    "word " * 30,
    "a" * 75 + " " + "b" * 10 + " " + "c" * 90 + " d",
    "short then a very very long word " + "z" * 100 + " and the rest of it goes here ok",
    "a" * 79, "a" * 80, "a" * 81, "a" * 76 + " bcd", "a" * 77 + " bcd", "a" * 78 + " bcd",
    "two  spaces " * 10,
    "trailing long " * 8 + " ",
    "it's a long string with a quote that needs double quoting because ' is there " * 2,
    "a long string\nwith newlines in it that is also quite long, more than eighty chars " * 2,
    "#hash at start of a long string that has to be single quoted and folded at width 80 ok",
    "a: colon inside a long string that has to be single quoted and folded at width 80 ok ok",
    "\u00e9t\u00e9 " * 30,
    "\U0001F600 " * 50,
    "tab\tinside a long string so it must be double quoted and then folded by width eighty",
    "  leading spaces on a long string so it must be quoted and folded by width eighty ok",
    "x" * 60 + "  " + "y" * 30,
    "x" * 60 + " '" + "y" * 30,
    "x" * 70 + " \n" + "y" * 30,
    "\u00e9" * 100,
    "a" * 75 + "\x13" + "bcd efg",
]


def tricky_docs():
    docs = []
    for i, s in enumerate(TRICKY):
        docs.append((f"value_{i}", {"k": s}))
        docs.append((f"key_{i}", {s: "v"}))
        docs.append((f"item_{i}", {"l": [s]}))
    for i, s in enumerate(LONG):
        docs.append((f"long_value_{i}", {"cmd": s}))
        docs.append((f"long_nested_{i}", {"stages": {"train": {"cmd": s}}}))
        docs.append((f"long_item_{i}", {"outs": [{"path": s, "cache": False}, s]}))
        docs.append((f"long_top_item_{i}", [s]))
    docs.append(("long_key", {"k" * 130: "v"}))
    docs.append(("long_key_127", {"k" * 127: "v"}))
    docs.append(("long_key_128", {"k" * 128: "v"}))
    return docs


def structural_docs():
    return [
        ("dvc_add", {"outs": [{"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "size": 3,
                               "hash": "md5", "path": "foo"}]}),
        ("dvc_dir", {"outs": [{"md5": "22a16c9bf84b3068bc2206d88a6b5776.dir", "size": 8,
                               "nfiles": 2, "hash": "md5", "path": "dir"}]}),
        ("import_url", {"md5": "0123456789e012345678901234567890", "frozen": True,
                        "deps": [{"md5": "abc", "size": 1, "hash": "md5",
                                  "path": "/abs/path with space/x.csv"}],
                        "outs": [{"md5": "def", "size": 2, "hash": "md5",
                                  "path": "data.xml"}]}),
        ("lock", {"schema": "2.0", "stages": {
            "prepare": {"cmd": "python src/prepare.py data/data.xml",
                        "deps": [{"path": "data/data.xml", "hash": "md5",
                                  "md5": "a304afb96060aad90176268345e10355",
                                  "size": 14445097}],
                        "params": {"params.yaml": {"prepare.seed": 20170428,
                                                   "prepare.split": 0.2}},
                        "outs": [{"path": "data/prepared", "hash": "md5",
                                  "md5": "153aad06d376ec6aa5b30e4e2a60b1a6.dir",
                                  "size": 8437363, "nfiles": 2}]},
            "train@1": {"cmd": ["echo a", "echo b"], "outs": []}}}),
        ("empty_map", {}),
        ("empty_list", []),
        ("empty_children", {"a": {}, "b": [], "c": [{}, [], None], "d": {"e": {}}}),
        ("nulls", {"a": None, "b": [None, None], "c": {"d": None}}),
        ("bools", {"t": True, "f": False, "l": [True, False]}),
        ("ints", {"a": 0, "b": -5, "c": 123456789012345, "d": -9223372036854775808,
                  "e": 9223372036854775807, "l": [1, 2, 3]}),
        ("floats", {"a": 0.2, "b": 1.0, "c": -2.5, "d": 1e20, "e": 1.5e-7, "f": math.inf,
                    "g": -math.inf, "h": math.nan, "i": 0.0, "j": -0.0, "k": 123456.789,
                    "l": 1e16, "m": 1e15, "n": 2.5e-5}),
        ("nested_lists", {"a": [[1, 2], [[3]], [], [{"x": 1}, {"y": [4]}]]}),
        ("top_nested_lists", [[1, 2], [[3, [4]]], {"a": [5]}]),
        ("map_in_list", [{"a": 1, "b": {"c": [1, {"d": 2}]}}, {"e": []}]),
        ("deep", {"a": {"b": {"c": {"d": {"e": [{"f": {"g": "h"}}]}}}}}),
        ("list_of_multikey_maps", {"l": [{"a": 1, "b": 2}, {"c": {"d": 3, "e": 4}}]}),
        ("seq_in_seq_maps", {"l": [[{"a": 1, "b": 2}]]}),
        ("unicode_doc", {"caf\u00e9": "\u65e5\u672c", "\U0001F600": ["\u00e9"]}),
        ("top_string", "hello"),
        ("top_quoted_string", "2.0"),
        ("top_int", 3),
        ("top_null", None),
        ("top_bool", True),
        ("top_float", 1.5),
        ("top_empty_string", ""),
        ("top_multiline_string", "a\nb"),
        ("top_list_of_scalars", ["a", 1, None, True, "", "x y"]),
    ]


def main():
    out = []
    for name, doc in structural_docs() + tricky_docs():
        out.append({"name": name, "input": encode(doc), "expected": dumps_yaml(doc)})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "yaml_vectors.json")
    with open(path, "w", encoding="utf-8") as f:  # one vector per line, raw UTF-8
        f.write("[\n" + ",\n".join(json.dumps(v, ensure_ascii=False) for v in out) + "\n]\n")
    print(f"wrote {len(out)} vectors to {path}")


if __name__ == "__main__":
    main()
