"""Prints the README's walkthrough as one shell script: each ```sh block that follows a
`<!-- walkthrough -->` line, commands echoed as they run. A line ending in
`# tested by make TARGET` is left out, after checking that the Makefile has TARGET.

    walkthrough_extract.py README.md Makefile
"""
import re
import sys

MARK = "<!-- walkthrough -->"
TESTED_BY = re.compile(r"#\s*tested by make ([a-z-]+)\s*$")


def blocks(readme):
    lines = readme.splitlines()
    found = []
    for i, line in enumerate(lines):
        if line.strip() != MARK:
            continue
        if i + 1 >= len(lines) or lines[i + 1].strip() != "```sh":
            sys.exit(f"README.md:{i + 1}: {MARK} is not followed by a ```sh block")
        block = []
        for body in lines[i + 2:]:
            if body.strip() == "```":
                break
            block.append(body)
        found.append((i + 3, block))
    return found


def main():
    readme = open(sys.argv[1], encoding="utf-8").read()
    targets = set(re.findall(r"^([a-z-]+):", open(sys.argv[2], encoding="utf-8").read(), re.M))
    found = blocks(readme)
    if not found:
        sys.exit("README.md has no walkthrough block")
    print("set -x")
    for start, block in found:
        print(f"# README.md:{start}")
        for line in block:
            tested = TESTED_BY.search(line)
            if tested:
                if tested.group(1) not in targets:
                    sys.exit(f"README.md: '{line.strip()}' names make {tested.group(1)}, which the Makefile lacks")
                print(f"# left to make {tested.group(1)}: {line.strip()}")
                continue
            print(line)


if __name__ == "__main__":
    main()
