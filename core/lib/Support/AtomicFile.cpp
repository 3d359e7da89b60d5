//===- AtomicFile.cpp - Write a new file or nothing -----------------------===//

#include "mlirscope/Support/AtomicFile.h"
#include "mlirscope/Support/FaultGuard.h"

#include "mlirscope/Support/Failpoint.h"
#include "mlirscope/Support/SystemError.h"

#include "llvm/Support/Errc.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace mlirscope;

llvm::Error mlirscope::syncParentDirectory(llvm::StringRef path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == llvm::StringRef::npos ? "." : path.take_front(slash ? slash : 1).str();
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return systemError(dir + ": cannot open directory", errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) // some file systems cannot sync directories
    return systemError(dir + ": cannot sync directory", err);
  return llvm::Error::success();
}

/// Removes temporary files of earlier saves to `path` that were killed
/// before they could clean up (kill -9, power loss): a temporary file is
/// locked (flock) by the process writing it, so one whose lock can be taken
/// has no writer left. Best effort: a temporary that cannot be removed stays.
static void removeStaleTemporaries(const std::string &path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash ? slash : 1);
  std::string prefix =
      (slash == std::string::npos ? path : path.substr(slash + 1)) +
      ".mlirscope-tmp-";
  DIR *d = ::opendir(dir.c_str());
  if (!d)
    return;
  while (dirent *e = ::readdir(d)) {
    llvm::StringRef name = e->d_name;
    if (!name.starts_with(prefix) || name.size() != prefix.size() + 6)
      continue;
    std::string full = dir + "/" + name.str();
    // O_NONBLOCK: a FIFO of that name must not make the save wait.
    int fd = ::open(full.c_str(),
                    O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
      continue;
    struct stat st, named;
    // Only our own regular files, and only the one still under that name.
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_uid == ::geteuid() && ::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
        ::lstat(full.c_str(), &named) == 0 && named.st_ino == st.st_ino &&
        named.st_dev == st.st_dev)
      ::unlink(full.c_str());
    ::close(fd);
  }
  ::closedir(d);
}

