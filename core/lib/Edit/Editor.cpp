//===- Editor.cpp - Crash-safe same-size edits of a model file ------------===//

#include "mlirscope/Edit/Editor.h"
#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/Journal.h"
#include "mlirscope/Support/SystemError.h"

#include "llvm/ADT/StringExtras.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlirscope;

llvm::Error mlirscope::remoteEditError(const ByteSource &source) {
  return llvm::createStringError(
      std::make_error_code(std::errc::read_only_file_system),
      "%s: a remote model cannot be edited; make a local copy first "
      "(mlirscope rewrite %s -o local.mlirbc) and edit that",
      source.getName().c_str(), source.getName().c_str());
}

llvm::Expected<InPlaceEditor> InPlaceEditor::open(const ModelIndex &index) {
  if (!index.file)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no file to edit");
  if (index.file->isRemote())
    return remoteEditError(*index.file);
  InPlaceEditor ed;
  ed.path = index.file->getName();
  struct stat st;
  if (::stat(ed.path.c_str(), &st) != 0)
    return systemError(ed.path + ": cannot stat");
  // Root may write anything; a file without write bits is still read-only to
  // its owner's intent, so refuse it.
  if (!(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)))
    return llvm::createStringError(std::make_error_code(std::errc::read_only_file_system),
                                   "%s: the file is read-only", ed.path.c_str());
  ed.fd = ::open(ed.path.c_str(), O_RDWR | O_CLOEXEC);
  if (ed.fd < 0)
    return systemError(ed.path + ": cannot open for writing");
  if (::flock(ed.fd, LOCK_EX | LOCK_NB) != 0)
    return systemError(ed.path + ": another process is editing it", errno);
  struct stat now;
  ::fstat(ed.fd, &now);
  int64_t mtime = int64_t(now.st_mtim.tv_sec) * 1000000000 + now.st_mtim.tv_nsec;
  if (now.st_ino != index.file->getInode() ||
      uint64_t(now.st_size) != index.file->size() ||
      mtime != index.file->getMTimeNs()) {
    noteFaultReported(); // this says what a fault reading it would mean
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "%s: the file changed since it was indexed; open it again",
        ed.path.c_str());
  }
  ed.fileSize = uint64_t(now.st_size);
  return std::move(ed);
}

InPlaceEditor::InPlaceEditor(InPlaceEditor &&o)
    : path(std::move(o.path)), fd(o.fd), fileSize(o.fileSize) {
  o.fd = -1;
}

InPlaceEditor::~InPlaceEditor() {
  if (fd >= 0)
    ::close(fd); // also drops the flock
}

llvm::Error InPlaceEditor::write(uint64_t offset,
                                 llvm::ArrayRef<uint8_t> bytes) {
  return writeRegion(offset, bytes.size(),
                     [&](uint64_t at, llvm::MutableArrayRef<uint8_t> buf) {
                       std::memcpy(buf.data(), bytes.data() + at, buf.size());
                       return llvm::Error::success();
                     });
}

llvm::Error InPlaceEditor::writeWeight(const Weight &w,
                                       llvm::ArrayRef<uint8_t> data,
                                       const Progress &progress) {
  bool hex = w.encoding == WeightEncoding::Hex;
  uint64_t span = hex ? 2 * data.size() : data.size();
  return writeRegion(
      w.offset, span,
      [&](uint64_t at, llvm::MutableArrayRef<uint8_t> buf) {
        if (!hex) {
          std::memcpy(buf.data(), data.data() + at, buf.size());
        } else {
          // `at` counts hex digits.
          static const char digits[] = "0123456789ABCDEF";
          for (size_t i = 0; i < buf.size(); ++i) {
            uint8_t b = data[(at + i) / 2];
            buf[i] = uint8_t(digits[(at + i) % 2 ? (b & 0xf) : (b >> 4)]);
          }
        }
        return llvm::Error::success();
      },
      progress);
}

llvm::Error InPlaceEditor::writeRegion(
    uint64_t offset, uint64_t size,
    llvm::function_ref<llvm::Error(uint64_t, llvm::MutableArrayRef<uint8_t>)>
        produce,
    const Progress &progress) {
  return writeJournaled(path, fd, fileSize, offset, size, produce, progress);
}

llvm::Error mlirscope::canEditInPlace(const WeightView &view) {
  const Weight &w = view.getWeight();
  auto refuse = [&](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'" + w.name + "' cannot be edited in place: " +
                                       why);
  };
  if (view.getSource().isRemote())
    return refuse("the model is remote; make a local copy first (mlirscope "
                  "rewrite " + llvm::Twine(view.getSource().getName()) +
                  " -o local.mlirbc) and edit that");
  if (w.kind == WeightKind::Parameter)
    return refuse("its bytes are in the archive " +
                  llvm::Twine(view.getSource().getName()) + ", not the model");
  if (w.splat)
    return refuse("it is a splat (one element stored for all); changing one "
                  "element would change the attribute's size");
  if (w.encoding == WeightEncoding::Literal)
    return refuse("it is written as a literal list, whose text would change "
                  "length");
  if (w.bitPacked)
    return refuse("its i1 elements are packed eight per byte");
  if (w.encoding != WeightEncoding::Raw && w.encoding != WeightEncoding::Hex)
    return refuse("it holds strings");
  return llvm::Error::success();
}

FileRange mlirscope::encodeForFile(const WeightView &view, uint64_t byteOffset,
                                   llvm::ArrayRef<uint8_t> data) {
  const Weight &w = view.getWeight();
  if (w.encoding != WeightEncoding::Hex)
    return {w.offset + byteOffset,
            std::vector<uint8_t>(data.begin(), data.end())};
  std::vector<uint8_t> hex;
  hex.reserve(2 * data.size());
  for (uint8_t b : data) {
    hex.push_back(uint8_t(llvm::hexdigit(b >> 4)));
    hex.push_back(uint8_t(llvm::hexdigit(b & 0xf)));
  }
  return {w.offset + 2 * byteOffset, std::move(hex)};
}
