//===- QueuedOutput.cpp - Output that never blocks its writer -------------===//
//
// See QueuedOutput.h.
//
//===----------------------------------------------------------------------===//

#include "QueuedOutput.h"

#include <cerrno>
#include <climits>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

using mlirscope::lspserver::QueuedOutput;

QueuedOutput::QueuedOutput(llvm::raw_ostream &out, bool queue) : out(out) {
  // raw_fd_ostream keeps its descriptor to itself; the server's one is
  // stdout's.
  if (!queue || &out != &llvm::outs())
    return;
  int candidate = STDOUT_FILENO;
  struct stat st;
  if (fstat(candidate, &st) != 0 ||
      !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
    return;
  // From here on the descriptor is written directly, past `out`'s buffer.
  out.flush();
  fd = candidate;
}

QueuedOutput::~QueuedOutput() {
  drain();
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_one();
  if (writer.joinable())
    writer.join();
}

void QueuedOutput::drain() {
  flush();
  if (fd < 0)
    return;
  std::unique_lock<std::mutex> lock(mutex);
  idle.wait(lock, [&] { return pending.empty() && !writing; });
}

void QueuedOutput::write_impl(const char *ptr, size_t size) {
  written += size;
  if (fd < 0) {
    out.write(ptr, size);
    out.flush();
    return;
  }
  std::lock_guard<std::mutex> lock(mutex);
  if (failed)
    return;
  // Bytes may go out directly only when none are waiting before them.
  if (pending.empty() && !writing) {
    size_t done = writeWithoutBlocking(ptr, size);
    if (failed)
      return;
    ptr += done;
    size -= done;
    if (size == 0)
      return;
  }
  pending.append(ptr, size);
  if (!writer.joinable())
    writer = std::thread([this] { runWriter(); });
  wake.notify_one();
}

size_t QueuedOutput::writeWithoutBlocking(const char *ptr, size_t size) {
  size_t done = 0;
  while (done < size) {
    // A pipe that polls writable has a free page: a write of at most
    // PIPE_BUF bytes then completes without blocking (the caller holds the
    // mutex, so no other write comes between).
    struct pollfd p = {fd, POLLOUT, 0};
    int ready = poll(&p, 1, 0);
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0 || !(p.revents & POLLOUT))
      break;
    ssize_t n =
        ::write(fd, ptr + done, std::min<size_t>(size - done, PIPE_BUF));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    if (n <= 0) {
      failed = true;
      break;
    }
    done += n;
  }
  return done;
}

bool QueuedOutput::writeAll(const char *ptr, size_t size) {
  while (size) {
    ssize_t n = ::write(fd, ptr, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    ptr += n;
    size -= n;
  }
  return true;
}

void QueuedOutput::runWriter() {
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    wake.wait(lock, [&] { return !pending.empty() || stopping; });
    if (pending.empty())
      return; // stopping, and nothing left
    std::string batch;
    batch.swap(pending);
    writing = true;
    lock.unlock();
    bool ok = writeAll(batch.data(), batch.size());
    lock.lock();
    writing = false;
    if (!ok) {
      failed = true;
      pending.clear();
    }
    if (pending.empty())
      idle.notify_all();
  }
}
