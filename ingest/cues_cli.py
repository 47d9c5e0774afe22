"""`kb cues`: one sentence per line on standard input, one JSON object per line on standard output.

    {"hedges": ["may"], "boosters": [], "attribution": null}

Blank input lines give an empty object's worth of cues, so output lines stay aligned with input.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from ingest.cues import detect_cues


def run(stdin: TextIO, stdout: TextIO) -> int:
    count = 0
    for line in stdin:
        cues = detect_cues(line.rstrip("\n"))
        stdout.write(json.dumps(cues.model_dump(mode="json"), ensure_ascii=False) + "\n")
        count += 1
    return count


def main() -> None:
    run(sys.stdin, sys.stdout)


if __name__ == "__main__":
    main()