llvm::Expected<AtomicFile> AtomicFile::create(llvm::StringRef path) {
  AtomicFile f;
  f.path = path.str();
  // A symbolic link whose file does not exist yet: that file is created,
  // the link stays.
  struct stat link;
  if (::lstat(f.path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    char target[4096];
    ssize_t n = ::readlink(f.path.c_str(), target, sizeof(target) - 1);
    if (n > 0) {
      std::string t(target, size_t(n));
      size_t slash = f.path.rfind('/');
      if (t[0] != '/' && slash != std::string::npos)
        t = f.path.substr(0, slash + 1) + t;
      f.path = t;
    }
  }
  struct stat existing;
  if (::stat(f.path.c_str(), &existing) == 0) {
    if (S_ISDIR(existing.st_mode))
      return systemError(f.path + ": cannot write over a directory", EISDIR);
    if (!S_ISREG(existing.st_mode)) {
      // A device, a FIFO or a socket (`-o /dev/null`, `-o /dev/stdout`, a
      // named pipe): written to as it is. A temporary renamed over it would
      // replace the device node itself.
      int fd = ::open(f.path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        return systemError(f.path + ": cannot open", errno);
      f.fileFd = fd;
      f.direct = true;
      f.faultsAtStart = faultBaseline();
      return std::move(f);
    }
    // A symbolic link to a file: the file it names is replaced, the link
    // stays.
    if (char *real = ::realpath(f.path.c_str(), nullptr)) {
      f.path = real;
      ::free(real);
    }
  }
  removeStaleTemporaries(f.path);
  f.tempPath = f.path + ".mlirscope-tmp-XXXXXX";
  std::vector<char> buf(f.tempPath.begin(), f.tempPath.end());
  buf.push_back(0);
  int fd = -1;
  // Another save's cleanup may lock and remove the new file between mkstemp
  // and flock; then the name is gone (or another file's) and we start over.
  for (int attempt = 0; attempt < 8 && fd < 0; ++attempt) {
    std::copy(f.tempPath.begin(), f.tempPath.end(), buf.begin());
    fd = ::mkostemp(buf.data(), O_CLOEXEC);
    if (fd < 0)
      return systemError(f.path + ": cannot create a temporary file beside it",
                      errno);
    // Held until the file is renamed and closed: marks it as being written.
    struct stat st, named;
    if (::flock(fd, LOCK_EX) != 0 || ::fstat(fd, &st) != 0 ||
        ::lstat(buf.data(), &named) != 0 || named.st_ino != st.st_ino ||
        named.st_dev != st.st_dev) {
      ::close(fd);
      fd = -1;
    }
  }
  if (fd < 0)
    return systemError(f.path + ": cannot create a temporary file beside it",
                    EEXIST);
  ::fchmod(fd, 0644);
  f.tempPath = buf.data();
  f.fileFd = fd;
  f.faultsAtStart = faultBaseline();
  return std::move(f);
}

AtomicFile::AtomicFile(AtomicFile &&o)
    : path(std::move(o.path)), tempPath(std::move(o.tempPath)),
      fileFd(o.fileFd), pos(o.pos), faultsAtStart(o.faultsAtStart),
      committed(o.committed), direct(o.direct) {
  o.fileFd = -1;
  o.committed = true; // the moved-from object owns nothing
}

AtomicFile::~AtomicFile() {
  if (fileFd >= 0)
    ::close(fileFd);
  if (!committed && !tempPath.empty())
    ::unlink(tempPath.c_str());
}

llvm::Error AtomicFile::write(llvm::ArrayRef<uint8_t> bytes) {
  const uint8_t *p = bytes.data();
  size_t left = bytes.size();
  while (left) {
    ssize_t n = direct ? ::write(fileFd, p, left)
                       : ::pwrite(fileFd, p, left, off_t(pos));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return systemError(path + ": cannot write", errno);
    }
    p += n;
    left -= size_t(n);
    pos += uint64_t(n);
    failpoint("save-partial");
  }
  return llvm::Error::success();
}

llvm::Error AtomicFile::copyFrom(int srcFd, uint64_t srcOffset, uint64_t size) {
  while (size) {
    loff_t in = loff_t(srcOffset), out = loff_t(pos);
    ssize_t n = ::copy_file_range(srcFd, &in, fileFd, &out,
                                  std::min<uint64_t>(size, 1ull << 30), 0);
    if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
                  errno == EOPNOTSUPP)) {
      // Fall back to read + write through a buffer.
      std::vector<uint8_t> buf(std::min<uint64_t>(size, 8u << 20));
      ssize_t r = ::pread(srcFd, buf.data(), buf.size(), off_t(srcOffset));
      if (r < 0)
        return systemError(path + ": cannot read the source", errno);
      // The source shrank under us: said as a fault in a mapping is.
      if (r == 0)
        return fileChangedError(srcFd, srcOffset);
      if (auto e = write(llvm::ArrayRef<uint8_t>(buf.data(), size_t(r))))
        return e;
      srcOffset += uint64_t(r);
      size -= uint64_t(r);
      continue;
    }
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return systemError(path + ": cannot copy", errno);
    }
    if (n == 0)
      return fileChangedError(srcFd, srcOffset);
    srcOffset += uint64_t(n);
    pos += uint64_t(n);
    size -= uint64_t(n);
    failpoint("save-partial");
  }
  return llvm::Error::success();
}

llvm::Error AtomicFile::skip(uint64_t size) {
  if (direct) {
    // No holes in a device or a pipe: zeros, written.
    std::vector<uint8_t> zeros(std::min<uint64_t>(size, 1u << 20));
    while (size) {
      uint64_t n = std::min<uint64_t>(size, zeros.size());
      if (auto e = write(llvm::ArrayRef<uint8_t>(zeros.data(), n)))
        return e;
      size -= n;
    }
    return llvm::Error::success();
  }
  pos += size;
  // Extend the file so a hole at the end still counts.
  if (::ftruncate(fileFd, off_t(pos)) != 0)
    return systemError(path + ": cannot extend", errno);
  return llvm::Error::success();
}

llvm::Error AtomicFile::commit() {
  // Bytes read from a mapped file that shrank meanwhile came back as zeros
  // (FaultGuard.h): such a file must not replace anything.
  if (faultCount() != faultsAtStart) {
    noteFaultReported();
    return llvm::createStringError(
        llvm::errc::io_error,
        "%s: not saved: %s changed on disk while it was read", path.c_str(),
        describeFault().c_str());
  }
  if (direct) {
    committed = true;
    int rc = ::close(fileFd);
    fileFd = -1;
    if (rc != 0)
      return systemError(path + ": cannot close", errno);
    return llvm::Error::success();
  }
  if (::fsync(fileFd) != 0)
    return systemError(path + ": cannot sync", errno);
  failpoint("save-synced");
  // Renamed while still open: its flock marks it as being written until the
  // temporary name is gone (removeStaleTemporaries).
  if (::rename(tempPath.c_str(), path.c_str()) != 0)
    return systemError(path + ": cannot rename the temporary file over it", errno);
  committed = true;
  int rc = ::close(fileFd);
  fileFd = -1;
  if (rc != 0)
    return systemError(path + ": cannot close", errno);
  failpoint("save-renamed");
  return syncParentDirectory(path);
}
