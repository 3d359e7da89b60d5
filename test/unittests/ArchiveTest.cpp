//===- ArchiveTest.cpp - Parameter archives: irpa, safetensors, gguf ------===//
//
// Every archive of the corpus's iree-parameters/ read to exact keys, offsets,
// sizes, types and splat patterns (offsets checked against the bytes there
// and, for safetensors, against IREE's own iree-dump-parameters output);
// hostile archives built in memory, one per class of damage, each refused with
// its offset or accepted with a warning; and ggml dequantization of blocks
// computed by hand.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Archive/Ggml.h"
#include "mlirscope/Archive/ParameterArchive.h"
#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Support/MappedFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

using namespace mlirscope;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

const std::string kParams =
    std::string(MLIRSCOPE_CORPUS_DIR) + "/iree-parameters/";

/// A corpus archive; a missing corpus fails the test in one line.
std::shared_ptr<ParameterArchive> corpus(const std::string &rel) {
  std::string path = kParams + rel;
  if (!llvm::sys::fs::exists(path)) {
    ADD_FAILURE() << "corpus file missing: " << path
                  << " (MLIRSCOPE_CORPUS_DIR)";
    return nullptr;
  }
  auto archive = openArchive(path);
  if (!archive) {
    ADD_FAILURE() << llvm::toString(archive.takeError());
    return nullptr;
  }
  return *archive;
}

std::string fileBytes(const std::string &rel) {
  std::ifstream in(kParams + rel, std::ios::binary);
  EXPECT_TRUE(in.good()) << "corpus file missing: " << kParams + rel;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

llvm::Expected<std::shared_ptr<ParameterArchive>>
fromBytes(const std::string &bytes) {
  return readArchive(MappedFile::copyOf(
      "x.archive",
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()),
                              bytes.size())));
}

std::shared_ptr<ParameterArchive> accept(const std::string &bytes) {
  auto archive = fromBytes(bytes);
  if (!archive) {
    ADD_FAILURE() << llvm::toString(archive.takeError());
    return nullptr;
  }
  return *archive;
}

/// The FormatError of a refused archive: its offset and what was expected.
struct Refusal {
  uint64_t offset = ~0ull;
  std::string expected, message;
};

Refusal refuse(const std::string &bytes) {
  Refusal r;
  auto archive = fromBytes(bytes);
  if (archive) {
    ADD_FAILURE() << "accepted an archive that should be refused";
    return r;
  }
  llvm::handleAllErrors(
      archive.takeError(),
      [&](const FormatError &e) {
        r.offset = e.getOffset();
        r.expected = e.getExpected();
        r.message = e.message();
      },
      [&](const llvm::ErrorInfoBase &e) {
        ADD_FAILURE() << "not a FormatError: " << e.message();
      });
  EXPECT_EQ(r.message.find('\n'), std::string::npos);
  return r;
}

#define EXPECT_REFUSED(bytes, off, text)                                       \
  do {                                                                         \
    Refusal r_ = refuse(bytes);                                                \
    EXPECT_EQ(r_.offset, uint64_t(off)) << r_.message;                         \
    EXPECT_NE(r_.expected.find(text), std::string::npos) << r_.message;        \
    EXPECT_EQ(r_.message.rfind("x.archive: offset ", 0), 0u) << r_.message;    \
  } while (0)

std::string le(uint64_t v, unsigned bytes) {
  std::string s;
  for (unsigned i = 0; i < bytes; ++i)
    s += char((v >> (8 * i)) & 0xff);
  return s;
}
void put(std::string &s, size_t at, uint64_t v, unsigned bytes) {
  s.replace(at, bytes, le(v, bytes));
}
float floatAt(const std::string &s, uint64_t at) {
  float f;
  std::memcpy(&f, s.data() + at, 4);
  return f;
}
int64_t i64At(const std::string &s, uint64_t at) {
  int64_t v;
  std::memcpy(&v, s.data() + at, 8);
  return v;
}

std::string safetensors(const std::string &json, const std::string &data) {
  return le(json.size(), 8) + json + data;
}

/// A GGUF file: metadata pairs already encoded, tensors as stored
/// (dims innermost first), the data after padding to `alignment`.
struct GgufTensor {
  std::string name;
  std::vector<uint64_t> dims;
  uint32_t type;
  uint64_t offset;
};
std::string ggufString(const std::string &s) { return le(s.size(), 8) + s; }
std::string ggufKv(const std::string &key, uint32_t type,
                   const std::string &value) {
  return ggufString(key) + le(type, 4) + value;
}
std::string gguf(const std::vector<std::string> &kvs,
                 const std::vector<GgufTensor> &tensors,
                 const std::string &data, uint32_t alignment = 32,
                 uint32_t version = 3) {
  std::string s =
      "GGUF" + le(version, 4) + le(tensors.size(), 8) + le(kvs.size(), 8);
  for (const std::string &kv : kvs)
    s += kv;
  for (const GgufTensor &t : tensors) {
    s += ggufString(t.name) + le(t.dims.size(), 4);
    for (uint64_t d : t.dims)
      s += le(d, 8);
    s += le(t.type, 4) + le(t.offset, 8);
  }
  s.resize((s.size() + alignment - 1) / alignment * alignment, '\0');
  return s + data;
}

//===----------------------------------------------------------------------===//
// The corpus
//===----------------------------------------------------------------------===//

