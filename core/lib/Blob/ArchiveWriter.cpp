//===- ArchiveWriter.cpp - Weights written as a parameter archive ---------===//

#include "mlirscope/Blob/ArchiveWriter.h"
#include "mlirscope/Blob/Export.h"
#include "mlirscope/Support/AtomicFile.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlirscope;

namespace {

void put(std::string &out, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i)
    out.push_back(char((v >> (8 * i)) & 0xff));
}

uint64_t alignTo(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// IREE's runtime/src/iree/schemas/parameter_archive.h, version 0.0.
constexpr uint64_t kHeaderSize = 88;
constexpr uint64_t kEntryAlignment = 16;
constexpr uint64_t kDataAlignment = 64;
constexpr uint32_t kSplatEntry = 1, kDataEntry = 2;
constexpr unsigned kMaxSplatPattern = 16;

/// A weight written as a splat entry: a splat whose element fits the
/// pattern.
bool isSplatEntry(const WeightView &v) {
  return v.getWeight().splat && dtypeSize(v.getDType()) <= kMaxSplatPattern;
}

} // namespace

llvm::Error mlirscope::writeIrpa(const ModelIndex &index,
                                 llvm::StringRef outPath,
                                 const std::vector<ArchiveTensor> &tensors,
                                 const Progress &progress) {
  // Entries, then the metadata segment (the keys), then the storage segment.
  std::string entries, metadata;
  std::vector<uint64_t> storageAt(tensors.size());
  uint64_t storage = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const WeightView &v = tensors[i].view;
    std::string e;
    bool splat = isSplatEntry(v);
    put(e, 0, 8); // entry size, filled below
    put(e, splat ? kSplatEntry : kDataEntry, 4);
    put(e, 0, 8);                          // flags
    put(e, metadata.size(), 8);            // name: offset in metadata
    put(e, tensors[i].key.size(), 8);      //       length
    put(e, 0, 8);                          // metadata: none
    put(e, 0, 8);
    put(e, splat ? 0 : kDataAlignment, 8); // minimum alignment
    if (splat) {
      uint8_t element[16] = {};
      v.readBytes(0, 1, element);
      put(e, v.sizeInBytes(), 8);
      e.append(reinterpret_cast<const char *>(element), kMaxSplatPattern);
      e.push_back(char(dtypeSize(v.getDType())));
    } else {
      storage = alignTo(storage, kDataAlignment);
      storageAt[i] = storage;
      put(e, storage, 8);
      put(e, v.sizeInBytes(), 8);
      storage += v.sizeInBytes();
    }
    e.resize(alignTo(e.size(), kEntryAlignment), '\0');
    std::string size;
    put(size, e.size(), 8);
    e.replace(0, 8, size);
    entries += e;
    metadata += tensors[i].key;
  }
  uint64_t entriesAt = kHeaderSize;
  uint64_t metadataAt = entriesAt + entries.size();
  uint64_t storageBegin = alignTo(metadataAt + metadata.size(), kDataAlignment);
  std::string header = "IRPA";
  put(header, 0, 2); // major
  put(header, 0, 2); // minor
  put(header, kHeaderSize, 8);
  put(header, 0, 8); // next header
  put(header, 0, 8); // flags
  put(header, tensors.size(), 8);
  put(header, entriesAt, 8);
  put(header, entries.size(), 8);
  put(header, metadataAt, 8);
  put(header, metadata.size(), 8);
  put(header, storageBegin, 8);
  put(header, storage, 8);

  auto out = AtomicFile::create(outPath);
  if (!out)
    return out.takeError();
  std::string head = header + entries + metadata;
  head.resize(storageBegin, '\0');
  if (auto e = out->write(head))
    return e;
  uint64_t done = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const WeightView &v = tensors[i].view;
    if (isSplatEntry(v))
      continue;
    uint64_t pad = storageBegin + storageAt[i] - out->offset();
    if (pad)
      if (auto e = out->write(std::string(pad, '\0')))
        return e;
    if (auto e = appendBlob(index, v, *out, progress, done, storage))
      return e;
    done += v.sizeInBytes();
  }
  return out->commit();
}

llvm::Error mlirscope::writeSafetensors(
    const ModelIndex &index, llvm::StringRef outPath,
    const std::vector<ArchiveTensor> &tensors, const Progress &progress,
    const std::vector<std::pair<std::string, std::string>> &metadata) {
  llvm::json::Object header;
  uint64_t offset = 0;
  for (const ArchiveTensor &t : tensors) {
    const char *dtype = safetensorsDType(t.view.getDType());
    if (!*dtype)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "'" + t.key + "': safetensors has no " +
                                         dtypeName(t.view.getDType()));
    llvm::json::Array shape;
    for (int64_t d : t.view.getShape())
      shape.push_back(d);
    header[t.key] = llvm::json::Object{
        {"dtype", dtype},
        {"shape", std::move(shape)},
        {"data_offsets",
         llvm::json::Array{offset, offset + t.view.sizeInBytes()}}};
    offset += t.view.sizeInBytes();
  }
  if (!metadata.empty()) {
    llvm::json::Object m;
    for (const auto &[k, v] : metadata)
      m[k] = v;
    header["__metadata__"] = std::move(m);
  }
  std::string json;
  llvm::raw_string_ostream os(json);
  os << llvm::json::Value(std::move(header));
  os.flush();
  json.append((8 - json.size() % 8) % 8, ' ');
  std::string prefix;
  put(prefix, json.size(), 8);
  auto out = AtomicFile::create(outPath);
  if (!out)
    return out.takeError();
  if (auto e = out->write(prefix + json))
    return e;
  uint64_t done = 0;
  for (const ArchiveTensor &t : tensors) {
    if (auto e = appendBlob(index, t.view, *out, progress, done, offset))
      return e;
    done += t.view.sizeInBytes();
  }
  return out->commit();
}
