"""mlirscope.scan: one function over many models, on Dask or a local pool."""

import functools

from ._model import open as _open


def _scan_batch(paths, payload, open_kwargs, errors):
    fn = _loads(payload)
    results = []
    for path in paths:
        try:
            with _open(path, **open_kwargs) as model:
                results.append(fn(model))
        except Exception as e:  # noqa: BLE001  (the caller's choice)
            if errors != "return":
                raise
            results.append(e)
    return results


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


def scan(paths, fn, client=None, errors="raise", batch=None, **open_kwargs):
    """Runs fn(model) on every model of `paths` and returns the results in
    the same order.

    client: a dask.distributed Client (its workers open each file; the
        files must be readable there), else a local process pool of one
        worker per core.
    errors: "raise" (the first failure raises) or "return" (a model that
        fails gives its exception as its result).
    batch: models per task (default: enough for about 8 tasks per worker,
        so that a task's overhead, milliseconds on Dask, does not outweigh
        opening a small model, a fraction of one).
    open_kwargs: passed to mlirscope.open (parameters=, min_inline_bytes=).
    """
    if errors not in ("raise", "return"):
        raise ValueError("errors is 'raise' or 'return'")
    paths = [str(p) for p in paths]
    payload = _dumps(fn)
    one = functools.partial(_scan_batch, payload=payload,
                            open_kwargs=open_kwargs, errors=errors)
    if client is not None:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
    else:
        import os
        workers = os.cpu_count() or 1
    size = batch or max(1, -(-len(paths) // (8 * workers)))
    batches = [paths[i:i + size] for i in range(0, len(paths), size)]
    if client is not None:
        futures = client.map(one, batches, pure=False)
        parts = client.gather(futures)
    else:
        import concurrent.futures
        import multiprocessing
        # fork: workers start at once with the package imported; the
        # extension holds no threads or locks between calls.
        ctx = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx) as pool:
            parts = list(pool.map(one, batches))
    return [r for part in parts for r in part]
