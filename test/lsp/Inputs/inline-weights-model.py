"""Writes a text model with inline weights of several kinds, for the tests
of inline weights in the bytecode view (mlir-opt makes it bytecode).

    python inline-weights-model.py [ROWS]

- `@main/arith.constant#0`: a ROWSx256 f32 constant (default 256 rows:
  256 KiB of raw data, 512 KiB of hex when printed), values not all alike;
- `@table`: a memref.global of 32x32 i32 (4 KiB), a weight named by its
  symbol;
- a 4xf32 constant (16 B) and a 512x512 f32 splat (4 B of data): below the
  threshold, printed as they are;
- `blob0`: a dense_resource blob, elided as blobs are.
"""
import struct
import sys

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 256
n = rows * 256
big = struct.pack("<%df" % n, *(((i * 37) % 1009) * 0.125 - 60.0
                                for i in range(n)))
table = struct.pack("<1024i", *(i * 7 - 3000 for i in range(1024)))
blob = struct.pack("<I4f", 4, 1.5, -2.0, 3.25, 0.0)

text = """memref.global "private" constant @table : memref<32x32xi32> = dense<"0xTABLE">
func.func @main(%arg0: tensor<ROWSx256xf32>) -> tensor<ROWSx256xf32> {
  %cst = arith.constant dense<"0xBIG"> : tensor<ROWSx256xf32>
  %small = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %splat = arith.constant dense<1.0> : tensor<512x512xf32>
  %b = arith.constant dense_resource<blob0> : tensor<4xf32>
  %0 = arith.addf %arg0, %cst : tensor<ROWSx256xf32>
  return %0 : tensor<ROWSx256xf32>
}

{-#
  dialect_resources: {
    builtin: {
      blob0: "0xBLOB"
    }
  }
#-}"""
print(text.replace("ROWS", str(rows)).replace("TABLE", table.hex().upper())
      .replace("BIG", big.hex().upper()).replace("BLOB", blob.hex().upper()))
