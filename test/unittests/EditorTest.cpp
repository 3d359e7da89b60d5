//===- EditorTest.cpp - In-place edits and their undo journal -------------===//
//
// What the CLI cannot time: a file changed by someone else between indexing
// and editing, a second editor, recovery racing a running edit; and the
// journal format itself (rolled back, discarded, or left alone).
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Edit/Editor.h"
#include "mlirscope/Support/Journal.h"
#include "mlirscope/Index/Index.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <future>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlirscope;

namespace {

std::vector<uint8_t> readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeFile(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            std::streamsize(bytes.size()));
}

bool exists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

/// The journal format of Editor.cpp, written by hand: magic, file size,
/// region offset and size, the original bytes, FNV-1a of all of it.
std::vector<uint8_t> makeJournal(uint64_t fileSize, uint64_t offset,
                                 const std::vector<uint8_t> &original) {
  std::vector<uint8_t> j = {'M', 'L', 'S', 'J', 'N', 'L', '0', '1'};
  auto put = [&](uint64_t v) {
    for (int i = 0; i < 8; ++i)
      j.push_back(uint8_t(v >> (8 * i)));
  };
  put(fileSize);
  put(offset);
  put(original.size());
  j.insert(j.end(), original.begin(), original.end());
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t b : j) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  put(h);
  return j;
}

class EditorTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "mlirscope-editor-XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl.data())) << std::strerror(errno);
    dir = tmpl;
    path = dir + "/tiny.mlirbc";
    journal = journalPathFor(path);
    original =
        readFile(std::string(MLIRSCOPE_SOURCE_DIR) + "/examples/tiny.mlirbc");
    ASSERT_FALSE(original.empty());
    writeFile(path, original);
  }

  void TearDown() override {
    ::chmod(path.c_str(), 0644);
    ::unlink(path.c_str());
    ::unlink(journal.c_str());
    ::rmdir(dir.c_str());
  }

  std::unique_ptr<ModelIndex> index() {
    auto indexOr = indexFile(path);
    if (!indexOr) {
      ADD_FAILURE() << llvm::toString(indexOr.takeError());
      return nullptr;
    }
    return std::move(*indexOr);
  }

  /// File offset of the first data byte of layer0.weight (f32[4x4]).
  uint64_t weightOffset(const ModelIndex &m) {
    const Resource *r = m.findResource("layer0.weight");
    EXPECT_TRUE(r);
    return r ? r->dataOffset : 0;
  }

  std::string dir, path, journal;
  std::vector<uint8_t> original;
};

/// The error message of a failed open, or "" if it succeeded.
std::string openError(const ModelIndex &m) {
  auto ed = InPlaceEditor::open(m);
  if (ed)
    return "";
  return llvm::toString(ed.takeError());
}

TEST_F(EditorTest, EditsUnchangedFile) {
  auto m = index();
  ASSERT_TRUE(m);
  uint64_t at = weightOffset(*m);
  {
    auto ed = InPlaceEditor::open(*m);
    ASSERT_TRUE(bool(ed)) << llvm::toString(ed.takeError());
    const float v = -3.25f;
    uint8_t bytes[4];
    std::memcpy(bytes, &v, 4);
    llvm::Error e = ed->write(at, bytes);
    ASSERT_FALSE(bool(e)) << llvm::toString(std::move(e));
  }
  EXPECT_FALSE(exists(journal));
  std::vector<uint8_t> expected = original;
  const float v = -3.25f;
  std::memcpy(expected.data() + at, &v, 4);
  EXPECT_EQ(readFile(path), expected);
  auto again = index();
  ASSERT_TRUE(again);
  auto view = WeightView::get(*again, *again->findResource("layer0.weight"));
  ASSERT_TRUE(bool(view)) << llvm::toString(view.takeError());
  EXPECT_EQ(view->format(0), "-3.25");
}

TEST_F(EditorTest, RefusesFileGrownSinceIndexed) {
  auto m = index();
  ASSERT_TRUE(m);
  std::vector<uint8_t> grown = original;
  grown.push_back('\n');
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out.put('\n');
  }
  EXPECT_NE(openError(*m).find("changed since it was indexed"),
            std::string::npos);
  EXPECT_EQ(readFile(path), grown);
  EXPECT_FALSE(exists(journal));
}

TEST_F(EditorTest, RefusesFileTouchedSinceIndexed) {
  auto m = index();
  ASSERT_TRUE(m);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  // Same size, same bytes, another mtime: someone wrote the file.
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  times[1].tv_sec -= 10;
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  EXPECT_NE(openError(*m).find("changed since it was indexed"),
            std::string::npos);
  EXPECT_EQ(readFile(path), original);
  // Only the nanoseconds differ.
  auto m2 = index();
  ASSERT_TRUE(m2);
  times[1].tv_nsec = (times[1].tv_nsec + 1) % 1000000000;
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  EXPECT_NE(openError(*m2).find("changed since it was indexed"),
            std::string::npos);
}

