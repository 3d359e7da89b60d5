"""poke-nonfinite.py SUMMARY_JSON MODEL WEIGHT: writes three NaNs, two +Inf
and one -Inf (f32) into WEIGHT's bytes of MODEL, spread over its length, at
the offset `inspect --summary --json` gives."""
import json
import struct
import sys

summary, model, name = sys.argv[1:4]
weights = json.load(open(summary))["weights"]["largest"]
w = next(w for w in weights if w["name"] == name)
offset, size = w["offset"], w["stored_bytes"]
values = [float("nan")] * 3 + [float("inf")] * 2 + [float("-inf")]
with open(model, "r+b") as f:
    for i, v in enumerate(values):
        f.seek(offset + (size // 4 * (i + 1) // 8) * 4)
        f.write(struct.pack("<f", v))