TEST(ArchiveCorpusTest, IrpaSingleMultipleEmpty) {
  auto empty = corpus("irpa/empty.irpa");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->format, ArchiveFormat::Irpa);
  EXPECT_TRUE(empty->entries.empty());
  EXPECT_TRUE(empty->metadata.empty());
  EXPECT_EQ(archiveFormatName(empty->format), "irpa");

  // --data=key0=4xf32=100.1: one data entry; the bytes there are the value
  // (the file holds 100.0 in single.irpa, 100.1 in multiple.irpa).
  auto single = corpus("irpa/single.irpa");
  ASSERT_TRUE(single);
  ASSERT_EQ(single->entries.size(), 1u);
  const ArchiveEntry &k0 = single->entries[0];
  EXPECT_EQ(k0.key, "key0");
  EXPECT_EQ(k0.kind, ArchiveEntry::Kind::Data);
  EXPECT_EQ(k0.offset, 192u);
  EXPECT_EQ(k0.size, 16u);
  EXPECT_EQ(k0.metadataOffset, 96u);
  EXPECT_FALSE(k0.type);
  EXPECT_TRUE(k0.archiveType.empty());
  std::string bytes = fileBytes("irpa/single.irpa");
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(floatAt(bytes, k0.offset + 4 * i), 100.0f);
  EXPECT_EQ(single->dataBytes(), 16u);
  EXPECT_TRUE(single->warnings.empty());

  auto multiple = corpus("irpa/multiple.irpa");
  ASSERT_TRUE(multiple);
  ASSERT_EQ(multiple->entries.size(), 2u);
  bytes = fileBytes("irpa/multiple.irpa");
  const ArchiveEntry *m0 = multiple->find("key0"), *m1 = multiple->find("key1");
  ASSERT_TRUE(m0 && m1);
  EXPECT_EQ(m0->offset, 320u);
  EXPECT_EQ(m0->size, 16u);
  EXPECT_EQ(floatAt(bytes, m0->offset), 100.1f);
  EXPECT_EQ(m1->offset, 384u);
  EXPECT_EQ(m1->size, 5u);
  EXPECT_EQ(bytes.substr(m1->offset, 5), std::string(5, char(101)));
  EXPECT_EQ(multiple->find("key2"), nullptr);
}

TEST(ArchiveCorpusTest, IrpaMixedSplats) {
  auto mixed = corpus("irpa/mixed.irpa");
  ASSERT_TRUE(mixed);
  ASSERT_EQ(mixed->entries.size(), 4u);
  // iree-create-parameters writes the splats' entries first.
  const ArchiveEntry &k2 = mixed->entries[0], &k3 = mixed->entries[1];
  EXPECT_EQ(k2.key, "key2");
  EXPECT_EQ(k2.kind, ArchiveEntry::Kind::Splat);
  EXPECT_EQ(k2.size, 1u);
  EXPECT_EQ(k2.pattern, std::vector<uint8_t>{102});
  EXPECT_EQ(k2.metadataOffset, 96u);
  // key3: 4096x1024xi64, one 8-byte pattern over 32 MiB. The script asked
  // for 103, but the file holds INT64_MAX, as IREE's own irpa_parser_test
  // expects (iree-create-parameters saturated the value it parsed).
  EXPECT_EQ(k3.key, "key3");
  EXPECT_EQ(k3.kind, ArchiveEntry::Kind::Splat);
  EXPECT_EQ(k3.size, 4096u * 1024u * 8u);
  EXPECT_EQ(k3.pattern, (std::vector<uint8_t>{0xff, 0xff, 0xff, 0xff, 0xff,
                                              0xff, 0xff, 0x7f}));
  EXPECT_EQ(k3.metadataOffset, 192u);
  const ArchiveEntry *k0 = mixed->find("key0"), *k1 = mixed->find("key1");
  ASSERT_TRUE(k0 && k1);
  EXPECT_EQ(k0->kind, ArchiveEntry::Kind::Data);
  EXPECT_EQ(k0->offset, 512u);
  EXPECT_EQ(k0->size, 16u);
  EXPECT_EQ(k1->offset, 576u);
  EXPECT_EQ(k1->size, 5u);
  // Splats store nothing.
  EXPECT_EQ(mixed->dataBytes(), 21u);
  std::string bytes = fileBytes("irpa/mixed.irpa");
  EXPECT_EQ(floatAt(bytes, k0->offset + 12), 100.1f);
  EXPECT_TRUE(mixed->warnings.empty());
}

TEST(ArchiveCorpusTest, Safetensors) {
  auto empty = corpus("safetensors/empty.safetensors");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->format, ArchiveFormat::Safetensors);
  EXPECT_TRUE(empty->entries.empty());

  auto single = corpus("safetensors/single.safetensors");
  ASSERT_TRUE(single);
  ASSERT_EQ(single->entries.size(), 1u);
  const ArchiveEntry &t0 = single->entries[0];
  EXPECT_EQ(t0.key, "tensor0");
  EXPECT_EQ(t0.offset, 8u + 64u);
  EXPECT_EQ(t0.size, 16u);
  EXPECT_EQ(t0.archiveType, "F32");
  ASSERT_TRUE(t0.type);
  EXPECT_EQ(t0.type->text, "tensor<2x2xf32>");
  EXPECT_EQ(t0.type->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(t0.type->element.kind, ElementType::Kind::Float);
  EXPECT_EQ(t0.type->element.width, 32u);
  // The key's opening quote in the header.
  EXPECT_EQ(t0.metadataOffset, 9u);

  auto multiple = corpus("safetensors/multiple.safetensors");
  ASSERT_TRUE(multiple);
  ASSERT_EQ(multiple->entries.size(), 3u);
  const char *names[] = {"tensor0", "tensor1", "tensor2"};
  const char *types[] = {"tensor<2x2xf32>", "tensor<1x2xf32>",
                         "tensor<4x3xf32>"};
  uint64_t offsets[] = {200, 216, 224}, sizes[] = {16, 8, 48};
  for (int i = 0; i < 3; ++i) {
    const ArchiveEntry &e = multiple->entries[i];
    EXPECT_EQ(e.key, names[i]);
    EXPECT_EQ(e.offset, offsets[i]);
    EXPECT_EQ(e.size, sizes[i]);
    ASSERT_TRUE(e.type);
    EXPECT_EQ(e.type->text, types[i]);
  }
  EXPECT_EQ(multiple->dataBytes(), 72u);
  EXPECT_TRUE(multiple->warnings.empty());
}

