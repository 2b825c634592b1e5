#!/usr/bin/env python3
"""Generates py_json_vectors.json: Python's json.dumps(obj, sort_keys=True) as an oracle for
cairn::pyjson::dumps_sorted. Each vector: {"name", "input": JSON text (UTF-8, insertion order
kept, parse it to get the value), "expected": json.dumps(value, sort_keys=True)}.

    python3 tests/unit/data/py_json_vectors.py
"""
import json
import os

DOCS = [
    ("manifest", [{"md5": "f97c5d29941bfb1b2fdab0874906ab82", "relpath": "one"},
                  {"relpath": "two", "md5": "b8a9f715dbb64fd5c56e7783c6820a61"}]),
    ("empty_list", []),
    ("empty_object", {}),
    ("scalars", [None, True, False, 0, -1, 9223372036854775807, -9223372036854775808,
                 18446744073709551615, "", "a"]),
    ("floats", [0.0, -0.0, 1.0, 0.1, 0.2, 1.5, -2.5, 1e16, 1e15, 123456789012345678.0, 1e-4,
                1e-5, 1.5e-7, 1e100, 1.7976931348623157e308, 5e-324, 3.141592653589793,
                2.5e-05, 100.0, 1234.5678, 0.30000000000000004]),
    ("non_ascii", ["caf\u00e9", "\u65e5\u672c\u8a9e", "\u00ff", "\u0100", "\u20ac", "\uffff",
                   "\ufeff", "\u2028\u2029"]),
    ("emoji", ["\U0001F600", "a\U0001F4A9b", "\U00010000", "\U0010FFFF"]),
    ("control", ["\x00", "\x01\x1f", "\b\f\n\r\t", "\x0b", "\x7f", "\x80", "\x9f", "\xa0"]),
    ("quotes", ["\"", "'", "\\", "a\\\"b", "/", "</script>", "a/b/c"]),
    ("key_order", {"b": 1, "a": 2, "B": 3, "_": 4, "a b": 5, "\u00e9": 6, "z": 7, "\U0001F600": 8,
                   "\uffff": 9, "\ue000": 10, "": 11, "aa": 12, "a\u0000": 13}),
    ("nested", {"z": [{"y": {"b": [], "a": {}}}], "a": [[1, [2, [3]]], {"k": None}]}),
    ("stage", {"outs": [{"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "hash": "md5",
                         "path": "foo"}],
               "deps": [{"path": "data with space/\u00e9.csv", "md5": "x", "hash": "md5"}],
               "frozen": True}),
]


def main():
    out = []
    for name, doc in DOCS:
        out.append({"name": name, "input": json.dumps(doc, ensure_ascii=False),
                    "expected": json.dumps(doc, sort_keys=True)})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "py_json_vectors.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=True, indent=1)
        f.write("\n")
    print(f"wrote {len(out)} vectors to {path}")


if __name__ == "__main__":
    main()
