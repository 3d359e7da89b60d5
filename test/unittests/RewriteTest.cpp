//===- RewriteTest.cpp - Bytecode rewrites: plans, strip, attach, holes ---===//

#include "TestModels.h"

#include "mlirscope/Blob/Diff.h"
#include "mlirscope/Edit/Rewrite.h"
#include "mlirscope/Support/Hash.h"
#include "mlirscope/Support/MappedFile.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace mlirscope;
using namespace mlirscope::testing;

namespace {

std::string varInt(uint64_t v) {
  std::string s;
  appendVarInt(s, v);
  return s;
}

/// Two f32 weights and an i8 bias of 64-byte alignment, as constants.
std::string weightsModel(const std::vector<float> &a = {1, 2, 3, 4},
                         const std::vector<float> &b = {5, 6, 7, 8}) {
  return "module {\n"
         "  func.func @f() -> (tensor<4xf32>, tensor<4xf32>, tensor<3xi8>) {\n"
         "    %0 = arith.constant dense_resource<a> : tensor<4xf32>\n"
         "    %1 = arith.constant dense_resource<b> : tensor<4xf32>\n"
         "    %2 = arith.constant dense_resource<bias> : tensor<3xi8>\n"
         "    return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<3xi8>\n"
         "  }\n}\n"
         "{-#\n  dialect_resources: {\n    builtin: {\n"
         "      a: \"" +
         blobHex(f32Bytes(a)) +
         "\",\n"
         "      b: \"" +
         blobHex(f32Bytes(b)) +
         "\",\n"
         "      bias: \"" +
         blobHex({7, 8, 9}, 64) +
         "\"\n"
         "    }\n  }\n#-}\n";
}

const char *const kKeys[] = {"a", "b", "bias"};

llvm::Error rewrite(const ModelIndex &index, const std::string &out,
                    const RewritePlan &plan, const Progress &progress = {}) {
  return rewriteBytecode(index, out, plan, progress);
}

/// The dialect resource `key` (findResource may answer an external entry
/// of the same key).
const Resource *dialectResource(const ModelIndex &index, llvm::StringRef key) {
  for (const Resource &r : index.resources)
    if (r.isDialectGroup && r.key == key)
      return &r;
  return nullptr;
}

/// Every dialect blob of `a` is in `b` with the same bytes and alignment,
/// at an offset of that alignment.
void expectSameBlobs(const ModelIndex &a, const ModelIndex &b) {
  for (const Resource &r : a.resources) {
    if (!r.isDialectGroup || r.kind != ResourceKind::Blob)
      continue;
    const Resource *s = dialectResource(b, r.key);
    ASSERT_TRUE(s) << r.key;
    EXPECT_EQ(s->kind, ResourceKind::Blob) << r.key;
    EXPECT_EQ(s->alignment, r.alignment) << r.key;
    EXPECT_EQ(s->dataOffset % s->alignment, 0u) << r.key;
    EXPECT_EQ(blobBytes(b, *s), blobBytes(a, r)) << r.key;
  }
}

} // namespace

TEST(RewriteTest, VarIntEncoding) {
  // MLIR's prefix varint: the count of trailing zero bits of the first byte
  // is the count of bytes that follow.
  EXPECT_EQ(varInt(0), std::string("\x01", 1));
  EXPECT_EQ(varInt(5), "\x0b");
  EXPECT_EQ(varInt(127), "\xff");
  EXPECT_EQ(varInt(128), std::string("\x02\x02", 2));
  EXPECT_EQ(varInt(16383), "\xfe\xff");
  EXPECT_EQ(varInt(16384), std::string("\x04\x00\x02", 3));
  EXPECT_EQ(varInt((uint64_t(1) << 56) - 1),
            std::string("\x80\xff\xff\xff\xff\xff\xff\xff", 8));
  EXPECT_EQ(varInt(uint64_t(1) << 56),
            std::string("\x00\x00\x00\x00\x00\x00\x00\x00\x01", 9));
  EXPECT_EQ(varInt(~uint64_t(0)),
            std::string(1, '\0') + std::string(8, '\xff'));
}

