#!/usr/bin/env python3
"""Runs the commands a summary prints after `replay:` and `same as:` (the
mlir-opt commands replaying an mlir_reproducer) with the shell, as a user
would paste them, and prints their output; fails if one fails or if there
are none.

Usage: run-printed-commands.py SUMMARY_FILE
"""
import re
import subprocess
import sys

commands = [m.group(1) for line in open(sys.argv[1])
            if (m := re.match(r"\s*(?:replay|same as):\s+(.*)", line))]
if not commands:
    sys.exit("no replay commands in the summary")
for command in commands:
    proc = subprocess.run(command, shell=True, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{command}: exit {proc.returncode}: {proc.stderr.strip()}")
    print(proc.stdout)
