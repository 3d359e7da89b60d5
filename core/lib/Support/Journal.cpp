//===- Journal.cpp - The undo journal of in-place edits -------------------===//
//
// Journal layout (little-endian):
//   "MLSJNL01"            8 bytes
//   file size             u64   size of the model file when the edit began
//   region offset         u64
//   region size           u64
//   original bytes        region size
//   checksum              u64   FNV-1a over everything above
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Support/Journal.h"
#include "mlirscope/Support/AtomicFile.h"

#include "mlirscope/Support/Failpoint.h"
#include "mlirscope/Support/SystemError.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlirscope;

namespace {

constexpr char kMagic[8] = {'M', 'L', 'S', 'J', 'N', 'L', '0', '1'};
constexpr uint64_t kHeaderSize = 32;

struct Fnv {
  uint64_t h = 0xcbf29ce484222325ull;
  void add(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      h ^= p[i];
      h *= 0x100000001b3ull;
    }
  }
};

void putU64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = uint8_t(v >> (8 * i));
}
uint64_t getU64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

llvm::Error pwriteAll(int fd, const uint8_t *p, uint64_t n, uint64_t at,
                      llvm::StringRef path) {
  while (n) {
    ssize_t w = ::pwrite(fd, p, size_t(std::min<uint64_t>(n, 1u << 30)),
                         off_t(at));
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return systemError(path + ": cannot write");
    }
    p += w;
    n -= uint64_t(w);
    at += uint64_t(w);
  }
  return llvm::Error::success();
}

llvm::Error preadAll(int fd, uint8_t *p, uint64_t n, uint64_t at,
                     llvm::StringRef path) {
  while (n) {
    ssize_t r = ::pread(fd, p, size_t(std::min<uint64_t>(n, 1u << 30)),
                        off_t(at));
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return systemError(path + ": cannot read", r < 0 ? errno : EIO);
    p += r;
    n -= uint64_t(r);
    at += uint64_t(r);
  }
  return llvm::Error::success();
}

} // namespace

std::string mlirscope::journalPathFor(llvm::StringRef path) {
  return path.str() + ".mlirscope-journal";
}

/// Rolls back the journal of `path`, if there is one, with the file open as
/// `fd` and locked (flock LOCK_EX) by the caller, so no editor is writing the
/// journal or the file meanwhile. `writable`: `fd` was opened O_RDWR.
llvm::Expected<bool> mlirscope::recoverJournalLocked(llvm::StringRef path, int fd,
                                                    bool writable) {
  std::string jpath = journalPathFor(path);
  int jfd = ::open(jpath.c_str(), O_RDONLY | O_CLOEXEC);
  if (jfd < 0) {
    // The edit that left it finished (or was rolled back by another process)
    // while we waited for the lock.
    if (errno == ENOENT)
      return false;
    return systemError(jpath + ": cannot open the edit journal");
  }
  struct stat jst;
  if (::fstat(jfd, &jst) != 0) {
    ::close(jfd);
    return systemError(jpath + ": cannot stat the edit journal");
  }
  uint64_t jsize = uint64_t(jst.st_size);
  uint8_t header[kHeaderSize];
  bool valid = jsize >= kHeaderSize + 8 &&
               !llvm::errorToBool(preadAll(jfd, header, kHeaderSize, 0, jpath)) &&
               std::memcmp(header, kMagic, 8) == 0;
  uint64_t fileSize = 0, offset = 0, size = 0;
  if (valid) {
    fileSize = getU64(header + 8);
    offset = getU64(header + 16);
    size = getU64(header + 24);
    valid = size == jsize - kHeaderSize - 8;
  }
  // Verify the checksum in chunks, so a journal of a large region does not
  // need its size in memory.
  if (valid) {
    Fnv fnv;
    fnv.add(header, kHeaderSize);
    std::vector<uint8_t> buf(size_t(std::min<uint64_t>(size, 8u << 20)));
    for (uint64_t done = 0; done < size && valid;) {
      uint64_t n = std::min<uint64_t>(buf.size(), size - done);
      valid = !llvm::errorToBool(
          preadAll(jfd, buf.data(), n, kHeaderSize + done, jpath));
      fnv.add(buf.data(), size_t(n));
      done += n;
    }
    uint8_t sum[8];
    valid = valid &&
            !llvm::errorToBool(preadAll(jfd, sum, 8, kHeaderSize + size, jpath)) &&
            getU64(sum) == fnv.h;
  }
  if (valid) {
    // The edit may have reached the file: put the original bytes back.
    std::string p = path.str();
    if (!writable) {
      ::close(jfd);
      return systemError(p + ": an unfinished edit must be rolled back, but the "
                          "file cannot be opened for writing",
                      EACCES);
    }
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      ::close(jfd);
      return systemError(p + ": cannot stat");
    }
    if (uint64_t(st.st_size) != fileSize || offset > fileSize ||
        size > fileSize - offset) {
      ::close(jfd);
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "%s: the edit journal %s does not match the file (size %llu, "
          "journal expects %llu); left both untouched",
          p.c_str(), jpath.c_str(), (unsigned long long)st.st_size,
          (unsigned long long)fileSize);
    }
    std::vector<uint8_t> buf(size_t(std::min<uint64_t>(size, 8u << 20)));
    for (uint64_t done = 0; done < size;) {
      uint64_t n = std::min<uint64_t>(buf.size(), size - done);
      if (auto e = preadAll(jfd, buf.data(), n, kHeaderSize + done, jpath)) {
        ::close(jfd);
        return std::move(e);
      }
      if (auto e = pwriteAll(fd, buf.data(), n, offset + done, p)) {
        ::close(jfd);
        return std::move(e);
      }
      done += n;
    }
    if (::fsync(fd) != 0) {
      ::close(jfd);
      return systemError(p + ": cannot sync");
    }
  }
  ::close(jfd);
  // Invalid: the journal was not complete, so the file was never touched.
  if (::unlink(jpath.c_str()) != 0)
    return systemError(jpath + ": cannot remove the edit journal");
  if (auto e = syncParentDirectory(path))
    return std::move(e);
  return true;
}

