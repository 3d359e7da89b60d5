//===- FaultGuard.cpp - Surviving files that shrink while mapped ----------===//
//
// See FaultGuard.h for the design.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Support/FaultGuard.h"

#include "mlirscope/Support/MappedFile.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlirscope;

namespace {
/// Guarded regions running now (any thread).
std::atomic<int> guardDepth{0};
/// Faults absorbed since the process started.
std::atomic<uint64_t> faults{0};
/// The address of the first fault absorbed since the outermost guarded
/// region began (later ones are the pages after it).
std::atomic<uintptr_t> firstFault{0};
/// `faults` when the outermost guarded region began.
std::atomic<uint64_t> faultsAtGuardStart{0};
/// Whether someone has told the user about the faults of this region.
std::atomic<bool> reported{false};
long pageSize = 4096;
/// What SIGBUS did before (LLVM's stack-trace printer, a sanitizer's).
struct sigaction previous;

void onSigbus(int sig, siginfo_t *info, void *) {
  int savedErrno = errno;
  // BUS_ADRERR: a load from a mapped page past the end of its file. Not a
  // SIGBUS someone sent (kill -BUS: si_addr is then the sender's pid).
  if (guardDepth.load() > 0 && info && info->si_code == BUS_ADRERR &&
      info->si_addr) {
    uintptr_t page =
        reinterpret_cast<uintptr_t>(info->si_addr) & ~(uintptr_t(pageSize) - 1);
    // mmap is a plain system call; it is not on POSIX's async-signal-safe
    // list, but on Linux it takes no lock a signal handler could deadlock on.
    void *p = ::mmap(reinterpret_cast<void *>(page), pageSize, PROT_READ,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p != MAP_FAILED) {
      uintptr_t none = 0;
      firstFault.compare_exchange_strong(
          none, reinterpret_cast<uintptr_t>(info->si_addr));
      faults.fetch_add(1);
      errno = savedErrno;
      return; // the faulting load runs again and reads zeros
    }
  }
  // Not ours: put back what was there before and return; the load faults
  // again and the process dies of it as it would have without us.
  ::sigaction(sig, &previous, nullptr);
  errno = savedErrno;
}
} // namespace

void mlirscope::installFaultGuard() {
  static std::once_flag once;
  std::call_once(once, [] {
    long ps = ::sysconf(_SC_PAGESIZE);
    if (ps > 0)
      pageSize = ps;
    struct sigaction sa;
    std::memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = onSigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGBUS, &sa, &previous);
  });
}

bool mlirscope::runGuarded(llvm::function_ref<void()> fn) {
  installFaultGuard();
  uint64_t before = faults.load();
  if (guardDepth.fetch_add(1) == 0) {
    firstFault.store(0);
    faultsAtGuardStart.store(before);
    reported.store(false);
  }
  fn();
  guardDepth.fetch_sub(1);
  return faults.load() != before;
}

llvm::Error mlirscope::checkUnchanged(const ByteSource &file) {
  // Only a file can change under a mapping; other sources check their own
  // versions as they read.
  if (file.isHeapCopy() || file.fileDescriptor() < 0)
    return llvm::Error::success();
  struct stat st;
  if (::stat(file.getName().c_str(), &st) != 0)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(), "%s: changed on disk (%s); reopen it",
        file.getName().c_str(), std::strerror(errno));
  int64_t mtime =
      int64_t(st.st_mtim.tv_sec) * 1000000000 + int64_t(st.st_mtim.tv_nsec);
  if (uint64_t(st.st_size) != file.size() || st.st_ino != file.getInode() ||
      mtime != file.getMTimeNs())
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "%s: changed on disk since it was indexed; reopen it",
        file.getName().c_str());
  return llvm::Error::success();
}

uint64_t mlirscope::faultCount() { return faults.load(); }

uint64_t mlirscope::faultBaseline() {
  return guardDepth.load() > 0 ? faultsAtGuardStart.load() : faults.load();
}

void mlirscope::noteFaultReported() { reported.store(true); }
bool mlirscope::faultWasReported() { return reported.load(); }

namespace {
/// describeFault()'s answer for a fault in a mapping that is gone.
std::mutex unmappedMutex;
uintptr_t unmappedFault = 0;
std::string unmappedWhere;
} // namespace

void mlirscope::noteUnmapping(const void *base, uint64_t size,
                              const std::string &path) {
  uintptr_t at = firstFault.load();
  auto b = reinterpret_cast<uintptr_t>(base);
  if (!at || at < b || at - b >= size)
    return;
  std::lock_guard<std::mutex> lock(unmappedMutex);
  unmappedFault = at;
  unmappedWhere = path + ": offset " + std::to_string(at - b);
}

std::string mlirscope::describeFault() {
  uintptr_t at = firstFault.load();
  std::string where;
  uint64_t offset = 0;
  // A live mapping first: an old record may name a file once mapped at the
  // same address.
  if (at && MappedFile::findMapping(reinterpret_cast<const void *>(at), where,
                                    offset))
    return where + ": offset " + std::to_string(offset);
  {
    std::lock_guard<std::mutex> lock(unmappedMutex);
    if (at && at == unmappedFault)
      return unmappedWhere;
  }
  return "a mapped file";
}

const char *const mlirscope::kFileChangedWhileRead =
    "expected the file to stay unchanged while it was read (another program "
    "truncated or rewrote it)";

llvm::Error mlirscope::fileChangedError(int fd, uint64_t offset) {
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = ::readlink(link, path, sizeof path - 1);
  std::string name = n > 0 ? std::string(path, size_t(n)) : "a file read";
  return llvm::createStringError(
      std::make_error_code(std::errc::io_error), "%s: offset %llu: %s",
      name.c_str(), (unsigned long long)offset, kFileChangedWhileRead);
}