TEST(RewriteTest, StrippedBlobMarkers) {
  StrippedBlob b{16, 64, 0xabcull};
  std::string text = formatStrippedBlob(b);
  EXPECT_EQ(text, "bytes=16 align=64 xxh64=0000000000000abc");
  auto back = parseStrippedBlob(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->bytes, 16u);
  EXPECT_EQ(back->alignment, 64u);
  EXPECT_EQ(back->checksum, 0xabcull);
  // Alignment is optional (1); size and checksum are not.
  auto noAlign = parseStrippedBlob("bytes=3 xxh64=ff");
  ASSERT_TRUE(noAlign);
  EXPECT_EQ(noAlign->alignment, 1u);
  EXPECT_EQ(noAlign->checksum, 0xffu);
  EXPECT_FALSE(parseStrippedBlob("bytes=3"));
  EXPECT_FALSE(parseStrippedBlob("xxh64=ff"));
  EXPECT_FALSE(parseStrippedBlob("bytes=x xxh64=ff"));
  EXPECT_FALSE(parseStrippedBlob("bytes=3 xxh64=zz"));
  EXPECT_FALSE(parseStrippedBlob("bytes=3 align=x xxh64=ff"));
}

TEST(RewriteTest, EmptyPlanCopiesTheModel) {
  TempDir dir;
  auto in = bytecodeOf(dir, "in", weightsModel());
  ASSERT_TRUE(in);
  ASSERT_EQ(in->findResource("bias")->alignment, 64u);
  std::string outPath = dir.path("out.mlirbc");
  ASSERT_FALSE(bool(rewrite(*in, outPath, {})));
  auto out = indexPath(outPath);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->bytecodeVersion, in->bytecodeVersion);
  EXPECT_EQ(out->ops.size(), in->ops.size());
  EXPECT_EQ(out->resources.size(), in->resources.size());
  expectSameBlobs(*in, *out);
  auto d = diffModels(*in, *out);
  ASSERT_TRUE(bool(d));
  EXPECT_TRUE(d->irBytesEqual);
  EXPECT_EQ(d->unchanged, 3u);
  EXPECT_TRUE(d->changed.empty());
}

TEST(RewriteTest, InMemorySourceCopiesBlobsFromMemory) {
  TempDir dir;
  auto onDisk = bytecodeOf(dir, "in", weightsModel());
  ASSERT_TRUE(onDisk);
  std::string bytes = readFile(dir.path("in.mlirbc"));
  auto in = check(indexMapped(MappedFile::copyOf(
      "in memory",
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()),
                              bytes.size()))));
  ASSERT_TRUE(in);
  std::string outPath = dir.path("out.mlirbc");
  ASSERT_FALSE(bool(rewrite(*in, outPath, {})));
  auto out = indexPath(outPath);
  ASSERT_TRUE(out);
  expectSameBlobs(*onDisk, *out);
}

