//===- WeightStream.h - Whole-weight passes in bounded windows --*- C++ -*-===//
//
// A source that is not memory (a model over HTTP or S3) cannot hand out a
// weight as one span without copying all of it into the heap first: a
// 1 GiB weight would be 1 GiB of page faults before the first element is
// looked at. Passes over a whole weight (statistics, extract) read it here
// instead, in windows of whole elements, in order, with the next windows
// fetched on threads of their own while the caller works on the current
// one. At most `kWindowsInMemory` windows are held at any time.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BLOB_WEIGHTSTREAM_H
#define MLIRSCOPE_BLOB_WEIGHTSTREAM_H

#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Support/Progress.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace mlirscope {

/// Windows held at once: the one being worked on and the ones being fetched.
constexpr unsigned kWindowsInMemory = 3;

/// Bytes per window: the environment variable MLIRSCOPE_STREAM_WINDOW (bytes,
/// at least 64; tests make it small so a small weight crosses many windows),
/// else 64 MiB. A weight of a source that is not memory and larger than
/// this is read in windows (WeightView::isStreamed).
uint64_t streamWindowBytes();

/// Calls `fn(first, count, bytes)` for consecutive windows covering elements
/// [first, first + count) of `view`, in order, on the calling thread; `bytes`
/// holds the window's count * dtypeSize bytes and is valid during the call.
/// Windows are streamWindowBytes() rounded down to whole elements. The first
/// error of `fn` stops the pass and is returned; so is a failed read (the
/// source's message: its name and the offset) and cancelledError() when
/// `progress` is cancelled, which also stops the transfers in flight.
llvm::Error
streamElements(const WeightView &view, uint64_t first, uint64_t count,
               const Progress &progress,
               llvm::function_ref<llvm::Error(uint64_t first, uint64_t count,
                                              const uint8_t *bytes)>
                   fn);

} // namespace mlirscope

#endif // MLIRSCOPE_BLOB_WEIGHTSTREAM_H
