//===- Progress.h - How long work reports and is cancelled ------*- C++ -*-===//
//
// One vocabulary for every piece of core that may run for seconds over a
// large model (statistics, heatmap pooling, graph grouping, layout, export,
// diff, convert, rewrite, journaled edits): it is handed a `Progress`, calls
// it with how far it got, and stops with `cancelledError()` when the call
// says no. A front-end makes one from a callback (a progress bar that can
// answer "stop"), a cancel flag set from another thread (a UI's Cancel
// button, LSP's $/cancelRequest), or both.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_PROGRESS_H
#define MLIRSCOPE_SUPPORT_PROGRESS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <type_traits>

namespace mlirscope {

class Progress {
public:
  /// Told `done` units out of `total` (bytes, elements, ops: the worker's
  /// choice, always increasing) and, for work of several steps, the name of
  /// the current one. Returns false to cancel.
  using Callback =
      std::function<bool(uint64_t done, uint64_t total, llvm::StringRef phase)>;

  /// Reports nowhere and never cancels.
  Progress() = default;
  Progress(std::nullptr_t) {}
  /// From a callable taking (done, total[, phase]) and returning bool (false
  /// cancels) or void (never cancels).
  template <
      typename F,
      typename = std::enable_if_t<
          !std::is_same_v<std::decay_t<F>, Progress> &&
          (std::is_invocable_v<F &, uint64_t, uint64_t> ||
           std::is_invocable_v<F &, uint64_t, uint64_t, llvm::StringRef>)>>
  Progress(F &&fn, const std::atomic<bool> *cancel = nullptr)
      : callback(wrap(std::forward<F>(fn))), cancelFlag(cancel) {}
  /// Only a cancel flag, set from any thread.
  explicit Progress(const std::atomic<bool> *cancel) : cancelFlag(cancel) {}

  /// This progress, also cancelled when `flag` is set (a caller's flag on
  /// top of the callback it was handed).
  Progress withCancel(const std::atomic<bool> *flag) const {
    Progress p = *this;
    if (!cancelFlag) {
      p.cancelFlag = flag;
    } else if (flag && flag != cancelFlag) {
      const std::atomic<bool> *outer = cancelFlag;
      Callback inner = callback;
      p.cancelFlag = flag;
      p.callback = [outer, inner](uint64_t d, uint64_t t, llvm::StringRef ph) {
        return !outer->load(std::memory_order_relaxed) &&
               (!inner || inner(d, t, ph));
      };
    }
    return p;
  }

  /// Reports how far the work got; false means stop now.
  bool report(uint64_t done, uint64_t total, llvm::StringRef phase = {}) const {
    if (isCancelled())
      return false;
    return !callback || callback(done, total, phase);
  }
  bool operator()(uint64_t done, uint64_t total,
                  llvm::StringRef phase = {}) const {
    return report(done, total, phase);
  }
  /// The cancel flag alone: cheap enough for a hot loop's every few
  /// thousand iterations, where a callback would be too much.
  bool isCancelled() const {
    return cancelFlag && cancelFlag->load(std::memory_order_relaxed);
  }
  /// Whether anyone listens (work may skip computing what it would report).
  explicit operator bool() const { return callback || cancelFlag; }

private:
  template <typename F> static Callback wrap(F &&fn) {
    using Fn = std::decay_t<F>;
    // An empty std::function (or null function pointer) reports nowhere.
    if constexpr (std::is_constructible_v<bool, const Fn &>)
      if (!static_cast<bool>(fn))
        return {};
    if constexpr (std::is_invocable_v<Fn &, uint64_t, uint64_t,
                                      llvm::StringRef>) {
      if constexpr (std::is_void_v<std::invoke_result_t<
                        Fn &, uint64_t, uint64_t, llvm::StringRef>>)
        return [f = Fn(std::forward<F>(fn))](uint64_t d, uint64_t t,
                                             llvm::StringRef ph) mutable {
          f(d, t, ph);
          return true;
        };
      else
        return Callback(std::forward<F>(fn));
    } else {
      if constexpr (std::is_void_v<
                        std::invoke_result_t<Fn &, uint64_t, uint64_t>>)
        return [f = Fn(std::forward<F>(fn))](uint64_t d, uint64_t t,
                                             llvm::StringRef) mutable {
          f(d, t);
          return true;
        };
      else
        return [f = Fn(std::forward<F>(fn))](uint64_t d, uint64_t t,
                                             llvm::StringRef) mutable {
          return bool(f(d, t));
        };
    }
  }

  Callback callback;
  const std::atomic<bool> *cancelFlag = nullptr;
};

/// Ties the cancel flag of `progress` to whatever this thread reads while
/// the scope lives: a remote source's transfers started from this thread
/// stop as soon as it is set, not when the read that started them ends (a
/// streamed pass cancelled mid-window). Scopes nest; the innermost wins.
class ThreadCancelScope {
public:
  explicit ThreadCancelScope(const Progress &progress);
  ~ThreadCancelScope();
  ThreadCancelScope(const ThreadCancelScope &) = delete;
  ThreadCancelScope &operator=(const ThreadCancelScope &) = delete;
  /// Whether the innermost scope of this thread is cancelled (false
  /// outside every scope).
  static bool cancelled();

private:
  const Progress *previous;
};

/// The error every cancelled piece of work returns
/// (std::errc::operation_canceled, message "cancelled").
llvm::Error cancelledError();

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_PROGRESS_H
