#!/usr/bin/env python3
"""Generates params_vectors.json: how DVC (Python) reads and prints params/metrics values, the
oracle for cairn's TOML/JSON readers (pipeline/toml_reader.h, json_reader.h) and Python
formatting (pipeline/py_format.h).

Run with the Python of a DVC installation (tomlkit comes with it):
    ~/.cache/cairn/dvc-3.67.1/bin/python tests/unit/data/params_vectors.py

Sections:
  toml / json: {"name", "input", "expected"}; expected is the typed encoding of
      dvc.utils.serialize.parse_toml / parse_json (Python's json.loads), or "error".
      ["s", text] string   ["i", "123"] int   ["f", repr] float   ["b", bool]   ["n"] None
      ["d", str(value)] date/time/datetime   ["l", [...]] list   ["m", [[key, v], ...]] dict
  repr: {"input": typed value, "repr": repr(value), "str": str(value)}
  round: {"x": repr(float), "n": ndigits, "expected": str(round(x, n))}
"""
import datetime
import json
import os

from dvc.utils.serialize import parse_json, parse_toml

TOML = {
    "basic": 'title = "TOML"\nint = 42\nneg = -17\nflt = 3.14\nyes = true\nno = false\n',
    "comments": '# top\na = 1 # trailing\n\n# between\nb = "x" # c\n',
    "tables": '[owner]\nname = "Tom"\n[database]\nports = [8000, 8001]\nenabled = true\n',
    "nested_tables": '[a.b.c]\nd = 1\n[a]\ne = 2\n[a.b]\nf = 3\n',
    "dotted": 'a.b.c = 1\na.b.d = 2\na.e = "x"\n"quoted key".x = 1\n\'lit\'.y = 2\n',
    "dotted_ws": 'a . b = 1\n[ t . "u v" ]\nw = 1\n',
    "dotted_in_table": '[a]\nb.c = 1\n[a.b.d]\ne = 2\n',
    "dotted_then_sub": 'a.b = 1\n[a.c]\nd = 2\n',
    "super_after": '[a.b]\nc = 1\n[a]\nd = 2\n',
    "aot": '[[fruits]]\nname = "apple"\n[fruits.physical]\ncolor = "red"\n[[fruits.varieties]]\n'
           'name = "red delicious"\n[[fruits]]\nname = "banana"\n',
    "aot_simple": '[[a]]\nb = 1\n[[a]]\nb = 2\n[[a]]\n',
    "inline": 'p = {x = 1, y = 2.5, z = {w = "q"}}\ne = {}\n',
    "inline_dotted": 'p = {a.b = 1, a.c = 2}\n',
    "inline_ml": 'a = {b = 1,\n c = 2,\n}\n',
    "arrays": 'a = [1, 2, 3]\nb = ["x", \'y\']\nc = [[1, 2], [3]]\nd = []\ne = [1, "x", 2.5, true, {k = 1}]\n',
    "array_ml": 'a = [\n  1, # one\n  2,\n  # only comment\n]\nb = [ ]\n',
    "strings": 'a = "tab\\tnl\\nq\\"bs\\\\"\nb = \'C:\\\\path\'\nc = "\\u00e9\\U0001F600"\nd = "\\e\\x41"\n'
               'e = ""\nf = \'\'\ng = "caf\u00e9 \u65e5\u672c"\n',
    "ml_basic": 'a = """\nline1\nline2"""\nb = """one \\\n    two \\\n\n    three"""\nc = """x"""""\n'
                'd = """ has "quotes" and ""two"" """\n',
    "ml_literal": "a = '''\nraw \\n text\n'''\nb = '''it's'''\nc = ''''quoted'''' \n",
    "ints": 'a = +99\nb = 0\nc = -0\nd = 1_000\ne = 0xDEAD_beef\nf = 0o755\ng = 0b1101\nh = 9223372036854775807\n',
    "floats": 'a = 1.0\nb = -0.01\nc = 5e+22\nd = 1e06\ne = -2E-2\nf = 6.626e-34\ng = 224_617.445_991\n'
              'h = -0.0\ni = +0.0\nj = 1E3\nk = 3.0e-00\n',
    "specials": 'a = inf\nb = +inf\nc = -inf\nd = nan\ne = +nan\nf = -nan\n',
    "dates": 'a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00-07:00\nc = 1979-05-27T00:32:00.999999-07:00\n'
             'd = 1979-05-27 07:32:00Z\ne = 1979-05-27T07:32:00\nf = 1979-05-27T00:32:00.5\ng = 1979-05-27\n'
             'h = 07:32:00\ni = 00:32:00.999999\nj = 07:32\nk = 1979-05-27t07:32:00z\n'
             'l = 1979-05-27T07:32:00.123456789+05:30\nm = 2000-02-29\n',
    "bare_keys": 'key = 1\nbare_key = 2\nbare-key = 3\n1234 = 4\n3.14 = 5\n"" = 6\n',
    "crlf": 'a = 1\r\nb = """x\r\ny"""\r\n[t]\r\nc = 2\r\n',
    "unicode_keys": '"caf\u00e9" = 1\n[\u65e5\u672c]\nx = 1\n' if False else '"caf\u00e9" = 1\n["\u65e5\u672c"]\nx = 1\n',
    "empty": '',
    "only_comments": '# nothing\n\n   \n',
    "whitespace_lines": '\n\n  a = 1  \n\t b = 2\n',
    "big_int": 'a = 99999999999999999999\n',
    # errors
    "err_dup_key": 'a = 1\na = 2\n',
    "err_dup_table": '[a]\nb = 1\n[a]\nc = 2\n',
    "err_dotted_redefine": 'a.b = 1\n[a]\nc = 2\n',
    "err_table_over_value": 'a = 1\n[a]\n',
    "err_inline_extend": 'a = {b = 1}\na.c = 2\n',
    "err_inline_table_header": 'a = {b = 1}\n[a.c]\n',
    "err_array_extend": 'a = [1]\n[[a]]\n',
    "err_aot_as_table": '[[a]]\n[a]\n',
    "err_table_as_aot": '[a]\n[[a]]\n',
    "err_leading_zero": 'a = 01\n',
    "err_float_dot": 'a = 1.\n',
    "err_float_lead_dot": 'a = .5\n',
    "err_float_exp": 'a = 1e\n',
    "err_underscore": 'a = 1__0\n',
    "err_underscore_end": 'a = 10_\n',
    "err_neg_hex": 'a = -0x1\n',
    "err_bad_hex": 'a = 0xg\n',
    "err_no_value": 'a = \n',
    "err_no_eq": 'a 1\n',
    "err_two_on_line": 'a = 1 b = 2\n',
    "err_unterminated": 'a = "abc\n',
    "err_unterminated_ml": 'a = """abc\n',
    "err_unterminated_arr": 'a = [1, 2\n',
    "err_unterminated_inline": 'a = {b = 1\n',
    "err_ctrl_in_str": 'a = "x\x01y"\n',
    "err_bad_escape": 'a = "\\q"\n',
    "err_bad_unicode": 'a = "\\uD800"\n',
    "err_month": 'a = 1979-13-27\n',
    "err_day": 'a = 1979-02-30\n',
    "err_hour": 'a = 25:00:00\n',
    "err_bool_case": 'a = True\n',
    "err_bare_value": 'a = hello\n',
    "err_header_unclosed": '[a\nb = 1\n',
    "err_ml_key": '"""k""" = 1\n',
    "err_comma_arr": 'a = [1,,2]\n',
    "err_missing_comma": 'a = [1 2]\n',
}

