#!/usr/bin/env python3
"""Runs a command and fails unless it exits with the given code.

Usage: exit-code.py CODE COMMAND [ARGS...]
stdout and stderr of the command are passed through, so FileCheck can read
them; lit's `not` only knows zero vs. non-zero.
"""
import subprocess
import sys

want = int(sys.argv[1])
proc = subprocess.run(sys.argv[2:])
if proc.returncode != want:
    sys.stderr.write(f"exit-code.py: expected exit code {want}, got "
                     f"{proc.returncode} from {' '.join(sys.argv[2:])}\n")
    sys.exit(1)
