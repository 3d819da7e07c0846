#!/usr/bin/env python3
"""`make lint`: docs/ARCHITECTURE.md's target table matches Package.swift, and the docs point nowhere outside the repo."""
import json
import re
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
doc = root / "docs" / "ARCHITECTURE.md"
problems = []

dump = subprocess.run(["swift", "package", "dump-package"], cwd=root, capture_output=True, text=True)
if dump.returncode != 0:
    sys.exit(f"check-architecture: swift package dump-package failed:\n{dump.stderr}")
package = {}
for target in json.loads(dump.stdout)["targets"]:
    deps = set()
    for dependency in target["dependencies"]:
        (kind, value), = dependency.items()
        deps.add(value[0])  # byName, target or product: the name comes first
    package[target["name"]] = deps

text = doc.read_text()
match = re.search(r"<!-- targets: begin -->(.*?)<!-- targets: end -->", text, re.S)
if not match:
    sys.exit(f"check-architecture: {doc.relative_to(root)} has no <!-- targets: begin/end --> table")
documented = {}
for line in match.group(1).splitlines():
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    if len(cells) != 3 or not cells[0].startswith("`"):
        continue
    documented[cells[0].strip("`")] = set(re.findall(r"`([^`]+)`", cells[2]))

for name in sorted(package.keys() - documented.keys()):
    problems.append(f"docs/ARCHITECTURE.md: target {name} (in Package.swift) is missing from the table")
for name in sorted(documented.keys() - package.keys()):
    problems.append(f"docs/ARCHITECTURE.md: target {name} is in the table but not in Package.swift")
for name in sorted(package.keys() & documented.keys()):
    if package[name] != documented[name]:
        missing = ", ".join(sorted(package[name] - documented[name]))
        extra = ", ".join(sorted(documented[name] - package[name]))
        said = ([f"Package.swift also has {missing}"] if missing else []) + ([f"the table also has {extra}"] if extra else [])
        problems.append(f"docs/ARCHITECTURE.md: target {name}: " + "; ".join(said))

for page in ["README.md", "CONTRIBUTING.md", "docs/ARCHITECTURE.md"]:
    path = root / page
    if path.exists() and "../shared" in path.read_text():
        problems.append(f"{page} points outside the repository (../shared)")

if problems:
    print("\n".join(problems))
    sys.exit("check-architecture: bring the docs in step with Package.swift and the repository")
print(f"check-architecture: {len(package)} targets in docs/ARCHITECTURE.md match Package.swift")
