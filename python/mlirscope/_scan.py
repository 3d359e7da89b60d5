"""mlirscope.scan: one function over many models, on Dask or a local pool."""

import functools

from ._model import open as _open


def _scan_one(path, payload, open_kwargs, errors):
    fn = _loads(payload)
    try:
        with _open(path, **open_kwargs) as model:
            return fn(model)
    except Exception as e:  # noqa: BLE001  (returned to the caller by choice)
        if errors == "return":
            return e
        raise


def _dumps(fn):
    # cloudpickle (shipped with Dask) also takes lambdas and local functions.
    try:
        import cloudpickle
        return cloudpickle.dumps(fn)
    except ImportError:
        import pickle
        return pickle.dumps(fn)


def _loads(payload):
    import pickle
    return pickle.loads(payload)


def scan(paths, fn, client=None, errors="raise", **open_kwargs):
    """Runs fn(model) on every model of `paths` and returns the results in
    the same order.

    client: a dask.distributed Client (its workers open each file; the
        files must be readable there), else a local process pool of one
        worker per core.
    errors: "raise" (the first failure raises) or "return" (a model that
        fails gives its exception as its result).
    open_kwargs: passed to mlirscope.open (parameters=, min_inline_bytes=).
    """
    if errors not in ("raise", "return"):
        raise ValueError("errors is 'raise' or 'return'")
    paths = [str(p) for p in paths]
    payload = _dumps(fn)
    one = functools.partial(_scan_one, payload=payload,
                            open_kwargs=open_kwargs, errors=errors)
    if client is not None:
        futures = client.map(one, paths, pure=False)
        return client.gather(futures)
    import concurrent.futures
    import multiprocessing
    import os
    # fork: workers start at once and inherit the imported package; the
    # extension holds no threads or locks between calls.
    ctx = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(
            max_workers=os.cpu_count(), mp_context=ctx) as pool:
        return list(pool.map(one, paths, chunksize=max(1, len(paths) // 64)))
