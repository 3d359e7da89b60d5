//===- FaultGuard.h - Surviving files that shrink while mapped --*- C++ -*-===//
//
// core maps model files read-only (MappedFile). If another process truncates
// or rewrites such a file, touching a page past its new end raises SIGBUS,
// which would end the process: the language server, the viewer, or a CLI
// command halfway through a save. Two defenses:
//
// 1. checkUnchanged(): before reading a disk-backed model's blob bytes, stat
//    the file again and refuse ("changed on disk; reopen it") when its size,
//    inode or mtime differ from what MappedFile recorded at indexing. This
//    catches every change made before the request.
//
// 2. runGuarded(): for a change that races with the read itself. While a
//    guarded function runs, a SIGBUS handler (installed on first use) maps an
//    anonymous zero page over the faulting page with MAP_FIXED and returns,
//    so the faulting load completes (reading zeros) on whatever thread it was:
//    computeStats reads on worker threads of its own, which a
//    sigsetjmp/siglongjmp on the requesting thread could not reach, and a
//    longjmp would skip destructors and leave mutexes held. The guard then
//    reports that a fault happened; the caller throws the result away, drops
//    the model (its mapping now holds zero pages) and replies with an error.
//    Outside a guarded region the handler puts back the previous action
//    (LLVM's stack-trace printer, a sanitizer's report) and returns, so the
//    fault is raised again and the process dies as it would have: a SIGBUS
//    there is a bug, not a changed file.
//
// Guarded regions may nest and may run on several threads. AtomicFile refuses
// to commit a file written while a fault was absorbed (its contents may hold
// the zeros), so no save commits bytes read from a shrunken file.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_FAULTGUARD_H
#define MLIRSCOPE_SUPPORT_FAULTGUARD_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace mlirscope {
class ByteSource;

/// Installs the SIGBUS handler (idempotent; runGuarded calls it too).
void installFaultGuard();

/// Runs `fn`; returns true when a read of a mapped page faulted (SIGBUS)
/// while it ran, i.e. some mapped file shrank: `fn`'s results are then
/// unreliable (the missing bytes read as zeros).
bool runGuarded(llvm::function_ref<void()> fn);

/// Fails when the file behind `file` is no longer the one that was mapped
/// (another size, inode or modification time). Heap copies always pass.
llvm::Error checkUnchanged(const ByteSource &file);

/// Faults absorbed by guarded regions since the process started.
uint64_t faultCount();

/// faultCount() when the outermost guarded region running now began (the
/// current count outside one). A save compares against this, not against
/// the count when it started writing: a page that faulted while the model
/// was indexed is a zero page by then and faults no more.
uint64_t faultBaseline();

/// Marks the faults of the current guarded region as told to the user (a
/// refused save, a command's error line), so the caller does not repeat it.
void noteFaultReported();
bool faultWasReported();

/// Where the first fault absorbed since the outermost guarded region began
/// was: "PATH: offset N" when it fell in a file MappedFile has mapped, else
/// "a mapped file".
std::string describeFault();

/// What every front-end says of a file that shrank while it was read, after
/// "PATH: offset N: ".
extern const char *const kFileChangedWhileRead;

/// "PATH: offset N: kFileChangedWhileRead" for a read of `fd` at `offset`
/// that found the end of the file early (a kernel copy, which sees a
/// truncation as an early end rather than a fault); PATH from /proc.
llvm::Error fileChangedError(int fd, uint64_t offset);

/// Called by MappedFile before it unmaps [base, base + size): a fault in it
/// is remembered as "PATH: offset N" for describeFault() after the mapping
/// is gone (a command reports after its index has been destroyed).
void noteUnmapping(const void *base, uint64_t size, const std::string &path);

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_FAULTGUARD_H
