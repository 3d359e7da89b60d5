//===- Export.cpp - Blobs out to .npy and .safetensors --------------------===//

#include "mlirscope/Blob/Export.h"
#include "mlirscope/Blob/ArchiveWriter.h"
#include "mlirscope/Blob/Npy.h"
#include "mlirscope/Blob/WeightStream.h"
#include "mlirscope/Support/AtomicFile.h"
#include "mlirscope/Support/FaultGuard.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlirscope;

const char *mlirscope::safetensorsDType(DType d) {
  switch (d) {
  case DType::Bool:
    return "BOOL";
  case DType::I8:
    return "I8";
  case DType::I16:
    return "I16";
  case DType::I32:
    return "I32";
  case DType::I64:
    return "I64";
  case DType::U8:
    return "U8";
  case DType::U16:
    return "U16";
  case DType::U32:
    return "U32";
  case DType::U64:
    return "U64";
  case DType::F16:
    return "F16";
  case DType::BF16:
    return "BF16";
  case DType::F32:
    return "F32";
  case DType::F64:
    return "F64";
  // safetensors' F8_E4M3 is float8_e4m3fn (no Inf), as in PyTorch.
  case DType::F8E4M3FN:
    return "F8_E4M3";
  case DType::F8E5M2:
    return "F8_E5M2";
  default:
    return "";
  }
}

/// Opens the model file again for kernel copies, checking it is still the
/// file that was indexed.
static llvm::Expected<int> reopenSource(const ByteSource &source) {
  const std::string &path = source.getName();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                   "%s: cannot open: %s", path.c_str(),
                                   std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_ino != source.getInode() ||
      uint64_t(st.st_size) != source.size()) {
    // Said as a read of the changed file is (FaultGuard.h), at the first
    // byte that may differ.
    llvm::Error e = fileChangedError(
        fd, st.st_ino == source.getInode()
                ? std::min<uint64_t>(st.st_size, source.size())
                : 0);
    ::close(fd);
    noteFaultReported(); // this says what a fault reading it would mean
    return e;
  }
  return fd;
}

llvm::Error mlirscope::appendBlob(const ModelIndex &index,
                                  const WeightView &view, AtomicFile &out,
                                  const Progress &progress,
                                  uint64_t doneBefore, uint64_t total) {
  const uint64_t bytes = view.sizeInBytes();
  if (view.isStreamed()) {
    // A weight of a URL: windows fetched ahead while the last is written.
    uint64_t done = 0;
    return streamElements(
        view, 0, view.size(), progress,
        [&](uint64_t, uint64_t count, const uint8_t *p) -> llvm::Error {
          uint64_t n = count * dtypeSize(view.getDType());
          if (llvm::Error e = out.write(llvm::ArrayRef<uint8_t>(p, n)))
            return e;
          done += n;
          if (progress && !progress(doneBefore + done, total))
            return cancelledError();
          return llvm::Error::success();
        });
  }
  const uint64_t chunk = 64ull << 20;
  int srcFd = -1;
  // Kernel copies from the model's file; a remote model's bytes are read.
  if (view.isRaw() && !view.getSource().isRemote()) {
    auto fd = reopenSource(view.getSource());
    if (!fd)
      return fd.takeError();
    srcFd = *fd;
  }
  std::vector<uint8_t> buf;
  const unsigned esz = dtypeSize(view.getDType());
  llvm::Error err = llvm::Error::success();
  for (uint64_t done = 0; done < bytes && !err;) {
    uint64_t n = std::min(chunk, bytes - done);
    if (srcFd >= 0) {
      err = out.copyFrom(srcFd, view.getDataOffset() + done, n);
    } else {
      buf.resize(size_t(n));
      view.readBytes(done / esz, n / esz, buf.data());
      err = out.write(buf);
    }
    done += n;
    if (!err && progress && !progress(doneBefore + done, total))
      err = cancelledError();
  }
  if (srcFd >= 0)
    ::close(srcFd);
  return err;
}

llvm::Error mlirscope::exportNpy(const ModelIndex &index, const WeightView &view,
                                 llvm::StringRef outPath,
                                 const Progress &progress) {
  auto out = AtomicFile::create(outPath);
  if (!out)
    return out.takeError();
  if (auto e = out->write(
          makeNpyHeader(npyDescrFor(view.getDType()), view.getShape())))
    return e;
  if (auto e = appendBlob(index, view, *out, progress, 0, view.sizeInBytes()))
    return e;
  return out->commit();
}

llvm::Error mlirscope::exportSafetensors(const ModelIndex &index,
                                         llvm::StringRef outPath,
                                         std::vector<std::string> &skipped,
                                         const Progress &progress) {
  std::vector<ArchiveTensor> tensors;
  llvm::StringSet<> keys;
  // Every weight, named as the user names it (Weight.h): resource blobs by
  // their key, inline weights and bound parameters by their names.
  for (const Weight &w : index.weights) {
    const std::string &key = w.name;
    auto view = WeightView::get(index, w);
    if (!view) {
      skipped.push_back(key + ": " + llvm::toString(view.takeError()));
      continue;
    }
    if (!*safetensorsDType(view->getDType())) {
      skipped.push_back(key + ": safetensors has no " +
                        dtypeName(view->getDType()));
      continue;
    }
    if (key == "__metadata__") {
      skipped.push_back(key + ": the name safetensors reserves for its "
                              "metadata");
      continue;
    }
    if (!keys.insert(key).second) {
      skipped.push_back(key + ": a second resource with this key");
      continue;
    }
    tensors.push_back({key, *view});
  }
  return writeSafetensors(index, outPath, tensors, progress,
                          {{"format", "pt"}, {"source", index.file->getName()}});
}
