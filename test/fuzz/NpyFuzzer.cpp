//===- NpyFuzzer.cpp - Fuzz target: the .npy reader -----------------------===//
//
// Input: the bytes of a `.npy` file, as `mlirscope replace` reads it. The
// header parser must accept it or fail with a FormatError inside the input.
// An accepted header must describe data inside the file, survive a round trip
// through makeNpyHeader, and its shape must give the same element count and
// byte size through the MLIR type text `replace -o --type` builds from it
// (where a product that overflows must be refused, not wrapped).
//
//===----------------------------------------------------------------------===//

#include "FuzzChecks.h"

#include "mlirscope/Blob/Npy.h"
#include "mlirscope/Model/TypeText.h"

using namespace mlirscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::ArrayRef<uint8_t> bytes(data, size);
  auto header = parseNpyHeader(bytes, "fuzz.npy");
  if (!header) {
    fuzz::checkIndexError(header.takeError(), size);
    return 0;
  }
  fuzz::require(header->dataOffset <= size, "npy data offset past the end");

  std::string again = makeNpyHeader(header->descr, header->shape);
  fuzz::require(again.size() % 64 == 0, "npy header not padded to 64");
  auto reparsed = parseNpyHeader(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(again.data()),
                              again.size()),
      "again.npy");
  if (!reparsed)
    fuzz::fail("a written header does not parse: " +
               llvm::toString(reparsed.takeError()));
  fuzz::require(reparsed->descr == header->descr &&
                    reparsed->shape == header->shape &&
                    reparsed->dataOffset == again.size(),
                "npy header round trip changed it");

  // The element count the shape implies, with overflow made explicit.
  bool overflow = false;
  uint64_t n = 1;
  for (int64_t d : header->shape) {
    if (d != 0 && n > UINT64_MAX / uint64_t(d))
      overflow = true;
    n *= uint64_t(d);
  }
  for (llvm::StringRef element : {"f32", "i8", "complex<f64>"}) {
    std::string text = formatTensorType("tensor", true, header->shape, element);
    std::optional<TensorType> type = parseShapedTypeText(text);
    if (!type)
      continue; // e.g. a dimension MLIR's syntax cannot spell
    std::optional<uint64_t> count = type->numElements();
    fuzz::require(overflow ? !count : count && *count == n,
                  "element count of the type differs from the shape's");
    std::optional<uint64_t> bytesNeeded = expectedBlobSize(*type);
    uint64_t width = type->element.storageBits() / 8;
    if (bytesNeeded)
      fuzz::require(!overflow && n <= UINT64_MAX / width &&
                        *bytesNeeded == n * width,
                    "byte size of the type wrapped around");
  }
  return 0;
}
