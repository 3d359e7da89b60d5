#!/usr/bin/env python3
"""Runs mlirscope-view on its own Xvfb display with Mesa's software OpenGL.

    run-headless.py VIEWER [ARGS...]

Xvfb picks a free display itself (-displayfd), so tests running in parallel
never race for one (xvfb-run -a can). Exits with the viewer's exit code, or
128 + N when a signal N ended it.
"""
import os
import signal
import subprocess
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: run-headless.py VIEWER [ARGS...]")
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    display = b""
    with os.fdopen(read_fd, "rb") as f:
        while not display.endswith(b"\n"):
            chunk = f.read(1)
            if not chunk:
                break
            display += chunk
    if not display.strip():
        xvfb.kill()
        sys.exit("run-headless.py: Xvfb did not start")
    env = dict(os.environ)
    env["DISPLAY"] = ":" + display.decode().strip()
    env["LIBGL_ALWAYS_SOFTWARE"] = "1"
    env.pop("WAYLAND_DISPLAY", None)
    # Leaks inside Mesa, X11 and fontconfig are theirs, not ours.
    env["LSAN_OPTIONS"] = "suppressions=" + os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "lsan.supp") + \
        ":print_suppressions=0:" + env.get("LSAN_OPTIONS", "")
    try:
        rc = subprocess.call(sys.argv[1:], env=env)
    finally:
        xvfb.send_signal(signal.SIGTERM)
        try:
            xvfb.wait(timeout=10)
        except subprocess.TimeoutExpired:
            xvfb.kill()
    sys.exit(128 - rc if rc < 0 else rc)


if __name__ == "__main__":
    main()