JSON = {
    "object": '{"b": 1, "a": [1, 2.5, "x", true, false, null], "c": {"d": {}}}',
    "numbers": '[0, -0, 1, -1, 1.0, 1.5e3, 1E-5, 2e+2, -0.0, 9223372036854775807, 123456789012345678901234]',
    "specials": '[NaN, Infinity, -Infinity]',
    "strings": '["a\\"b", "\\\\", "\\/", "\\b\\f\\n\\r\\t", "\\u00e9", "\\ud83d\\ude00", "caf\u00e9"]',
    "dup_keys": '{"a": 1, "b": 2, "a": 3}',
    "whitespace": ' \n\t {\r\n "a" :\n 1 } \n',
    "scalar": '42',
    "empty_obj": '{}',
    "nested": '{"a": {"b": {"c": [{"d": 1}]}}}',
    "err_trailing_comma": '{"a": 1,}',
    "err_single_quote": "{'a': 1}",
    "err_extra": '{"a": 1} x',
    "err_empty": '',
    "err_unterminated": '{"a": "b',
    "err_ctrl": '["a\x01"]',
    "err_bad_escape": '["\\x"]',
    "err_leading_zero": '[01]',
    "err_plus": '[+1]',
    "err_dot": '[1.]',
    "err_bom": '\ufeff{"a": 1}',
    "err_unquoted_key": '{a: 1}',
    "err_missing_colon": '{"a" 1}',
    "err_true_case": '[True]',
}