TEST(RewriteTest, StripThenAttachRestoresEveryBlob) {
  TempDir dir;
  auto in = bytecodeOf(dir, "in", weightsModel());
  ASSERT_TRUE(in);

  auto strip = planStrip(*in);
  ASSERT_TRUE(bool(strip)) << llvm::toString(strip.takeError());
  EXPECT_EQ(strip->newGroup, kStrippedGroup);
  ASSERT_EQ(strip->newStrings.size(), 3u);
  for (const char *key : kKeys) {
    EXPECT_TRUE(strip->declareOnly.contains(key)) << key;
    const Resource &r = *in->findResource(key);
    std::string data = blobBytes(*in, r);
    std::string marker = formatStrippedBlob(
        {r.size, r.alignment, xxh64(data.data(), data.size())});
    bool found = false;
    for (auto &[k, v] : strip->newStrings)
      if (k == key) {
        found = true;
        EXPECT_EQ(v, marker) << key;
      }
    EXPECT_TRUE(found) << key;
  }

  std::string strippedPath = dir.path("stripped.mlirbc");
  ASSERT_FALSE(bool(rewrite(*in, strippedPath, *strip)));
  auto stripped = indexPath(strippedPath);
  ASSERT_TRUE(stripped);
  EXPECT_EQ(stripped->ops.size(), in->ops.size());
  unsigned markers = 0;
  for (const Resource &r : stripped->resources) {
    if (r.isDialectGroup) {
      // Declared: the key stays for the IR, no data.
      EXPECT_EQ(r.size, 0u) << r.key;
    } else {
      EXPECT_EQ(r.group, kStrippedGroup);
      EXPECT_EQ(r.kind, ResourceKind::String);
      auto m = parseStrippedBlob(r.value);
      ASSERT_TRUE(m) << r.value;
      EXPECT_EQ(m->bytes, in->findResource(r.key)->size);
      ++markers;
    }
  }
  EXPECT_EQ(markers, 3u);

  // Stripping again keeps the markers (the blobs are gone, their sums not).
  auto again = planStrip(*stripped);
  ASSERT_TRUE(bool(again));
  EXPECT_EQ(again->newStrings.size(), 3u);

  auto attach = planAttach(*stripped, *in);
  ASSERT_TRUE(bool(attach)) << llvm::toString(attach.takeError());
  EXPECT_EQ(attach->replace.size(), 3u);
  EXPECT_TRUE(attach->dropGroups.contains(kStrippedGroup));
  std::string attachedPath = dir.path("attached.mlirbc");
  ASSERT_FALSE(bool(rewrite(*stripped, attachedPath, *attach)));
  auto attached = indexPath(attachedPath);
  ASSERT_TRUE(attached);
  expectSameBlobs(*in, *attached);
  for (const Resource &r : attached->resources)
    EXPECT_TRUE(r.isDialectGroup) << r.group;
  auto d = diffModels(*in, *attached);
  ASSERT_TRUE(bool(d));
  EXPECT_TRUE(d->irEqual);
  EXPECT_EQ(d->unchanged, 3u);
}

TEST(RewriteTest, AttachRefusesOtherWeights) {
  TempDir dir;
  auto in = bytecodeOf(dir, "in", weightsModel());
  auto other = bytecodeOf(dir, "other", weightsModel({1, 2, 3, 5}));
  ASSERT_TRUE(in && other);
  auto strip = planStrip(*in);
  ASSERT_TRUE(bool(strip));
  std::string strippedPath = dir.path("stripped.mlirbc");
  ASSERT_FALSE(bool(rewrite(*in, strippedPath, *strip)));
  auto stripped = indexPath(strippedPath);
  ASSERT_TRUE(stripped);

  // Same sizes, other bytes in `a`: its checksum gives it away.
  auto wrong = planAttach(*stripped, *other);
  ASSERT_FALSE(bool(wrong));
  std::string msg = llvm::toString(wrong.takeError());
  EXPECT_NE(msg.find("blob 'a' has checksum"), std::string::npos) << msg;

  // A text file's blobs are hex digits: convert first.
  auto text = indexText("w.mlir", weightsModel());
  ASSERT_TRUE(text);
  auto fromText = planAttach(*stripped, *text);
  ASSERT_FALSE(bool(fromText));
  msg = llvm::toString(fromText.takeError());
  EXPECT_NE(msg.find("must come from a bytecode file"), std::string::npos)
      << msg;

  // Weights without the key.
  auto few = indexText("few.mlir", "func.func @g() {\n  return\n}\n");
  ASSERT_TRUE(few);
  auto missing = planAttach(*stripped, *few);
  ASSERT_FALSE(bool(missing));
  msg = llvm::toString(missing.takeError());
  EXPECT_NE(msg.find("no blob 'a'"), std::string::npos) << msg;
}

