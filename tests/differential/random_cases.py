#!/usr/bin/env python3
"""Generates random one-clause differential cases: a value of some type under `X` in two
resources, a query shape, an operator. Writes them (without verdicts) as a case file; run
`record.py` on it afterwards to record cfn-guard's verdicts.

    tests/differential/random_cases.py --seed 7 --count 120 > tests/differential/random.yaml
    tests/differential/record.py tests/differential/random.yaml

`--kind structure` makes whole rules instead (blocks, filters, lets, `when`, rule references);
`structure.yaml` is `--kind structure --seed 1 --count 250`, recorded, without the cases
cfn-guard rejects, first 120 kept.

The value and operator lists are the corners where Guard's comparisons surprise: missing
values, empty lists and maps, strings that look like numbers or booleans, regexes, ranges.
"""

import argparse
import random
import sys

import yaml

VALUES = ["MISSING", None, True, "true", 1, 1.5, "1", "a", "", [], [1], ["a", "b"], {}, {"k": "a"},
          [{"k": "a"}], "abc"]
OPERATORS = ["exists", "!exists", "empty", "!empty", "is_string", "is_list", "is_struct", "is_int",
             "!is_list", "== 1", "!= 1", "== 'a'", "!= 'a'", "in [1, 'a']", "not in ['a']", "> 0",
             "<= 1.5", "== [1]", "== ['a', 'b']", "== /a/", "!= /a/", "in r[0, 2]", "== true",
             "== null", "!= null", "in 'abc'", "== {k: 'a'}", "< 'b'"]
QUERIES = ["Resources.A.X", "Resources.*.X", "Resources.A.X[*]", "some Resources.*.X",
           "Resources.*[ Type == 'T' ].X", "Resources.A.X.k", "not Resources.A.X", "Resources.*.X[*].k"]


def case(rng, index):
    resources = {}
    for rid, kind in (("A", "T"), ("B", "U")):
        resource = {"Type": kind}
        value = rng.choice(VALUES)
        if value != "MISSING":
            resource["X"] = value
        resources[rid] = resource
    query, operator = rng.choice(QUERIES), rng.choice(OPERATORS)
    if query.startswith("not ") and operator.startswith("!") and not operator.startswith("!="):
        operator = operator[1:]
    return {"name": f"random_{index:03d}", "rules": f"rule r {{ {query} {operator} }}",
            "data": {"Resources": resources}}


STRUCTURE_VALUES = ["MISSING", None, True, 1, "a", "", [], [1], ["a", "b"], {}, {"k": "a"}, [{"k": "a"}],
                    [{"k": "b"}, {"j": 1}]]
STRUCTURE_OPS = ["exists", "!exists", "empty", "!empty", "== 1", "!= 'a'", "in [1, 'a']", "not in ['a']",
                 "== /a/", "is_list", "== null", "> 0"]


def structure_rules(rng):
    """One rule in a random shape: blocks, filters, lets, `when`, rule references, `or`, `some`."""
    rel = lambda: rng.choice(["X", "X.k", "X[*]", "X[*].k", "X.*", "this.X"])
    op = lambda: rng.choice(STRUCTURE_OPS)
    check = lambda: f"{rng.choice(['', 'some ', 'not '])}{rel()} {op()}"
    shapes = [
        lambda: f"rule r {{\n  Resources.* {{\n    {check()}\n  }}\n}}",
        lambda: f"rule r {{\n  Resources.*[ {rel()} {op()} ] {{\n    {check()}\n  }}\n}}",
        lambda: f"rule r {{ Resources.*[ {rel()} {op()} ].Type == 'T' }}",
        lambda: f"let v = Resources.*.{rel()}\nrule r {{ %v {op()} }}",
        lambda: f"rule r when Resources.A.{rel()} {op()} {{ Resources.B.{rel()} {op()} }}",
        lambda: f"rule a {{ Resources.A.{rel()} {op()} }}\nrule r when {rng.choice(['', 'not '])}a {{ Resources.B.{rel()} {op()} }}",
        lambda: f"rule r {{\n  Resources.* {{\n    when {rel()} {op()} {{\n      {check()}\n    }}\n  }}\n}}",
        lambda: f"rule r {{\n  Resources.A.{rel()} {op()} or Resources.B.{rel()} {op()}\n}}",
        lambda: f"rule r {{\n  some Resources.* {{\n    {check()}\n  }}\n}}",
        lambda: f"rule r {{\n  T {{\n    {check()}\n  }}\n}}",
    ]
    return rng.choice(shapes)().replace("not !", "not ").replace("this.X[*]", "X[*]")


def structure_cases(rng, count):
    cases = []
    for _ in range(count):
        rules = structure_rules(rng)
        resources = {}
        for rid, kind in (("A", "T"), ("B", "U")):
            resource = {"Type": kind}
            value = rng.choice(STRUCTURE_VALUES)
            if value != "MISSING":
                resource["X"] = value
            resources[rid] = resource
        if "some not" not in rules:
            cases.append({"name": f"structure_{len(cases):03d}", "rules": rules + "\n",
                          "data": {"Resources": resources}})
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--kind", choices=["clause", "structure"], default="clause")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.kind == "structure":
        cases = structure_cases(rng, args.count)
    else:
        cases = [case(rng, i) for i in range(args.count)]
    yaml.safe_dump(cases, sys.stdout, sort_keys=False, width=100)


if __name__ == "__main__":
    main()
