//===- QueuedOutput.h - Output that never blocks its writer -----*- C++ -*-===//
//
// The stream JSONTransport writes replies and notifications to. A client may
// write a burst of requests before it reads any reply (scripts, benchmarks):
// once the pipe to it is full, a blocking write would stop the thread that
// wrote it, and when that is the reading thread (it answers requests on
// small documents itself, README.md) the client, blocked on its own write,
// never reads again. Here a write goes straight to the pipe while the pipe
// takes it without blocking (a reply to a client that keeps up costs one
// poll more than a plain write), and the rest waits in memory for a thread
// of its own, which writes it in order as the client reads. Nothing is
// framed here: JSONTransport frames every message and MessageHandler's
// output mutex keeps the messages whole; this stream only keeps the bytes in
// their order.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_QUEUEDOUTPUT_H
#define MLIRSCOPE_LSP_QUEUEDOUTPUT_H

#include "llvm/Support/raw_ostream.h"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace mlirscope {
namespace lspserver {

class QueuedOutput : public llvm::raw_ostream {
public:
  /// Writes to `out`. Only llvm::outs() on a pipe or a socket is queued (and
  /// only with `queue`): any other stream is written to at once, as a file
  /// or an in-memory stream does not wait for a reader.
  QueuedOutput(llvm::raw_ostream &out, bool queue);
  /// Writes what is still queued, then ends the writing thread.
  ~QueuedOutput() override;

  /// Returns once every byte written so far has reached the output (or the
  /// output failed).
  void drain();

private:
  void write_impl(const char *ptr, size_t size) override;
  uint64_t current_pos() const override { return written; }
  /// Writes what the pipe takes without blocking; returns how much.
  size_t writeWithoutBlocking(const char *ptr, size_t size);
  /// Writes everything, blocking as needed; false if the output failed.
  bool writeAll(const char *ptr, size_t size);
  void runWriter();

  llvm::raw_ostream &out;
  /// The pipe or socket written to directly, or -1.
  int fd = -1;
  uint64_t written = 0;

  std::mutex mutex;
  std::condition_variable wake, idle;
  /// Bytes waiting for the writer thread, in order.
  std::string pending;
  /// The writer thread is writing bytes it took from `pending`.
  bool writing = false;
  bool stopping = false;
  /// The output failed: what follows is dropped (the client is gone).
  bool failed = false;
  /// Started at the first write that has to wait.
  std::thread writer;
};

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_QUEUEDOUTPUT_H
