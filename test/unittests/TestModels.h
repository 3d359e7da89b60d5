//===- TestModels.h - Small models for the unit tests -----------*- C++ -*-===//
//
// What GraphTest, GraphViewTest, OpDetailsTest, RewriteTest, ConvertTest and
// DiffTest share: MLIR text written in the test, indexed in memory or from a
// temporary directory, and converted to bytecode through the MLIR bridge
// plugin built with this tree.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_TEST_UNITTESTS_TESTMODELS_H
#define MLIRSCOPE_TEST_UNITTESTS_TESTMODELS_H

#include "mlirscope/Edit/Convert.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Support/MappedFile.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace mlirscope::testing {

/// Text models are parsed (and converted) by MLIR through the bridge plugin.
/// The unit test binary lives in test/unittests/, not bin/, so the default
/// search (`../lib` beside the executable) would miss it; and the plugin is
/// loaded once per process, so the path is set before main, before any test
/// asks for it: always the plugin of this build (CMake passes its path), not
/// whatever the environment names.
inline const bool kBridgeOfThisBuild = [] {
  ::setenv("MLIRSCOPE_MLIR_BRIDGE", MLIRSCOPE_BRIDGE_PLUGIN, 1);
  return true;
}();

/// A directory of its own under gtest's temp dir, removed with its files.
class TempDir {
public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "mlirscope-unit-XXXXXX";
    if (!::mkdtemp(tmpl.data()))
      ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    dir = tmpl;
  }
  ~TempDir() { llvm::sys::fs::remove_directories(dir); }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  std::string path(const std::string &name) const { return dir + "/" + name; }

private:
  std::string dir;
};

inline void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

inline std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::unique_ptr<ModelIndex>
check(llvm::Expected<std::unique_ptr<ModelIndex>> index) {
  if (!index) {
    ADD_FAILURE() << llvm::toString(index.takeError());
    return nullptr;
  }
  return std::move(*index);
}

/// Indexes `text` as a file named `name`, in memory.
inline std::unique_ptr<ModelIndex> indexText(const std::string &name,
                                             const std::string &text) {
  return check(indexMapped(MappedFile::copyOf(
      name, llvm::ArrayRef<uint8_t>(
                reinterpret_cast<const uint8_t *>(text.data()), text.size()))));
}

inline std::unique_ptr<ModelIndex> indexPath(const std::string &path) {
  return check(indexFile(path));
}

/// Writes `text` to `dir/name.mlir`, converts it to `dir/name.mlirbc`
/// (bytecode `version`) and returns that file's index.
inline std::unique_ptr<ModelIndex> bytecodeOf(const TempDir &dir,
                                              const std::string &name,
                                              const std::string &text,
                                              int64_t version = 6) {
  std::string textPath = dir.path(name + ".mlir");
  writeFile(textPath, text);
  auto textIndex = indexPath(textPath);
  if (!textIndex)
    return nullptr;
  std::string out = dir.path(name + ".mlirbc");
  if (llvm::Error e = convertTextToBytecode(*textIndex, out, version)) {
    ADD_FAILURE() << llvm::toString(std::move(e));
    return nullptr;
  }
  return indexPath(out);
}

/// A dialect resource's value as MLIR text writes it: "0x", the alignment as
/// 4 little-endian bytes, then the data.
inline std::string blobHex(const std::vector<uint8_t> &data,
                           uint32_t alignment = 4) {
  static const char digits[] = "0123456789ABCDEF";
  std::string s = "0x";
  auto put = [&](uint8_t b) {
    s += digits[b >> 4];
    s += digits[b & 0xf];
  };
  for (int i = 0; i < 4; ++i)
    put(uint8_t(alignment >> (8 * i)));
  for (uint8_t b : data)
    put(b);
  return s;
}

/// The bytes of `values` as little-endian f32.
inline std::vector<uint8_t> f32Bytes(const std::vector<float> &values) {
  std::vector<uint8_t> out(values.size() * 4);
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

/// A resource's data bytes as the file holds them (bytecode only).
inline std::string blobBytes(const ModelIndex &index, const Resource &r) {
  return std::string(reinterpret_cast<const char *>(index.file->memory()) +
                         r.dataOffset,
                     size_t(r.size));
}

} // namespace mlirscope::testing

#endif // MLIRSCOPE_TEST_UNITTESTS_TESTMODELS_H