/// The offsets IREE's own dump tool prints (iree-dump-parameters.txt: start,
/// end, length, key; absolute file offsets) are ours, entry for entry.
TEST(ArchiveCorpusTest, SafetensorsMatchIreeDumpParameters) {
  std::ifstream in(kParams + "tools-test/iree-dump-parameters.txt");
  ASSERT_TRUE(in.good()) << "corpus file missing: " << kParams
                         << "tools-test/iree-dump-parameters.txt";
  std::regex scope("Parameter scope `(\\w+)`");
  std::regex row("CHECK: (\\d+) \\| (\\d+) \\| (\\d+) \\| `(\\w+)`");
  std::shared_ptr<ParameterArchive> archive;
  std::string line, bytes;
  int rows = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, scope)) {
      std::string rel = "tools-test/parameters_" + m[1].str() + ".safetensors";
      archive = corpus(rel);
      bytes = fileBytes(rel);
      ASSERT_TRUE(archive);
    } else if (std::regex_search(line, m, row)) {
      ASSERT_TRUE(archive);
      const ArchiveEntry *e = archive->find(m[4].str());
      ASSERT_TRUE(e) << m[4];
      EXPECT_EQ(e->offset, std::stoull(m[1]));
      EXPECT_EQ(e->offset + e->size, std::stoull(m[2]));
      EXPECT_EQ(e->size, std::stoull(m[3]));
      EXPECT_EQ(e->archiveType, "I64");
      ASSERT_TRUE(e->type);
      EXPECT_EQ(e->type->element.name, "i64");
      ++rows;
    }
  }
  EXPECT_EQ(rows, 4);
  // parameters_scoped.mlir's expected values: a0 = 0..3, a1 = 4..7.
  auto a = corpus("tools-test/parameters_a.safetensors");
  ASSERT_TRUE(a);
  std::string abytes = fileBytes("tools-test/parameters_a.safetensors");
  const ArchiveEntry *a1 = a->find("a1");
  ASSERT_TRUE(a1);
  EXPECT_EQ(a1->type->text, "tensor<4xi64>");
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(i64At(abytes, a1->offset + 8 * i), 4 + i);
  auto b = corpus("tools-test/parameters_b.safetensors");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->find("b1")->type->text, "tensor<16xi64>");
}

TEST(ArchiveCorpusTest, Gguf) {
  for (const char *name : {"gguf/single.gguf", "gguf/single_v2.gguf"}) {
    SCOPED_TRACE(name);
    auto single = corpus(name);
    ASSERT_TRUE(single);
    EXPECT_EQ(single->format, ArchiveFormat::Gguf);
    ASSERT_EQ(single->entries.size(), 1u);
    const ArchiveEntry &t0 = single->entries[0];
    EXPECT_EQ(t0.key, "tensor0");
    // general.alignment = 64: the data starts at 384, not at 352 (32).
    EXPECT_EQ(t0.offset, 384u);
    EXPECT_EQ(t0.size, 16u);
    EXPECT_EQ(t0.metadataOffset, 283u);
    EXPECT_EQ(t0.archiveType, "F32");
    ASSERT_TRUE(t0.type);
    EXPECT_EQ(t0.type->text, "tensor<2x2xf32>");
    std::string bytes = fileBytes(name);
    EXPECT_EQ(floatAt(bytes, t0.offset), 1.0f);
    EXPECT_EQ(floatAt(bytes, t0.offset + 12), 1.0f);
    // GGUFWriter wrote general.architecture twice: kept, with a warning.
    std::vector<std::pair<std::string, std::string>> expected = {
        {"general.architecture", "generic"},
        {"general.architecture", "generic"},
        {"general.alignment", "64"},
        {"metadata_uint32", "42"},
        {"metadata_str", "hello"},
        {"metadata_strs", "[3 x string]"}};
    EXPECT_EQ(single->metadata, expected);
    ASSERT_EQ(single->warnings.size(), 1u);
    EXPECT_NE(single->warnings[0].find("general.architecture"),
              std::string::npos);
  }

  auto multiple = corpus("gguf/multiple.gguf");
  ASSERT_TRUE(multiple);
  ASSERT_EQ(multiple->entries.size(), 3u);
  // numpy shapes (2,2), (1,2), (4,3), stored innermost first, read back
  // outermost first; each tensor padded to the 64-byte alignment.
  const char *types[] = {"tensor<2x2xf32>", "tensor<1x2xf32>",
                         "tensor<4x3xf32>"};
  uint64_t offsets[] = {448, 512, 576}, sizes[] = {16, 8, 48};
  std::string bytes = fileBytes("gguf/multiple.gguf");
  for (int i = 0; i < 3; ++i) {
    const ArchiveEntry &e = multiple->entries[i];
    EXPECT_EQ(e.key, "tensor" + std::to_string(i));
    EXPECT_EQ(e.offset, offsets[i]);
    EXPECT_EQ(e.size, sizes[i]);
    ASSERT_TRUE(e.type);
    EXPECT_EQ(e.type->text, types[i]);
    EXPECT_EQ(floatAt(bytes, e.offset + e.size - 4), 1.0f);
  }

  auto empty = corpus("gguf/empty.gguf");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->entries.empty());
  EXPECT_EQ(empty->metadata.size(), 6u);
}

//===----------------------------------------------------------------------===//
// Hostile archives
//===----------------------------------------------------------------------===//

TEST(ArchiveHostileTest, NotAnArchive) {
  EXPECT_REFUSED("", 0, "a parameter archive");
  EXPECT_REFUSED("hello world", 0, "a parameter archive");
  EXPECT_REFUSED(le(2, 8) + "[]", 0, "a parameter archive");
}

TEST(ArchiveHostileTest, SafetensorsHeaderBounds) {
  // A header longer than the file.
  EXPECT_REFUSED(le(16, 8) + "{}", 0, "a header of 16 bytes inside the file");
  // Longer than safetensors allows, whatever the file.
  EXPECT_REFUSED(le(200'000'000, 8) + "{}", 0, "at most 100000000 bytes");
  EXPECT_REFUSED(le(~0ull, 8) + "{}", 0, "at most 100000000 bytes");
  // Text after the object, and an object that does not close.
  EXPECT_REFUSED(safetensors("{} x", ""), 11, "only spaces after");
  EXPECT_REFUSED(safetensors("{\"a\":{}", ""), 13, "\"dtype\"");
  EXPECT_REFUSED(safetensors("{\"a\"", ""), 12, "':' after a key");
}

