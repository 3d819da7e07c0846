#!/bin/sh
# `make lint`: swift-format's rules (.swift-format; Tests/.swift-format allows force unwraps) over every Swift file,
# then docs/ARCHITECTURE.md's target table against Package.swift (Scripts/check-architecture.py).
# Layout findings are left out: swift-format cannot turn them off (swiftlang/swift-format#764) and the tree aligns
# continuation lines, which its pretty printer never does; reformatting is not what lint is for here.
set -eu
cd "$(dirname "$0")/.."
SWIFT_FORMAT="${SWIFT_FORMAT:-$(command -v swift-format || echo /opt/swift/usr/bin/swift-format)}"
layout='\[(Indentation|AddLines|RemoveLine|LineLength|Spacing|SpacingCharacter|TrailingComma|TrailingWhitespace|EndOfLineComment)\]'
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
"$SWIFT_FORMAT" lint --recursive --strict --parallel Package.swift Sources Tests >"$out" 2>&1 || status=$?
# 0: no finding; 1: findings (layout ones included); anything else: swift-format itself failed.
if [ "$status" -gt 1 ]; then
  cat "$out"
  echo "make lint: $SWIFT_FORMAT failed (exit $status)"
  exit 1
fi
if grep -Ev "$layout" "$out"; then
  echo "make lint: fix the findings above (the rules are in .swift-format; CONTRIBUTING.md says why each is on or off)"
  exit 1
fi
echo "make lint: no rule findings in $(find Package.swift Sources Tests -name '*.swift' | wc -l) files"
python3 Scripts/check-architecture.py
