//===- MappedFile.cpp - Read-only memory-mapped file ----------------------===//

#include "mlirscope/Support/MappedFile.h"
#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/FormatError.h"

#include "llvm/Support/Errc.h"
#include "llvm/Support/Error.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <mutex>
#include <unistd.h>
#include <vector>

using namespace mlirscope;

namespace {
/// Live file mappings, for findMapping().
std::mutex mappingsMutex;
std::vector<const MappedFile *> &mappings() {
  static std::vector<const MappedFile *> all;
  return all;
}
} // namespace

bool MappedFile::findMapping(const void *address, std::string &path,
                             uint64_t &offset) {
  auto at = reinterpret_cast<uintptr_t>(address);
  std::lock_guard<std::mutex> lock(mappingsMutex);
  for (const MappedFile *f : mappings()) {
    auto base = reinterpret_cast<uintptr_t>(f->data());
    if (at >= base && at - base < f->size()) {
      path = f->getName();
      offset = at - base;
      return true;
    }
  }
  return false;
}

llvm::Expected<std::unique_ptr<MappedFile>>
MappedFile::open(llvm::StringRef path) {
  std::string p = path.str();
  // O_NONBLOCK: opening a FIFO (a path from anywhere: a command line, an
  // editor's request) would otherwise wait for a writer; it is refused as not
  // a regular file below. It changes nothing for regular files.
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                   "%s: cannot open: %s", p.c_str(),
                                   std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return llvm::createStringError(std::error_code(e, std::generic_category()),
                                   "%s: cannot stat: %s", p.c_str(),
                                   std::strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return llvm::createStringError(llvm::errc::invalid_argument,
                                   "%s: not a regular file", p.c_str());
  }
  std::unique_ptr<MappedFile> f(new MappedFile());
  f->name = p;
  f->length = static_cast<uint64_t>(st.st_size);
  f->mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
               st.st_mtim.tv_nsec;
  f->inode = st.st_ino;
  if (f->length) {
    // MAP_PRIVATE + PROT_READ: the index can never write the user's file.
    void *m = ::mmap(nullptr, f->length, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
      int e = errno;
      ::close(fd);
      return llvm::createStringError(
          std::error_code(e, std::generic_category()), "%s: cannot map: %s",
          p.c_str(), std::strerror(e));
    }
    f->base = static_cast<const uint8_t *>(m);
    std::lock_guard<std::mutex> lock(mappingsMutex);
    mappings().push_back(f.get());
  }
  f->fd = fd;
  return std::move(f);
}

std::unique_ptr<MappedFile> MappedFile::copyOf(llvm::StringRef name,
                                               llvm::ArrayRef<uint8_t> bytes) {
  std::unique_ptr<MappedFile> f(new MappedFile());
  f->name = name.str();
  f->length = bytes.size();
  f->onHeap = true;
  if (!bytes.empty()) {
    auto *copy = static_cast<uint8_t *>(std::malloc(bytes.size()));
    std::memcpy(copy, bytes.data(), bytes.size());
    f->base = copy;
  }
  return f;
}

MappedFile::~MappedFile() {
  if (fd >= 0)
    ::close(fd);
  if (base && onHeap)
    std::free(const_cast<uint8_t *>(base));
  else if (base) {
    noteUnmapping(base, length, name);
    {
      std::lock_guard<std::mutex> lock(mappingsMutex);
      auto &all = mappings();
      all.erase(std::remove(all.begin(), all.end(), this), all.end());
    }
    ::munmap(const_cast<uint8_t *>(base), length);
  }
}

bool MappedFile::advise(uint64_t offset, uint64_t size, int advice) const {
  if (!base || onHeap || offset >= length)
    return true;
  uint64_t page = uint64_t(::sysconf(_SC_PAGESIZE));
  uint64_t begin = offset & ~(page - 1);
  uint64_t end = std::min(length, offset + size);
  return end <= begin ||
         ::madvise(const_cast<uint8_t *>(base) + begin, end - begin,
                   advice) == 0;
}

llvm::Expected<Span> MappedFile::read(uint64_t offset, uint64_t n) const {
  if (offset > length || n > length - offset)
    return makeFormatError(name, offset,
                           llvm::Twine(n) + " bytes, found the end of the file");
  return Span({base + offset, size_t(n)});
}

void MappedFile::dropPages(uint64_t offset, uint64_t size) const {
  advise(offset, size, MADV_DONTNEED);
}

void MappedFile::prefetch(uint64_t offset, uint64_t size) const {
  advise(offset, size, MADV_WILLNEED);
}

size_t MappedFile::readAt(uint64_t offset, uint8_t *out, size_t n) const {
  if (offset >= length)
    return 0;
  n = size_t(std::min<uint64_t>(n, length - offset));
  if (onHeap) {
    std::memcpy(out, base + offset, n);
    return n;
  }
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, out + got, n - got, off_t(offset + got));
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    got += size_t(r);
  }
  return got;
}

void MappedFile::populate(uint64_t offset, uint64_t size) const {
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 // Linux 5.14; glibc 2.36's headers lack it
#endif
  if (!advise(offset, size, MADV_POPULATE_READ) && errno == EINVAL)
    advise(offset, size, MADV_WILLNEED);
}