TEST_F(EditorTest, RefusesFileReplacedSinceIndexed) {
  auto m = index();
  ASSERT_TRUE(m);
  // Same bytes, written to a new file renamed over the old one: a new inode.
  std::string other = dir + "/other.mlirbc";
  writeFile(other, original);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, other.c_str(), times, 0), 0);
  ASSERT_EQ(::rename(other.c_str(), path.c_str()), 0);
  EXPECT_NE(openError(*m).find("changed since it was indexed"),
            std::string::npos);
}

TEST_F(EditorTest, RefusesReadOnlyFileEvenForRoot) {
  auto m = index();
  ASSERT_TRUE(m);
  ASSERT_EQ(::chmod(path.c_str(), 0444), 0);
  std::string err = openError(*m);
  EXPECT_NE(err.find("tiny.mlirbc: the file is read-only"), std::string::npos)
      << err;
  EXPECT_FALSE(exists(journal));
}

TEST_F(EditorTest, RefusesSecondEditor) {
  auto m = index();
  ASSERT_TRUE(m);
  auto first = InPlaceEditor::open(*m);
  ASSERT_TRUE(bool(first)) << llvm::toString(first.takeError());
  std::string err = openError(*m);
  EXPECT_NE(err.find("another process is editing it"), std::string::npos)
      << err;
}