TEST(ArchiveHostileTest, SafetensorsDataOffsets) {
  std::string tensor = R"({"t":{"dtype":"F32","shape":[2],"data_offsets":)";
  // Past the end of the data (the offsets value is at 8 + 47).
  EXPECT_REFUSED(safetensors(tensor + "[0,8]}}", "1234"), 55,
                 "data offsets within the 4 bytes after the header");
  // Overflowing: begin + size would wrap; and a number past 2^64.
  EXPECT_REFUSED(safetensors(tensor + "[18446744073709551615,"
                                      "18446744073709551615]}}",
                             "12345678"),
                 55, "within the 8 bytes");
  EXPECT_REFUSED(safetensors(tensor + "[0,18446744073709551616]}}", ""), 58,
                 "an integer below 2^64");
  EXPECT_REFUSED(safetensors(tensor + "[8,0]}}", "12345678"), 55,
                 "BEGIN <= END");
  EXPECT_REFUSED(safetensors(tensor + "[0,4,8]}}", "12345678"), 55,
                 "[BEGIN, END], got 3 numbers");
  EXPECT_REFUSED(safetensors(tensor + "[0,-8]}}", "12345678"), 58,
                 "a non-negative integer");
  // The shape says 8 bytes, the range 4.
  EXPECT_REFUSED(safetensors(tensor + "[0,4]}}", "12345678"), 55,
                 "spanning the 8 bytes of F32 [2], got 4 bytes");
  // A shape whose element count overflows.
  EXPECT_REFUSED(
      safetensors(R"({"t":{"dtype":"F32","shape":[4294967296,4294967296],)"
                  R"("data_offsets":[0,0]}})",
                  ""),
      13, "a shape whose size fits 64 bits");
  // More dimensions than any tensor has (a shape's vectors would otherwise
  // grow with the header).
  std::string zeros = "0";
  for (int i = 0; i < 1024; ++i)
    zeros += ",0";
  EXPECT_REFUSED(safetensors(R"({"t":{"dtype":"F32","shape":[)" + zeros +
                                 R"(],"data_offsets":[0,0]}})",
                             ""),
                 13, "at most 1024 dimensions for 't', got 1025");
  // F4 packs two elements a byte: 3 of them are not whole bytes.
  EXPECT_REFUSED(
      safetensors(R"({"t":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}})",
                  "12"),
      54, "the 12 bits of F4 [3]");
}

TEST(ArchiveHostileTest, SafetensorsKeys) {
  std::string entry = R"({"dtype":"I8","shape":[1],"data_offsets":[0,1]})";
  // Raw bytes that are not UTF-8 (the first at header byte 2).
  EXPECT_REFUSED(safetensors("{\"\xff\":" + entry + "}", "x"), 10,
                 "a UTF-8 header");
  // An escape that is not a character.
  EXPECT_REFUSED(safetensors("{\"\\ud800\":" + entry + "}", "x"), 10,
                 "a low surrogate after a high one");
  // A key twice (the second at header byte 53).
  std::string twice = "{\"k\":" + entry + ",\"k\":" + entry + "}";
  Refusal r = refuse(safetensors(twice, "x"));
  EXPECT_EQ(r.offset, 8u + 53u) << r.message;
  EXPECT_NE(r.expected.find("'k' is already described at offset 9"),
            std::string::npos)
      << r.message;
  // A field twice, and a field missing.
  EXPECT_REFUSED(safetensors(R"({"t":{"dtype":"I8","dtype":"I8"}})", ""), 27,
                 "\"dtype\" only once");
  EXPECT_REFUSED(
      safetensors(R"({"t":{"dtype":"I8","data_offsets":[0,1]}})", "x"), 13,
      "\"shape\" in the object of 't'");
  // Escapes decode: the key is "a/é".
  auto ok = accept(safetensors("{\"a\\/\\u00e9\":" + entry + "}", "x"));
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->find("a/\xc3\xa9"));
}

TEST(ArchiveHostileTest, SafetensorsOverlapUnknownDtypeMetadata) {
  // Two entries over the same bytes: IREE does not forbid aliasing, so
  // both are listed, with a warning.
  auto shared = accept(safetensors(
      R"({"__metadata__":{"format":"pt","note":"a\nb"},)"
      R"("a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},)"
      R"("b":{"dtype":"U8","shape":[2,2],"data_offsets":[4,8],"extra":[{}]},)"
      R"("c":{"dtype":"F9","shape":[3],"data_offsets":[8,11]}})",
      "12345678abc"));
  ASSERT_TRUE(shared);
  ASSERT_EQ(shared->entries.size(), 3u);
  EXPECT_EQ(shared->metadata, (std::vector<std::pair<std::string, std::string>>{
                                  {"format", "pt"}, {"note", "a\nb"}}));
  EXPECT_EQ(shared->find("b")->type->text, "tensor<2x2xui8>");
  // An unknown dtype keeps its explicit range, not a type.
  const ArchiveEntry *c = shared->find("c");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->type);
  EXPECT_EQ(c->archiveType, "F9");
  EXPECT_EQ(c->size, 3u);
  ASSERT_EQ(shared->warnings.size(), 2u);
  EXPECT_NE(shared->warnings[0].find("unknown dtype 'F9'"), std::string::npos);
  EXPECT_NE(shared->warnings[1].find("'a'"), std::string::npos);
  EXPECT_NE(shared->warnings[1].find("'b'"), std::string::npos);
  EXPECT_NE(shared->warnings[1].find("share bytes"), std::string::npos);
  EXPECT_EQ(shared->dataBytes(), 8u + 4u + 3u);
}

