//===- ProgressTest.cpp - The one progress/cancel type
//---------------------===//

#include "mlirscope/Support/Progress.h"

#include "gtest/gtest.h"

#include <atomic>
#include <string>
#include <vector>

using namespace mlirscope;

namespace {

TEST(ProgressTest, EmptyReportsNowhereAndNeverCancels) {
  Progress p;
  EXPECT_FALSE(bool(p));
  EXPECT_TRUE(p.report(1, 2));
  EXPECT_FALSE(p.isCancelled());
  // An empty std::function is no callback at all, not one that throws.
  std::function<bool(uint64_t, uint64_t)> none;
  Progress fromEmpty = none;
  EXPECT_FALSE(bool(fromEmpty));
  EXPECT_TRUE(fromEmpty.report(1, 2));
}

TEST(ProgressTest, CallbackShapes) {
  std::vector<std::string> seen;
  // (done, total) -> bool: false cancels.
  Progress stopAtHalf = [&](uint64_t done, uint64_t total) {
    return 2 * done < total;
  };
  EXPECT_TRUE(stopAtHalf.report(1, 4));
  EXPECT_FALSE(stopAtHalf.report(2, 4));
  // (done, total, phase) -> void: never cancels, sees the phase.
  Progress phases = [&](uint64_t done, uint64_t total, llvm::StringRef phase) {
    seen.push_back(phase.str() + " " + std::to_string(done) + "/" +
                   std::to_string(total));
  };
  EXPECT_TRUE(phases.report(3, 10, "ordering"));
  EXPECT_TRUE(phases(10, 10, "done"));
  EXPECT_EQ(seen, (std::vector<std::string>{"ordering 3/10", "done 10/10"}));
}

TEST(ProgressTest, CancelFlagStopsReportsAndIsSeenAlone) {
  std::atomic<bool> cancel{false};
  int calls = 0;
  Progress p([&](uint64_t, uint64_t) { return ++calls, true; }, &cancel);
  EXPECT_TRUE(p.report(1, 2));
  cancel = true;
  EXPECT_TRUE(p.isCancelled());
  EXPECT_FALSE(p.report(2, 2));
  // A cancelled report does not call the callback.
  EXPECT_EQ(calls, 1);
}

TEST(ProgressTest, WithCancelAddsAFlagToACallbackThatHasOne) {
  std::atomic<bool> inner{false}, outer{false};
  int calls = 0;
  Progress p([&](uint64_t, uint64_t) { return ++calls, true; }, &inner);
  Progress both = p.withCancel(&outer);
  EXPECT_TRUE(both.report(1, 3));
  outer = true;
  EXPECT_TRUE(both.isCancelled());
  EXPECT_FALSE(both.report(2, 3));
  outer = false;
  inner = true;
  EXPECT_FALSE(both.report(2, 3));
  EXPECT_EQ(calls, 1);
  // The original is unchanged by the copy.
  inner = false;
  outer = true;
  EXPECT_FALSE(p.isCancelled());
}

TEST(ProgressTest, CancelledErrorIsOperationCanceled) {
  llvm::Error e = cancelledError();
  std::error_code code = llvm::errorToErrorCode(std::move(e));
  EXPECT_EQ(code, std::make_error_code(std::errc::operation_canceled));
}

} // namespace
