#!/usr/bin/env python3
"""Runs a command while holding an exclusive flock on a file, as an editor in
another process would, and exits with the command's exit code.

Usage: with-flock.py FILE COMMAND [ARGS...]
"""
import fcntl
import subprocess
import sys

with open(sys.argv[1], "rb") as f:
    fcntl.flock(f, fcntl.LOCK_EX)
    sys.exit(subprocess.run(sys.argv[2:]).returncode)