REPR = [
    None, True, False, 0, -5, 12345678901234, 0.1, 1.0, -0.0, 1e-05, 1e16, 123456789.123, 1e100,
    float("inf"), float("-inf"), "", "plain", "it's", 'say "hi"', "both ' and \"", "back\\slash",
    "tab\tnl\nret\r", "\x00\x1f\x7f", "caf\u00e9", "\u65e5\u672c", "\U0001F600", "\xa0nbsp", "\u200bzw",
    [1, 2, "x"], [], [[1], [2.5, None]], {"a": 1, "b": [True, "s"]}, {},
]

ROUND = [
    (0.123456789, 5), (0.912345678, 5), (1.5, 5), (0.5, 0), (1.5, 0), (2.5, 0), (-0.5, 0), (0.125, 2),
    (0.375, 2), (2.675, 2), (1e-7, 5), (123456.789, 5), (123456.789, -2), (0.912, -1), (-0.5, -1),
    (1234.5, -1), (1e300, 5), (5e-324, 5), (0.1, 20), (0.03765432199999996, 5), (-0.25, 1),
    (999.9999999, 5), (0.9999996, 6), (0.00001, 5), (0.000005, 5), (0.0000051, 5), (7.0, 3),
    (1.23456789e-10, 12), (-123.456, 2), (float("inf"), 5), (float("nan"), 5), (0.0, 5), (-0.0, 5),
    (3.14159, 350), (3.14159, -400), (45.0, -1), (55.0, -1), (65.0, -1),
]


def enc(v):
    if v is None:
        return ["n"]
    if isinstance(v, bool):
        return ["b", v]
    if isinstance(v, int):
        return ["i", str(v)]
    if isinstance(v, float):
        return ["f", repr(v)]
    if isinstance(v, str):
        return ["s", v]
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return ["d", str(v)]
    if isinstance(v, list):
        return ["l", [enc(x) for x in v]]
    if isinstance(v, dict):
        return ["m", [[k, enc(x)] for k, x in v.items()]]
    raise TypeError(type(v))


def load(parser, text):
    try:
        return enc(parser(text, "x"))
    except Exception:  # noqa: BLE001
        return "error"


def json_parse(text, path):
    return json.loads(text)  # parse_json adds `or {}`, which cairn applies one level up


out = {
    "toml": [{"name": k, "input": v, "expected": load(parse_toml, v)} for k, v in TOML.items()],
    "json": [{"name": k, "input": v, "expected": load(json_parse, v)} for k, v in JSON.items()],
    "repr": [{"input": enc(v), "repr": repr(v), "str": str(v)} for v in REPR],
    "round": [{"x": repr(x), "n": n, "expected": str(round(x, n))} for x, n in ROUND],
}
assert parse_json("{}", "x") == {}
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "params_vectors.json"), "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
    f.write("\n")
