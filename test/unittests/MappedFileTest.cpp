//===- MappedFileTest.cpp - Reads through and beside the mapping ----------===//

#include "mlirscope/Support/MappedFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <string>

using namespace mlirscope;

namespace {

// readAt (pread) sees the bytes the mapping sees, stops at the end of the
// file, and works the same on heap copies (which the fuzzers index).
TEST(MappedFileTest, ReadAtMatchesTheMapping) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("mappedfile", "bin", path));
  std::string content;
  for (int i = 0; i < 10000; ++i)
    content.push_back(char(i * 7));
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    os << content;
  }
  auto file = MappedFile::open(path);
  ASSERT_TRUE(bool(file));
  auto heap = MappedFile::copyOf("copy", (*file)->bytes());
  for (const MappedFile *f : {file->get(), heap.get()}) {
    uint8_t buf[64];
    ASSERT_EQ(f->readAt(4093, buf, 64), 64u);
    EXPECT_EQ(0, memcmp(buf, f->data() + 4093, 64));
    EXPECT_EQ(f->readAt(9990, buf, 64), 10u);
    EXPECT_EQ(0, memcmp(buf, content.data() + 9990, 10));
    EXPECT_EQ(f->readAt(10000, buf, 64), 0u);
    EXPECT_EQ(f->readAt(~uint64_t(0), buf, 64), 0u);
  }
  llvm::sys::fs::remove(path);
}

} // namespace