TEST(ArchiveHostileTest, SafetensorsDtypes) {
  struct Case {
    const char *dtype, *element;
    unsigned bytes;
  } cases[] = {{"BOOL", "i1", 4},           {"F8_E4M3", "f8E4M3FN", 4},
               {"F8_E5M2", "f8E5M2", 4},    {"BF16", "bf16", 8},
               {"C64", "complex<f32>", 32}, {"U64", "ui64", 32},
               {"F4", "f4E2M1FN", 2},       {"F6_E3M2", "f6E3M2FN", 3},
               {"F8_E8M0", "f8E8M0FNU", 4}};
  for (const Case &c : cases) {
    std::string json = std::string("{\"t\":{\"dtype\":\"") + c.dtype +
                       "\",\"shape\":[4],\"data_offsets\":[0," +
                       std::to_string(c.bytes) + "]}}";
    auto a = accept(safetensors(json, std::string(c.bytes, '\0')));
    ASSERT_TRUE(a) << c.dtype;
    EXPECT_EQ(a->entries[0].type->text,
              std::string("tensor<4x") + c.element + ">");
  }
}

/// The corpus's mixed.irpa, damaged one field at a time. Its layout: header
/// at 0 (entry count at 32, segments at 40/56/72), entries at 96 (key2,
/// splat), 192 (key3, splat), 288 (key0, data), 368 (key1, data); names at
/// 444; data at 512.
TEST(ArchiveHostileTest, Irpa) {
  std::string good = fileBytes("irpa/mixed.irpa");
  ASSERT_EQ(good.size(), 4096u);
  ASSERT_TRUE(accept(good));
  auto damaged = [&](size_t at, uint64_t v, unsigned bytes) {
    std::string s = good;
    put(s, at, v, bytes);
    return s;
  };
  EXPECT_REFUSED(damaged(4, 1, 2), 4, "IRPA version 0.0");
  EXPECT_REFUSED(damaged(8, 100, 8), 8, "a version 0 header of 88 bytes");
  // An entry count the entry table cannot hold.
  EXPECT_REFUSED(damaged(32, 1ull << 40, 8), 32,
                 "an entry count that fits the entry segment");
  // Segments past the end of the file, and wrapping around.
  EXPECT_REFUSED(damaged(80, 1ull << 20, 8), 80,
                 "the storage segment inside the file");
  EXPECT_REFUSED(damaged(72, ~0ull - 8, 8), 80,
                 "the storage segment inside the file");
  EXPECT_REFUSED(good.substr(0, 300), 48, "the entry segment inside the file");
  // An entry's size beyond its table, a name outside the metadata segment.
  EXPECT_REFUSED(damaged(288, 1000, 8), 288, "an entry size of 60 to");
  EXPECT_REFUSED(damaged(288 + 20, 1ull << 62, 8), 308,
                 "the entry name inside the metadata segment");
  // Data outside the storage segment, and offset + length wrapping.
  EXPECT_REFUSED(damaged(288 + 68, 0x1000, 8), 348,
                 "data inside the storage segment");
  EXPECT_REFUSED(damaged(288 + 60, ~0ull, 8), 348,
                 "data inside the storage segment");
  // A splat pattern of 17 bytes; an entry type IREE does not know.
  EXPECT_REFUSED(damaged(96 + 84, 17, 1), 180, "a splat pattern of 1 to 16");
  EXPECT_REFUSED(damaged(288 + 8, 7, 4), 296, "an entry type 0 (skip)");
  // key1 named "key0": a duplicate key.
  EXPECT_REFUSED(damaged(368 + 20, 8, 8), 368,
                 "'key0' is already described at offset 288");
  // A name that is not UTF-8.
  {
    std::string s = good;
    s[444] = char(0xff);
    EXPECT_REFUSED(s, 96, "a UTF-8 key");
  }
  // A next header past the end.
  EXPECT_REFUSED(damaged(16, 1ull << 40, 8), 16, "a next header offset");
  // key1's data moved onto key0's: listed, with a warning.
  auto overlap = accept(damaged(368 + 60, 0, 8));
  ASSERT_TRUE(overlap);
  ASSERT_EQ(overlap->warnings.size(), 1u);
  EXPECT_NE(overlap->warnings[0].find("'key0' (offsets 512..528) and 'key1' "
                                      "(offsets 512..517) share bytes"),
            std::string::npos)
      << overlap->warnings[0];
  // A skipped entry disappears; an external one is left out with a warning.
  auto skipped = accept(damaged(96 + 8, 0, 4));
  ASSERT_TRUE(skipped);
  EXPECT_EQ(skipped->entries.size(), 3u);
  EXPECT_FALSE(skipped->find("key2"));
  std::string ext = damaged(192 + 8, 3, 4); // key3, as an external entry
  put(ext, 192, 92, 8);                     // of an external entry's size,
  put(ext, 192 + 60, 0, 8);                 // its path "key2"
  put(ext, 192 + 68, 4, 8);
  auto external = accept(ext);
  ASSERT_TRUE(external);
  EXPECT_FALSE(external->find("key3"));
  ASSERT_EQ(external->warnings.size(), 1u);
  EXPECT_NE(external->warnings[0].find("'key3' is stored in another file"),
            std::string::npos);
}