llvm::Expected<bool> mlirscope::recoverJournal(llvm::StringRef path) {
  std::string jpath = journalPathFor(path);
  struct stat jst;
  if (::stat(jpath.c_str(), &jst) != 0) {
    if (errno == ENOENT)
      return false;
    return systemError(jpath + ": cannot stat the edit journal");
  }
  // An editor holds an exclusive flock on the file for the whole edit: take
  // it too, so an edit in progress is waited for rather than mistaken for a
  // crashed one (whose incomplete journal would be deleted, or whose file
  // would be rolled back under the running editor).
  std::string p = path.str();
  bool writable = true;
  int fd = ::open(p.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    writable = false;
    fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0)
    return systemError(p + ": cannot open");
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      int err = errno;
      ::close(fd);
      return systemError(p + ": cannot lock", err);
    }
  }
  auto recovered = recoverJournalLocked(path, fd, writable);
  ::close(fd); // also drops the flock
  return recovered;
}

llvm::Error mlirscope::writeJournaled(
    llvm::StringRef path, int fd, uint64_t fileSize, uint64_t offset,
    uint64_t size,
    llvm::function_ref<llvm::Error(uint64_t, llvm::MutableArrayRef<uint8_t>)>
        produce,
    const Progress &progress) {
  if (offset > fileSize || size > fileSize - offset)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: edit past the end of the file",
                                   path.str().c_str());
  std::string jpath = journalPathFor(path);
  // 1. The journal: header, original bytes, checksum; then fsync.
  int jfd = ::open(jpath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (jfd < 0)
    return systemError(jpath + ": cannot create the edit journal");
  auto abandon = [&](llvm::Error e) {
    ::close(jfd);
    ::unlink(jpath.c_str());
    return e;
  };
  uint8_t header[kHeaderSize];
  std::memcpy(header, kMagic, 8);
  putU64(header + 8, fileSize);
  putU64(header + 16, offset);
  putU64(header + 24, size);
  Fnv fnv;
  fnv.add(header, kHeaderSize);
  if (auto e = pwriteAll(jfd, header, kHeaderSize, 0, jpath))
    return abandon(std::move(e));
  const uint64_t chunk = 8u << 20;
  std::vector<uint8_t> buf(size_t(std::min<uint64_t>(std::max<uint64_t>(size, 1), chunk)));
  const uint64_t total = 2 * size;
  for (uint64_t done = 0; done < size;) {
    uint64_t n = std::min<uint64_t>(buf.size(), size - done);
    if (auto e = preadAll(fd, buf.data(), n, offset + done, path))
      return abandon(std::move(e));
    fnv.add(buf.data(), size_t(n));
    if (auto e = pwriteAll(jfd, buf.data(), n, kHeaderSize + done, jpath))
      return abandon(std::move(e));
    done += n;
    if (done >= size / 2)
      failpoint("journal-partial");
    if (!progress.report(done, total))
      return abandon(cancelledError());
  }
  uint8_t sum[8];
  putU64(sum, fnv.h);
  if (auto e = pwriteAll(jfd, sum, 8, kHeaderSize + size, jpath))
    return abandon(std::move(e));
  if (::fsync(jfd) != 0)
    return abandon(systemError(jpath + ": cannot sync the edit journal"));
  ::close(jfd);
  if (auto e = syncParentDirectory(path)) {
    ::unlink(jpath.c_str());
    return e;
  }
  failpoint("journal-synced");

  // 2. The new bytes. From here on a failure rolls back through the journal.
  auto rollback = [&](llvm::Error e) -> llvm::Error {
    // This process holds the lock (through `fd`); taking it again through a
    // second descriptor would wait for ourselves.
    if (auto r = recoverJournalLocked(path, fd, /*writable=*/true); !r)
      return llvm::joinErrors(std::move(e), r.takeError());
    return e;
  };
  for (uint64_t done = 0; done < size;) {
    uint64_t n = std::min<uint64_t>(buf.size(), size - done);
    llvm::MutableArrayRef<uint8_t> view(buf.data(), size_t(n));
    if (auto e = produce(done, view))
      return rollback(std::move(e));
    if (auto e = pwriteAll(fd, buf.data(), n, offset + done, path))
      return rollback(std::move(e));
    done += n;
    if (done >= size / 2)
      failpoint("file-partial");
    if (!progress.report(size + done, total))
      return rollback(cancelledError());
  }
  if (::fsync(fd) != 0)
    return rollback(systemError(path + ": cannot sync"));
  failpoint("file-synced");

  // 3. Done: drop the journal.
  if (::unlink(jpath.c_str()) != 0)
    return systemError(jpath + ": cannot remove the edit journal");
  return syncParentDirectory(path);
}
