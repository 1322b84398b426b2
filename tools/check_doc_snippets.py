#!/usr/bin/env python3
"""Checks that every code block marked `<!-- snippet: FILE -->` in the README and docs/ appears
verbatim in FILE, so that documentation shows code that ctest builds and runs.
Prints `N passed, N failed` and exits non-zero on a mismatch."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
pattern = re.compile(r"<!-- snippet: (\S+) -->\n```[a-z]*\n(.*?)```", re.S)
passed = failed = 0
for doc in [root / "README.md", *sorted((root / "docs").rglob("*.md"))]:
    for m in pattern.finditer(doc.read_text()):
        source = root / m.group(1)
        if source.is_file() and m.group(2) in source.read_text():
            passed += 1
        else:
            failed += 1
            print(f"{doc.relative_to(root)}: snippet not found verbatim in {m.group(1)}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