TEST(ArchiveHostileTest, GgufHeader) {
  std::string good = fileBytes("gguf/single.gguf");
  ASSERT_TRUE(accept(good));
  auto damaged = [&](size_t at, uint64_t v, unsigned bytes) {
    std::string s = good;
    put(s, at, v, bytes);
    return s;
  };
  EXPECT_REFUSED(damaged(4, 1, 4), 4, "version 1 (32-bit counts and lengths)");
  EXPECT_REFUSED(damaged(4, 4, 4), 4, "GGUF version 2 or 3, got 4");
  EXPECT_REFUSED(damaged(4, 3u << 24, 4), 4, "little-endian");
  // Counts that cannot fit in the file.
  EXPECT_REFUSED(damaged(8, 1ull << 40, 8), 8, "a tensor count that fits");
  EXPECT_REFUSED(damaged(16, ~0ull, 8), 16, "a metadata count that fits");
  // A string length past the end: the first key's.
  EXPECT_REFUSED(damaged(24, 1ull << 50, 8), 32, "the file ends at offset 448");
  // tensor0's info at 283: name, dims at 302 and 310, type at 318, offset
  // at 322.
  EXPECT_REFUSED(damaged(318, 4, 4), 318, "a known ggml type id, got 4");
  EXPECT_REFUSED(damaged(318, 1000, 4), 318, "a known ggml type id, got 1000");
  EXPECT_REFUSED(damaged(322, 64, 8), 322,
                 "the 16 bytes of 'tensor0' (F32) inside the tensor data");
  EXPECT_REFUSED(damaged(322, ~0ull - 4, 8), 322, "inside the tensor data");
  {
    std::string s = damaged(302, 1ull << 62, 8);
    put(s, 310, 1ull << 62, 8);
    EXPECT_REFUSED(s, 283, "element count fits 64 bits");
  }
  EXPECT_REFUSED(damaged(302, 1ull << 62, 8), 283,
                 "a tensor size that fits 64 bits");
  EXPECT_REFUSED(damaged(302, 1ull << 63, 8), 302, "a dimension below 2^63");
  EXPECT_REFUSED(damaged(298, 1000, 4), 302, "1000 dimensions inside the file");
  EXPECT_REFUSED(damaged(298, 1u << 30, 4), 302,
                 "at most 1024 dimensions, got 1073741824");
  // general.alignment: 48 is no power of two.
  size_t key = good.find("general.alignment");
  ASSERT_NE(key, std::string::npos);
  EXPECT_REFUSED(damaged(key + 17 + 4, 48, 4), key + 21,
                 "a power-of-two alignment, got 48");
  EXPECT_REFUSED(damaged(key + 17, 5, 4), key - 8,
                 "general.alignment of type uint32");
}

TEST(ArchiveHostileTest, GgufTensors) {
  // A Q4_0 tensor of 2 rows of 64: 4 blocks of 18 bytes, and an F16 one.
  std::string data(72 + 8, '\0');
  auto a = accept(gguf(
      {ggufKv("general.name", 8, ggufString("t")),
       ggufKv("v", 9, le(6, 4) + le(1024, 8) + std::string(4096, '\0')),
       ggufKv("f", 6, le(0x3fc00000, 4)), ggufKv("i", 5, le(uint32_t(-7), 4))},
      {{"q", {64, 2}, 2, 0}, {"h", {4}, 1, 96}}, std::string(96 + 8, '\0')));
  ASSERT_TRUE(a);
  const ArchiveEntry *q = a->find("q");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->size, 72u);
  EXPECT_EQ(q->archiveType, "Q4_0");
  ASSERT_TRUE(q->type);
  EXPECT_EQ(q->type->text, "tensor<2x64x!gguf.q4_0>");
  EXPECT_EQ(q->type->shape, (std::vector<int64_t>{2, 64}));
  EXPECT_FALSE(q->type->element.isKnown());
  EXPECT_EQ(q->type->element.name, "!gguf.q4_0");
  EXPECT_EQ(a->find("h")->type->text, "tensor<4xf16>");
  EXPECT_EQ(a->metadata, (std::vector<std::pair<std::string, std::string>>{
                             {"general.name", "t"},
                             {"v", "[1024 x f32]"},
                             {"f", "1.5"},
                             {"i", "-7"}}));
  EXPECT_TRUE(a->warnings.empty());

  // A row of 48 is not whole Q4_0 blocks.
  Refusal r = refuse(gguf({}, {{"q", {48, 2}, 2, 0}}, data));
  EXPECT_EQ(r.offset, 24u) << r.message;
  EXPECT_NE(r.expected.find("rows of whole Q4_0 blocks (32 elements) for "
                            "'q', got rows of 48"),
            std::string::npos)
      << r.message;
  // A name twice.
  r = refuse(gguf({}, {{"x", {4}, 0, 0}, {"x", {4}, 0, 32}}, data));
  EXPECT_NE(r.expected.find("'x' is already described at offset 24"),
            std::string::npos)
      << r.message;
  // A name that is not UTF-8.
  r = refuse(gguf({}, {{"\xc3(", {4}, 0, 0}}, data));
  EXPECT_NE(r.expected.find("a UTF-8 key"), std::string::npos) << r.message;
  // Two tensors over the same bytes, one not aligned: warnings.
  auto shared = accept(gguf({}, {{"x", {8}, 0, 0}, {"y", {2}, 0, 4}}, data));
  ASSERT_TRUE(shared);
  ASSERT_EQ(shared->warnings.size(), 2u);
  EXPECT_NE(shared->warnings[0].find("not a multiple of the alignment 32"),
            std::string::npos);
  EXPECT_NE(shared->warnings[1].find("share bytes"), std::string::npos);
  // An array claiming more elements than the file has.
  r = refuse(gguf({ggufKv("v", 9, le(4, 4) + le(1ull << 61, 8))}, {}, ""));
  EXPECT_NE(r.expected.find("an array of 2305843009213693952 ui32 inside the "
                            "file"),
            std::string::npos)
      << r.message;
  // An unknown value type.
  r = refuse(gguf({ggufKv("v", 13, "")}, {}, std::string(64, '\0')));
  EXPECT_NE(r.expected.find("a value type 0 to 12, got 13"), std::string::npos)
      << r.message;
  // Arrays of arrays: skipped and summarized, with a warning; nested too
  // deep, refused.
  std::string inner = le(4, 4) + le(2, 8) + le(1, 4) + le(2, 4);
  auto nested = accept(
      gguf({ggufKv("n", 9, le(9, 4) + le(2, 8) + inner + inner)}, {}, ""));
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->metadata[0].second, "[2 x array]");
  EXPECT_EQ(nested->warnings.size(), 1u);
  std::string deep = le(4, 4) + le(0, 8);
  for (int i = 0; i < 6; ++i)
    deep = le(9, 4) + le(1, 8) + deep;
  r = refuse(gguf({ggufKv("n", 9, deep)}, {}, std::string(64, '\0')));
  EXPECT_NE(r.expected.find("arrays nested at most 4 deep"), std::string::npos)
      << r.message;
}

