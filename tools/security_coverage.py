#!/usr/bin/env python3
"""Maps each SECURITY-CATALOG row to the tests named after it.

  security_coverage.py CATALOG REPO            prints the markdown table
  security_coverage.py CATALOG REPO --check    checks that docs/security.md holds that table
  security_coverage.py CATALOG REPO --write    rewrites the table in docs/security.md

A test covers a row when its TEST_CASE name starts with the row's ID ("ALG-3: ..."). The table
sits between the markers <!-- catalog:begin --> and <!-- catalog:end --> of docs/security.md.
Prints `N passed, N failed` with --check."""
import pathlib
import re
import sys

catalog, repo = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
mode = sys.argv[3] if len(sys.argv) > 3 else ""
rows = []
for line in catalog.read_text().splitlines():
    m = re.match(r"\| ([A-Z]+-\d+) \| (.*?) \|", line)
    if m:
        rows.append((m.group(1), m.group(2)))
tests = {}
for src in sorted(list((repo / "tests").rglob("*.cpp"))):
    for m in re.finditer(r'TEST_CASE\(\s*"([A-Z]+-\d+)((?:, [A-Z]+-\d+)*)[: ]', src.read_text()):
        for rid in [m.group(1)] + re.findall(r"[A-Z]+-\d+", m.group(2)):
            tests.setdefault(rid, set()).add(str(src.relative_to(repo)))
out = ["| ID | attack | covered by |", "|---|---|---|"]
for rid, attack in rows:
    attack = re.sub(r"\s+", " ", attack)
    short = attack if len(attack) <= 90 else attack[:87].rsplit(" ", 1)[0] + " …"
    where = ", ".join(f"`{t}`" for t in sorted(tests.get(rid, ()))) or "**not yet covered**"
    out.append(f"| {rid} | {short} | {where} |")
table = "\n".join(out) + "\n"
covered = sum(1 for rid, _ in rows if rid in tests)
summary = f"{covered} of {len(rows)} catalog rows have a test named after them.\n"
if mode in ("--check", "--write"):
    doc = repo / "docs" / "security.md"
    text = doc.read_text()
    begin, end = "<!-- catalog:begin -->\n", "<!-- catalog:end -->"
    a, b = text.index(begin) + len(begin), text.index(end)
    want = summary + "\n" + table
    if mode == "--write":
        doc.write_text(text[:a] + want + text[b:])
    else:
        ok = text[a:b] == want
        if not ok:
            print("docs/security.md: the catalog table is out of date; run "
                  "tools/security_coverage.py ../shared/SECURITY-CATALOG.md . --write")
        print(summary.strip())
        for rid, _ in rows:
            if rid not in tests:
                print(f"not yet covered: {rid}")
        print(f"{1 if ok else 0} passed, {0 if ok else 1} failed")
        sys.exit(0 if ok else 1)
else:
    sys.stdout.write(summary + "\n" + table)