TEST(RewriteTest, ReplaceTakesBytesFromAnotherFile) {
  TempDir dir;
  auto in = bytecodeOf(dir, "in", weightsModel());
  ASSERT_TRUE(in);
  // 4 bytes of junk, then the new f32 values of `b`.
  std::string raw = "junk";
  std::vector<uint8_t> values = f32Bytes({-1, -2, -3, -4});
  raw.append(values.begin(), values.end());
  writeFile(dir.path("raw.bin"), raw);
  RewritePlan plan;
  plan.replace["b"] = ExternalBlob{dir.path("raw.bin"), 4, 16, 16, nullptr};
  std::string outPath = dir.path("out.mlirbc");
  ASSERT_FALSE(bool(rewrite(*in, outPath, plan)));
  auto out = indexPath(outPath);
  ASSERT_TRUE(out);
  const Resource *b = out->findResource("b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->alignment, 16u);
  EXPECT_EQ(b->dataOffset % 16, 0u);
  EXPECT_EQ(blobBytes(*out, *b), std::string(values.begin(), values.end()));
  EXPECT_EQ(blobBytes(*out, *out->findResource("a")),
            blobBytes(*in, *in->findResource("a")));
  auto d = diffModels(*in, *out);
  ASSERT_TRUE(bool(d));
  ASSERT_EQ(d->changed.size(), 1u);
  EXPECT_EQ(d->changed[0].key, "b");
  EXPECT_EQ(d->changed[0].elementsDiffering, 4u);
  EXPECT_DOUBLE_EQ(d->changed[0].maxAbs, 12.0); // 8 vs -4

  // A replacement file that is not there fails, and writes nothing.
  plan.replace["b"].path = dir.path("missing.bin");
  std::string failedPath = dir.path("failed.mlirbc");
  EXPECT_TRUE(bool(rewrite(*in, failedPath, plan)));
  EXPECT_NE(::access(failedPath.c_str(), F_OK), 0);
}

TEST(RewriteTest, NewStringsAndDroppedGroups) {
  TempDir dir;
  auto in = bytecodeOf(dir, "in", weightsModel());
  ASSERT_TRUE(in);
  RewritePlan plan;
  plan.newGroup = "my.notes";
  // "a" is also a blob's key: one string, two entries.
  plan.newStrings = {{"author", "unit test"}, {"a", "shares a key string"}};
  std::string notedPath = dir.path("noted.mlirbc");
  ASSERT_FALSE(bool(rewrite(*in, notedPath, plan)));
  auto noted = indexPath(notedPath);
  ASSERT_TRUE(noted);
  std::vector<std::pair<std::string, std::string>> strings;
  for (const Resource &r : noted->resources)
    if (!r.isDialectGroup) {
      EXPECT_EQ(r.group, "my.notes");
      EXPECT_EQ(r.kind, ResourceKind::String);
      strings.emplace_back(r.key, r.value);
    }
  EXPECT_EQ(strings, plan.newStrings);
  expectSameBlobs(*in, *noted);

  RewritePlan drop;
  drop.dropGroups.insert("my.notes");
  std::string droppedPath = dir.path("dropped.mlirbc");
  ASSERT_FALSE(bool(rewrite(*noted, droppedPath, drop)));
  auto dropped = indexPath(droppedPath);
  ASSERT_TRUE(dropped);
  for (const Resource &r : dropped->resources)
    EXPECT_TRUE(r.isDialectGroup) << r.group << " " << r.key;
  expectSameBlobs(*in, *dropped);
}

TEST(RewriteTest, HolesStayHoles) {
  // A 1 MiB blob of zeros whose disk blocks are punched out: the copy must
  // not fill them in.
  TempDir dir;
  const uint64_t kBytes = 1 << 20;
  std::string text =
      "func.func @f() -> tensor<262144xf32> {\n"
      "  %0 = arith.constant dense_resource<zeros> : tensor<262144xf32>\n"
      "  return %0 : tensor<262144xf32>\n}\n"
      "{-#\n  dialect_resources: {\n    builtin: {\n      zeros: \"" +
      blobHex(std::vector<uint8_t>(kBytes, 0), 4096) + "\"\n    }\n  }\n#-}\n";
  {
    auto made = bytecodeOf(dir, "dense", text);
    ASSERT_TRUE(made);
    const Resource *r = made->findResource("zeros");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size, kBytes);
    ASSERT_EQ(r->dataOffset % 4096, 0u);
    int fd = ::open(dir.path("dense.mlirbc").c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    int rc = ::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                         off_t(r->dataOffset), off_t(kBytes));
    int err = errno;
    ::close(fd);
    if (rc != 0)
      GTEST_SKIP() << "cannot punch holes here: " << std::strerror(err);
  }
  auto in = indexPath(dir.path("dense.mlirbc"));
  ASSERT_TRUE(in);
  std::string outPath = dir.path("copy.mlirbc");
  ASSERT_FALSE(bool(rewrite(*in, outPath, {})));
  auto out = indexPath(outPath);
  ASSERT_TRUE(out);
  const Resource *r = out->findResource("zeros");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size, kBytes);
  EXPECT_EQ(blobBytes(*out, *r), std::string(kBytes, '\0'));
  struct stat st;
  ASSERT_EQ(::stat(outPath.c_str(), &st), 0);
  EXPECT_GE(uint64_t(st.st_size), kBytes);
  // Allocated: the IR and the resource tables, not the megabyte of zeros.
  EXPECT_LT(uint64_t(st.st_blocks) * 512, kBytes / 2)
      << st.st_blocks << " blocks";
  int fd = ::open(outPath.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  off_t hole = ::lseek(fd, off_t(r->dataOffset), SEEK_HOLE);
  ::close(fd);
  EXPECT_LT(uint64_t(hole), r->dataOffset + kBytes);
}