/// The fuzz target's hand-made inputs (test/fuzz/Inputs/archive): the three
/// well-formed ones read to what they hold, every other one refused.
TEST(ArchiveHostileTest, FuzzInputs) {
  std::string dir =
      std::string(MLIRSCOPE_SOURCE_DIR) + "/test/fuzz/Inputs/archive";
  std::error_code ec;
  int refused = 0;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    std::string path = it->path();
    std::string name = llvm::sys::path::filename(path).str();
    auto archive = openArchive(path);
    bool wellFormed = name == "irpa-linked-headers.irpa" ||
                      name == "safetensors-overlapping.safetensors" ||
                      name == "gguf-quantized-tensors.gguf";
    if (!wellFormed) {
      EXPECT_FALSE(bool(archive)) << name;
      if (!archive) {
        std::string message = llvm::toString(archive.takeError());
        EXPECT_NE(message.find(": offset "), std::string::npos) << message;
        ++refused;
      }
      continue;
    }
    ASSERT_TRUE(bool(archive))
        << name << ": " << llvm::toString(archive.takeError());
    const ParameterArchive &a = **archive;
    if (a.format == ArchiveFormat::Irpa) {
      // Two archives linked by next_header_offset: the second's entries too.
      ASSERT_EQ(a.entries.size(), 3u);
      EXPECT_EQ(a.find("w0")->offset, 320u);
      EXPECT_EQ(a.find("s0")->pattern, (std::vector<uint8_t>{2, 0}));
      EXPECT_EQ(a.find("s0")->size, 64u);
      EXPECT_EQ(a.find("w1")->offset, 384u + 192u);
      EXPECT_EQ(a.find("w1")->size, 4u);
      EXPECT_TRUE(a.warnings.empty());
    } else if (a.format == ArchiveFormat::Safetensors) {
      EXPECT_EQ(a.find("b")->type->text, "tensor<2xbf16>");
      EXPECT_EQ(a.warnings.size(), 1u);
    } else {
      ASSERT_EQ(a.entries.size(), 3u);
      EXPECT_EQ(a.find("blk.0.q")->type->text, "tensor<64x!gguf.q4_0>");
      EXPECT_EQ(a.find("blk.0.k")->type->text, "tensor<2x32x!gguf.q5_1>");
      EXPECT_EQ(a.find("blk.0.k")->size, 48u);
      EXPECT_EQ(a.metadata[2].second, "[3 x string]");
      EXPECT_EQ(a.metadata[3].second, "0.1");
      EXPECT_EQ(a.metadata[4].second, "true");
      EXPECT_EQ(a.metadata[5].second, "-5");
    }
  }
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_GE(refused, 15);
}

//===----------------------------------------------------------------------===//
// ggml
//===----------------------------------------------------------------------===//

TEST(GgmlTest, TypeTable) {
  uint32_t last = 0;
  bool first = true;
  for (const GgmlTypeInfo &t : ggmlTypes()) {
    EXPECT_TRUE(first || t.id > last) << t.name;
    first = false;
    last = t.id;
    EXPECT_EQ(ggmlTypeInfo(t.id), &t);
  }
  EXPECT_EQ(ggmlTypes().size(), 34u);
  for (uint32_t retired : {4u, 5u, 31u, 32u, 33u, 36u, 37u, 38u, 42u})
    EXPECT_EQ(ggmlTypeInfo(retired), nullptr) << retired;
  struct Size {
    const char *name;
    uint32_t id, block, bytes;
  } sizes[] = {{"F32", 0, 1, 4},         {"Q4_0", 2, 32, 18},
               {"Q5_1", 7, 32, 24},      {"Q8_1", 9, 32, 40},
               {"Q2_K", 10, 256, 84},    {"Q3_K", 11, 256, 110},
               {"Q4_K", 12, 256, 144},   {"Q5_K", 13, 256, 176},
               {"Q6_K", 14, 256, 210},   {"Q8_K", 15, 256, 292},
               {"IQ2_XXS", 16, 256, 66}, {"IQ3_S", 21, 256, 110},
               {"IQ4_XS", 23, 256, 136}, {"IQ1_M", 29, 256, 56},
               {"BF16", 30, 1, 2},       {"TQ1_0", 34, 256, 54},
               {"MXFP4", 39, 32, 17},    {"Q1_0", 41, 128, 18}};
  for (const Size &s : sizes) {
    const GgmlTypeInfo *t = ggmlTypeInfo(s.id);
    ASSERT_TRUE(t) << s.name;
    EXPECT_STREQ(t->name, s.name);
    EXPECT_EQ(t->blockSize, s.block) << s.name;
    EXPECT_EQ(t->typeSize, s.bytes) << s.name;
  }
  EXPECT_STREQ(ggmlTypeInfo(30)->element, "bf16");
  EXPECT_TRUE(ggmlTypeInfo(12)->isQuantized());
}

std::vector<float> dequant(uint32_t type, const std::vector<uint8_t> &block,
                           uint64_t blocks = 1) {
  std::vector<float> out(blocks * ggmlTypeInfo(type)->blockSize, -999.0f);
  EXPECT_TRUE(dequantizeGgml(type, block.data(), blocks, out.data()));
  return out;
}

TEST(GgmlTest, PlainTypes) {
  std::vector<float> h = dequant(
      1,
      {0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x7c, 0x00, 0x80, 0xff, 0x7b},
      6);
  EXPECT_EQ(h[0], 1.0f);
  EXPECT_EQ(h[1], -2.0f);
  EXPECT_EQ(h[2], std::ldexp(1.0f, -24)); // the smallest subnormal
  EXPECT_TRUE(std::isinf(h[3]));
  EXPECT_TRUE(std::signbit(h[4]) && h[4] == 0.0f);
  EXPECT_EQ(h[5], 65504.0f);
  std::vector<float> b = dequant(30, {0x80, 0x3f, 0xa0, 0xc0}, 2);
  EXPECT_EQ(b[0], 1.0f);
  EXPECT_EQ(b[1], -5.0f);
  std::vector<float> i8 = dequant(24, {0x80, 0x7f}, 2);
  EXPECT_EQ(i8[0], -128.0f);
  EXPECT_EQ(i8[1], 127.0f);
}

