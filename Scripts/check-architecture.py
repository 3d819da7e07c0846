#!/usr/bin/env python3
"""`make lint`: docs/ARCHITECTURE.md's target table matches Package.swift, no product target depends on harness code
(WarmlineSimulation, WarmlineTestSupport), and the docs point nowhere outside the repo."""
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
kinds = {}
paths = {}
for target in json.loads(dump.stdout)["targets"]:
    deps = set()
    for dependency in target["dependencies"]:
        (kind, value), = dependency.items()
        deps.add(value[0])  # byName, target or product: the name comes first
    package[target["name"]] = deps
    kinds[target["name"]] = target["type"]
    paths[target["name"]] = target.get("path") or f"Sources/{target['name']}"

# Product apart from harness. Harness libraries: the simulation (emulated board, PulseAudio, scripted callers, the
# demo session) and test support (the store drills). Harness targets may use them: the tests, the bench, the drills'
# child process, the in-process firmware. Every other target is product and must not, directly (a path from product
# to harness always has a first direct edge, so checking direct edges covers every path) or by an undeclared import;
# the one allowed edge is `warmline demo`, which runs the demo session.
harness_libraries = {"WarmlineSimulation", "WarmlineTestSupport"}
harness_targets = harness_libraries | {"warmline-bench", "warmline-store-stress", "CFirmwareSim"}
allowed_edges = {("warmline", "WarmlineSimulation"): {"Demo.swift", "TestCall.swift", "Console.swift"}}
for name in sorted(package):
    if name in harness_targets or kinds[name] == "test":
        continue
    for dependency in sorted(package[name] & harness_libraries):
        if (name, dependency) not in allowed_edges:
            problems.append(f"Package.swift: product target {name} depends on {dependency} (harness code; only tests, "
                            f"the bench and the drills' child may)")
    directory = root / paths[name]
    if not directory.is_dir() or paths[name] == ".":
        continue
    for source in sorted(directory.rglob("*.swift")):
        for number, line in enumerate(source.read_text().splitlines(), 1):
            imported = re.match(r"\s*(?:(?:@\w+|public|package|internal|fileprivate|private)\s+)*import\s+(?:\w+\s+)?(\w+)", line)
            if not imported or imported.group(1) not in harness_libraries:
                continue
            if source.name in allowed_edges.get((name, imported.group(1)), set()):
                continue
            problems.append(f"{source.relative_to(root)}:{number}: product target {name} imports {imported.group(1)} "
                            f"(harness code; only `warmline demo`, `test-call` and `console` may import WarmlineSimulation)")

# One spawning path per need (docs/ARCHITECTURE.md, "Child processes"): product code runs short tools with HelperTool
# (swift-subprocess), the recogniser worker has its own; the blocking ChildProcess and Foundation's Process are harness.
spawners = re.compile(r"\bChildProcess\b|\bProcess\(\)|\bposix_spawnp?\(|\bfork\(\)|\bexecv[pe]?\(")
spawn_allowed = {"Sources/WarmlineAudio/ChildProcess.swift", "Sources/WarmlineSpeech/RecognizerWorkerProcess.swift"}
for name in sorted(package):
    if name in harness_targets or kinds[name] == "test" or paths[name] == ".":
        continue
    directory = root / paths[name]
    for source in sorted(directory.rglob("*.swift")) if directory.is_dir() else []:
        relative = str(source.relative_to(root))
        if relative in spawn_allowed:
            continue
        for number, line in enumerate(source.read_text().splitlines(), 1):
            code = line.split("//", 1)[0]
            if spawners.search(code):
                problems.append(f"{relative}:{number}: product code starts a process here; run short tools with "
                                f"HelperTool (swift-subprocess), see docs/ARCHITECTURE.md, Child processes")

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
print(f"check-architecture: {len(package)} targets in docs/ARCHITECTURE.md match Package.swift; "
      f"no product target depends on {' or '.join(sorted(harness_libraries))}")
