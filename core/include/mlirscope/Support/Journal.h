//===- Journal.h - The undo journal of in-place edits -----------*- C++ -*-===//
//
// A write into an existing file that a crash cannot tear: the original bytes
// of the region, with the file's size and a checksum, go to
// FILE.mlirscope-journal, which is fsync'd (and its directory); then the new
// bytes are written into FILE, which is fsync'd; then the journal is removed.
//
// A crash before the journal is complete leaves an invalid journal and an
// untouched file: the journal is discarded. A crash after it leaves a valid
// journal: its bytes are written back. Either way the next open sees the old
// content, byte-exact, or (after the last step) the new one. Opening a model
// (Index/Index.h) runs that recovery before it maps the file.
//
// A writer holds an exclusive flock on the file for the whole edit, and
// recovery takes the same lock, so a reader arriving mid-edit waits for the
// edit to finish instead of rolling back a journal that is still in use.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_JOURNAL_H
#define MLIRSCOPE_SUPPORT_JOURNAL_H

#include "mlirscope/Support/Progress.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlirscope {

/// The journal's path for a model file.
std::string journalPathFor(llvm::StringRef path);

/// Rolls back an unfinished edit of `path` if a journal is left from one.
/// Returns true if it restored bytes or discarded a journal.
llvm::Expected<bool> recoverJournal(llvm::StringRef path);

/// The same with the file already open as `fd` and flock'ed LOCK_EX by the
/// caller (taking the lock again through another descriptor would wait for
/// ourselves). `writable`: `fd` was opened O_RDWR.
llvm::Expected<bool> recoverJournalLocked(llvm::StringRef path, int fd,
                                          bool writable);

/// Rewrites [offset, offset + size) of `path`, open as `fd` (O_RDWR, flock'ed
/// LOCK_EX by the caller, `fileSize` bytes long), under one journal. New
/// contents are produced chunk by chunk: `produce(chunkOffset, buffer)` fills
/// `buffer` with the bytes for [offset + chunkOffset, + buffer.size()). A
/// failure or a cancel after the journal is written rolls the file back.
llvm::Error writeJournaled(
    llvm::StringRef path, int fd, uint64_t fileSize, uint64_t offset,
    uint64_t size,
    llvm::function_ref<llvm::Error(uint64_t, llvm::MutableArrayRef<uint8_t>)>
        produce,
    const Progress &progress = {});

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_JOURNAL_H