TEST(GgmlTest, Q8_0) {
  // d = 0.5 (f16 0x3800), q[j] = j - 16.
  std::vector<uint8_t> block = {0x00, 0x38};
  for (int j = 0; j < 32; ++j)
    block.push_back(uint8_t(int8_t(j - 16)));
  std::vector<float> out = dequant(8, block);
  for (int j = 0; j < 32; ++j)
    EXPECT_EQ(out[j], (j - 16) * 0.5f) << j;
}

TEST(GgmlTest, Q4_0AndQ4_1) {
  // Q4_0, d = 2: nibble 8 is zero; qs[0] = 0x9f gives element 0 from its low
  // nibble, (15 - 8) * 2 = 14, and element 16 from its high one, (9 - 8) * 2.
  std::vector<uint8_t> q40 = {0x00, 0x40};
  q40.resize(18, 0x88);
  q40[2] = 0x9f;
  q40[2 + 15] = 0x03; // element 15: (3 - 8) * 2; element 31: (0 - 8) * 2
  std::vector<float> out = dequant(2, q40);
  EXPECT_EQ(out[0], 14.0f);
  EXPECT_EQ(out[16], 2.0f);
  EXPECT_EQ(out[15], -10.0f);
  EXPECT_EQ(out[31], -16.0f);
  EXPECT_EQ(out[1], 0.0f);
  EXPECT_EQ(out[17], 0.0f);

  // Q4_1, d = 0.5, m = -1: x = q * d + m; qs[3] = 0x2a: element 3 is
  // 10 * 0.5 - 1 = 4, element 19 is 2 * 0.5 - 1 = 0; zero nibbles give -1.
  std::vector<uint8_t> q41 = {0x00, 0x38, 0x00, 0xbc};
  q41.resize(20, 0x00);
  q41[4 + 3] = 0x2a;
  out = dequant(3, q41);
  EXPECT_EQ(out[3], 4.0f);
  EXPECT_EQ(out[19], 0.0f);
  EXPECT_EQ(out[0], -1.0f);
  EXPECT_EQ(out[31], -1.0f);
}

TEST(GgmlTest, Q5_0AndQ5_1) {
  // Q5_0, d = 1: x = (q | fifth bit << 4) - 16, the fifth bits in qh (bit j
  // for element j). qh bits 0, 16 and 31: elements 0, 16, 31.
  std::vector<uint8_t> q50 = {0x00, 0x3c, 0x01, 0x00, 0x01, 0x80};
  q50.resize(22, 0x00);
  q50[6 + 15] = 0xf7; // element 15: 7 - 16; element 31: (15 | 16) - 16
  std::vector<float> out = dequant(6, q50);
  EXPECT_EQ(out[0], 0.0f);   // 16 - 16
  EXPECT_EQ(out[16], 0.0f);  // 16 - 16
  EXPECT_EQ(out[1], -16.0f); // no bits at all
  EXPECT_EQ(out[15], -9.0f);
  EXPECT_EQ(out[31], 15.0f);

  // Q5_1, d = 2, m = 0.5: x = q * d + m. qh bit 1: element 1 is
  // (1 | 16) * 2 + 0.5 = 34.5 with qs[1] = 0x31; element 17 is 3 * 2 + 0.5.
  std::vector<uint8_t> q51 = {0x00, 0x40, 0x00, 0x38, 0x02, 0x00, 0x00, 0x00};
  q51.resize(24, 0x00);
  q51[8 + 1] = 0x31;
  out = dequant(7, q51);
  EXPECT_EQ(out[1], 34.5f);
  EXPECT_EQ(out[17], 6.5f);
  EXPECT_EQ(out[0], 0.5f);
  EXPECT_EQ(out[31], 0.5f);
}

TEST(GgmlTest, Q8_1AndWideTypes) {
  // Q8_1: {f32 d; f32 s; i8 qs[32]}, x = q * d; s (d times the sum of the
  // quants, a cache for dot products) does not enter.
  std::vector<uint8_t> block(40, 0);
  float d = 0.25f, sum = 123.0f;
  std::memcpy(block.data(), &d, 4);
  std::memcpy(block.data() + 4, &sum, 4);
  block[8] = uint8_t(int8_t(-2));
  block[8 + 31] = 5;
  std::vector<float> out = dequant(9, block);
  EXPECT_EQ(out[0], -0.5f);
  EXPECT_EQ(out[31], 1.25f);
  EXPECT_EQ(out[1], 0.0f);

  std::vector<uint8_t> wide(8);
  double v = -1.5;
  std::memcpy(wide.data(), &v, 8);
  EXPECT_EQ(dequant(28, wide)[0], -1.5f); // F64
  int64_t i = -40000;
  std::memcpy(wide.data(), &i, 8);
  EXPECT_EQ(dequant(27, wide)[0], -40000.0f);       // I64
  EXPECT_EQ(dequant(26, wide)[0], -40000.0f);       // I32: the low 4 bytes
  EXPECT_EQ(dequant(25, {0x9c, 0xff})[0], -100.0f); // I16
}

TEST(GgmlTest, UnimplementedLayoutsWriteNothing) {
  std::vector<uint8_t> block(144, 0);
  float out[256] = {42.0f};
  EXPECT_FALSE(dequantizeGgml(12, block.data(), 1, out)); // Q4_K
  EXPECT_FALSE(dequantizeGgml(12, block.data(), 0, out));
  EXPECT_FALSE(dequantizeGgml(4, block.data(), 1, out)); // retired
  EXPECT_EQ(out[0], 42.0f);
}

} // namespace