TEST_F(EditorTest, RefusesEditPastEnd) {
  auto m = index();
  ASSERT_TRUE(m);
  auto ed = InPlaceEditor::open(*m);
  ASSERT_TRUE(bool(ed)) << llvm::toString(ed.takeError());
  uint8_t b[2] = {1, 2};
  llvm::Error e = ed->write(original.size() - 1, b);
  ASSERT_TRUE(bool(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("past the end"),
            std::string::npos);
  EXPECT_EQ(readFile(path), original);
  EXPECT_FALSE(exists(journal));
}

// A reader must not take the journal of an edit in progress for one left by
// a crash: it waits for the editor's lock instead of deleting the journal (or
// rolling the file back under the editor).
TEST_F(EditorTest, RecoveryWaitsForRunningEditor) {
  auto m = index();
  ASSERT_TRUE(m);
  std::future<llvm::Expected<bool>> recovered;
  {
    auto ed = InPlaceEditor::open(*m);
    ASSERT_TRUE(bool(ed)) << llvm::toString(ed.takeError());
    // What an editor's journal looks like while it is being written.
    std::vector<uint8_t> partial =
        makeJournal(original.size(), weightOffset(*m), {1, 2, 3, 4});
    partial.resize(partial.size() - 5);
    writeFile(journal, partial);
    recovered = std::async(std::launch::async,
                           [&] { return recoverJournal(path); });
    EXPECT_EQ(recovered.wait_for(std::chrono::milliseconds(300)),
              std::future_status::timeout);
    EXPECT_TRUE(exists(journal));
  } // the editor closes its file: the lock is released
  llvm::Expected<bool> r = recovered.get();
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  EXPECT_TRUE(*r); // an incomplete journal, discarded
  EXPECT_FALSE(exists(journal));
  EXPECT_EQ(readFile(path), original);
}

TEST_F(EditorTest, RollsBackValidJournal) {
  auto m = index();
  ASSERT_TRUE(m);
  uint64_t at = weightOffset(*m);
  std::vector<uint8_t> region(original.begin() + at,
                              original.begin() + at + 64);
  writeFile(journal, makeJournal(original.size(), at, region));
  // A crash half-way through writing the region.
  std::vector<uint8_t> torn = original;
  std::memset(torn.data() + at, 0xAB, 32);
  writeFile(path, torn);
  llvm::Expected<bool> r = recoverJournal(path);
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  EXPECT_TRUE(*r);
  EXPECT_EQ(readFile(path), original);
  EXPECT_FALSE(exists(journal));
  // Nothing left to do the second time.
  llvm::Expected<bool> again = recoverJournal(path);
  ASSERT_TRUE(bool(again)) << llvm::toString(again.takeError());
  EXPECT_FALSE(*again);
}

TEST_F(EditorTest, DiscardsCorruptJournal) {
  auto m = index();
  ASSERT_TRUE(m);
  std::vector<uint8_t> j =
      makeJournal(original.size(), weightOffset(*m), std::vector<uint8_t>(8, 0));
  j[40] ^= 1; // one of the "original" bytes: the checksum no longer matches
  writeFile(journal, j);
  llvm::Expected<bool> r = recoverJournal(path);
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  EXPECT_TRUE(*r);
  EXPECT_EQ(readFile(path), original); // never written back
  EXPECT_FALSE(exists(journal));
}

TEST_F(EditorTest, LeavesJournalOfAnotherFileSize) {
  std::vector<uint8_t> j = makeJournal(original.size() + 1, 0, {0, 0, 0, 0});
  writeFile(journal, j);
  llvm::Expected<bool> r = recoverJournal(path);
  ASSERT_FALSE(bool(r));
  std::string err = llvm::toString(r.takeError());
  EXPECT_NE(err.find("does not match the file"), std::string::npos) << err;
  EXPECT_EQ(readFile(path), original);
  EXPECT_EQ(readFile(journal), j);
  // indexFile refuses the file rather than read it half-restored.
  auto indexOr = indexFile(path);
  ASSERT_FALSE(bool(indexOr));
  llvm::consumeError(indexOr.takeError());
}

std::string encodeError(DType d, const char *text) {
  auto bytes = encodeElement(d, text);
  if (bytes)
    return "";
  return llvm::toString(bytes.takeError());
}

TEST(EncodeElementTest, RejectsUnrepresentable) {
  EXPECT_EQ(encodeError(DType::I8, "300"),
            "300 is not representable as i8: out of range");
  EXPECT_EQ(encodeError(DType::I8, "-129"),
            "-129 is not representable as i8: out of range");
  EXPECT_EQ(encodeError(DType::F16, "70000"),
            "70000 is not representable as f16: out of range");
  EXPECT_EQ(encodeError(DType::F32, "abc"),
            "abc is not representable as f32: not a number");
  EXPECT_EQ(encodeError(DType::F32, "1e39"),
            "1e39 is not representable as f32: out of range");
  EXPECT_EQ(encodeError(DType::U8, "-1"),
            "-1 is not representable as ui8: not a non-negative integer");
  EXPECT_EQ(encodeError(DType::I32, "1.5"),
            "1.5 is not representable as i32: not an integer");
  // Finite spellings that overflow the type (or double itself) are refused
  // rather than stored as infinity.
  EXPECT_EQ(encodeError(DType::F16, "65520"),
            "65520 is not representable as f16: out of range");
  EXPECT_EQ(encodeError(DType::BF16, "3.4e38"),
            "3.4e38 is not representable as bf16: out of range");
  EXPECT_EQ(encodeError(DType::F64, "1e999"),
            "1e999 is not representable as f64: out of range");
  EXPECT_EQ(encodeError(DType::C128, "(1e999,0)"),
            "(1e999,0) is not representable as complex<f64>: out of range");
  EXPECT_NE(encodeError(DType::Bool, "2"), "");
  EXPECT_NE(encodeError(DType::C64, "1"), "");
}

TEST(EncodeElementTest, EncodesLittleEndian) {
  auto bytes = [](DType d, const char *text) {
    auto b = encodeElement(d, text);
    if (!b) {
      ADD_FAILURE() << llvm::toString(b.takeError());
      return std::vector<uint8_t>();
    }
    return *b;
  };
  using V = std::vector<uint8_t>;
  EXPECT_EQ(bytes(DType::Bool, "true"), V({1}));
  EXPECT_EQ(bytes(DType::Bool, "0"), V({0}));
  EXPECT_EQ(bytes(DType::I8, "-128"), V({0x80}));
  EXPECT_EQ(bytes(DType::U8, "255"), V({0xFF}));
  EXPECT_EQ(bytes(DType::I16, "-2"), V({0xFE, 0xFF}));
  EXPECT_EQ(bytes(DType::F16, "65504"), V({0xFF, 0x7B}));
  EXPECT_EQ(bytes(DType::F16, "-0.5"), V({0x00, 0xB8}));
  EXPECT_EQ(bytes(DType::F16, "65519"), V({0xFF, 0x7B})); // rounds to 65504
  EXPECT_EQ(bytes(DType::F16, "inf"), V({0x00, 0x7C}));
  EXPECT_EQ(bytes(DType::BF16, "3.39e38"), V({0x7F, 0x7F}));
  EXPECT_EQ(bytes(DType::F64, "1e-999"), V(8, 0)); // underflows to zero
  EXPECT_EQ(bytes(DType::BF16, "-2"), V({0x00, 0xC0}));
  EXPECT_EQ(bytes(DType::F32, "1"), V({0x00, 0x00, 0x80, 0x3F}));
  EXPECT_EQ(bytes(DType::F32, "-inf"), V({0x00, 0x00, 0x80, 0xFF}));
  EXPECT_EQ(bytes(DType::C64, "(1,-2)"),
            V({0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0}));
  EXPECT_EQ(bytes(DType::I64, "-9223372036854775808"),
            V({0, 0, 0, 0, 0, 0, 0, 0x80}));
}

} // namespace