TEST(RewriteTest, ChecksumOfTextAndBytecodeBlobs) {
  TempDir dir;
  auto bc = bytecodeOf(dir, "m", weightsModel());
  auto text = indexText("m.mlir", weightsModel());
  ASSERT_TRUE(bc && text);
  std::vector<uint8_t> a = f32Bytes({1, 2, 3, 4});
  uint64_t want = xxh64(a.data(), a.size());
  auto fromText = checksumBlob(*text, *text->findResource("a"));
  auto fromBytecode = checksumBlob(*bc, *bc->findResource("a"));
  ASSERT_TRUE(bool(fromText));
  ASSERT_TRUE(bool(fromBytecode));
  EXPECT_EQ(*fromText, want);
  EXPECT_EQ(*fromBytecode, want);
}

TEST(RewriteTest, ProgressAndCancel) {
  TempDir dir;
  auto in = bytecodeOf(dir, "in", weightsModel());
  ASSERT_TRUE(in);
  uint64_t last = 0, lastTotal = 0;
  unsigned calls = 0;
  std::string outPath = dir.path("out.mlirbc");
  ASSERT_FALSE(
      bool(rewrite(*in, outPath, {}, [&](uint64_t done, uint64_t total) {
        EXPECT_GE(done, last);
        last = done;
        lastTotal = total;
        ++calls;
        return true;
      })));
  EXPECT_GT(calls, 0u);
  EXPECT_EQ(last, lastTotal);
  EXPECT_EQ(lastTotal, 16u + 16u + 3u); // the blob bytes

  std::string cancelledPath = dir.path("cancelled.mlirbc");
  llvm::Error e =
      rewrite(*in, cancelledPath, {}, [](uint64_t, uint64_t) { return false; });
  ASSERT_TRUE(bool(e));
  EXPECT_EQ(llvm::errorToErrorCode(std::move(e)),
            std::errc::operation_canceled);
  EXPECT_NE(::access(cancelledPath.c_str(), F_OK), 0);
}

TEST(RewriteTest, TextIsNoBytecode) {
  TempDir dir;
  auto text = indexText("m.mlir", weightsModel());
  ASSERT_TRUE(text);
  llvm::Error e = rewrite(*text, dir.path("out.mlirbc"), {});
  ASSERT_TRUE(bool(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("not a bytecode file"),
            std::string::npos);
}
