"""Model.stats: the CLI's numbers, progress, cancel, Ctrl-C."""

import os
import signal

import pytest

import mlirscope
from conftest import cli_json, genmodel


@pytest.mark.parametrize("name", ["f32", "bf16", "text", "inline", "i8",
                                  "complex-f32"])
def test_stats_equal_cli(gen, name):
    with mlirscope.open(gen[name]) as m:
        for key in m.keys():
            (want,) = cli_json("stats", "--json", "--bins", "7",
                               "--min-inline-bytes", "0", gen[name], key)
            assert m.stats(key, bins=7) == want
            assert m.stats(key, bins=7, threads=1) == want


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """One 256 MiB weight (sparse: zeros), for work long enough to report."""
    d = tmp_path_factory.mktemp("big")
    return genmodel(d / "big.mlirbc", "--shape", "8192x8192", "--sparse")


def test_progress_and_cancel(big):
    with mlirscope.open(big) as m:
        seen = []
        s = m.stats("layer0.weight", progress=lambda d, t: seen.append((d, t)))
        assert s["zeros"] == 8192 * 8192
        assert len(seen) >= 2 and seen[-1][1] == 8192 * 8192 * 4
        calls = []

        def stop(done, total):
            calls.append(done)
            return False
        with pytest.raises(mlirscope.Cancelled):
            m.stats("layer0.weight", progress=stop)
        assert len(calls) == 1

        def boom(done, total):
            raise RuntimeError("from the callback")
        with pytest.raises(RuntimeError, match="from the callback"):
            m.stats("layer0.weight", progress=boom)


def test_ctrl_c_interrupts(big):
    # Python's own Ctrl-C handler, as an interactive interpreter has it (a
    # process started with SIGINT ignored, as under lit, keeps it ignored).
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        run_interrupted(big)
    finally:
        signal.signal(signal.SIGINT, old)


def run_interrupted(big):
    with mlirscope.open(big) as m:
        calls = []

        def interrupt(done, total):
            calls.append(done)
            if len(calls) == 1:
                # What Ctrl-C does: SIGINT to the process, while core works.
                os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            m.stats("layer0.weight", progress=interrupt)
        assert len(calls) <= 2
        # The model is still usable afterwards.
        assert m.stats("layer0.weight")["zeros"] == 8192 * 8192
