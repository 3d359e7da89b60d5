//===- ArchiveFuzzer.cpp - Fuzz target: parameter archive readers ---------===//
//
// Input: the bytes of an `.irpa`, `.safetensors` or `.gguf` file, read through
// a heap copy (exactly sized, so a read past the end is caught). The reader
// must accept it or fail with one FormatError inside the input. An accepted
// archive must hold what its users rely on: data ranges inside the file, keys
// unique and found by find(), splat patterns of 1 to 16 bytes, types whose
// element count matches the bytes of plain element types, and blocks of
// gguf's decodable types dequantize without reading past the entry.
//
//===----------------------------------------------------------------------===//

#include "FuzzChecks.h"

#include "mlirscope/Archive/Ggml.h"
#include "mlirscope/Archive/ParameterArchive.h"

#include <vector>

using namespace mlirscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::shared_ptr<ByteSource> file =
      MappedFile::copyOf("fuzz.archive", llvm::ArrayRef<uint8_t>(data, size));
  auto archive = readArchive(file);
  if (!archive) {
    fuzz::checkIndexError(archive.takeError(), size);
    return 0;
  }
  const ParameterArchive &a = **archive;
  uint64_t dataBytes = 0;
  for (const ArchiveEntry &e : a.entries) {
    fuzz::require(a.find(e.key) == &e, "find() does not return the entry");
    if (e.kind == ArchiveEntry::Kind::Splat) {
      fuzz::require(!e.pattern.empty() && e.pattern.size() <= 16,
                    "splat pattern of 0 or more than 16 bytes");
      continue;
    }
    fuzz::require(fuzz::fits(e.offset, e.size, size),
                  "entry data past the end");
    fuzz::require(e.metadataOffset < size, "entry described past the end");
    dataBytes += e.size;
    if (a.format == ArchiveFormat::Irpa) {
      fuzz::require(!e.type, "an irpa entry with a type");
      continue;
    }
    if (!e.type)
      continue; // a safetensors dtype we do not know
    std::optional<uint64_t> n = e.type->numElements();
    fuzz::require(n.has_value(), "an archive type without an element count");
    if (a.format == ArchiveFormat::Gguf) {
      const GgmlTypeInfo *t = nullptr;
      for (const GgmlTypeInfo &info : ggmlTypes())
        if (e.archiveType == info.name)
          t = &info;
      fuzz::require(t, "a gguf entry of a type not in the table");
      fuzz::require(*n % t->blockSize == 0 &&
                        e.size == *n / t->blockSize * t->typeSize,
                    "gguf entry size disagrees with its type");
      // Dequantize up to 4 blocks read from the entry.
      uint64_t blocks = std::min<uint64_t>(*n / t->blockSize, 4);
      if (blocks == 0)
        continue;
      std::vector<uint8_t> bytes(blocks * t->typeSize);
      fuzz::require(file->readAt(e.offset, bytes.data(), bytes.size()) ==
                        bytes.size(),
                    "gguf entry data unreadable");
      std::vector<float> out(blocks * t->blockSize);
      dequantizeGgml(t->id, bytes.data(), blocks, out.data());
    } else if (e.type->element.isKnown() && e.type->element.width >= 8) {
      fuzz::require(*n * (e.type->element.storageBits() / 8) == e.size,
                    "safetensors entry size disagrees with its type");
    }
  }
  fuzz::require(dataBytes == a.dataBytes(), "dataBytes() differs from the sum");
  for (const std::string &w : a.warnings)
    fuzz::require(w.find('\n') == std::string::npos,
                  "a warning of more than one line");
  return 0;
}
