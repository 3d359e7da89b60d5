//===- HostileInputTest.cpp - .npy headers and nesting depth --------------===//
//
// The two small parsers hardening added: the .npy header dict and the
// nesting check that keeps deep text away from MLIR's recursive parser.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Index/NestingLimit.h"
#include "mlirscope/Blob/Npy.h"

#include <gtest/gtest.h>

#include <string>

using namespace mlirscope;

namespace {

std::string npy(const std::string &dict) {
  std::string d = dict;
  while ((10 + d.size() + 1) % 64)
    d += ' ';
  d += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += char(d.size() & 0xff);
  out += char(d.size() >> 8);
  return out + d;
}

llvm::Expected<NpyHeader> parse(const std::string &bytes) {
  return parseNpyHeader(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()),
                              bytes.size()),
      "x.npy");
}

/// The error's text, or "" when parsing succeeded.
std::string errorOf(const std::string &bytes) {
  auto h = parse(bytes);
  if (h)
    return "";
  return llvm::toString(h.takeError());
}

TEST(NpyHeaderTest, AcceptsWhatNumpyWrites) {
  auto h = parse(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, "
                     "4), }"));
  ASSERT_TRUE(bool(h)) << llvm::toString(h.takeError());
  EXPECT_EQ(h->descr, "<f4");
  EXPECT_FALSE(h->fortranOrder);
  EXPECT_EQ(h->shape, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(h->dataOffset, 128u);
  auto scalar = parse(npy("{'descr': '|b1', 'fortran_order': True, 'shape': "
                          "(), }"));
  ASSERT_TRUE(bool(scalar));
  EXPECT_TRUE(scalar->shape.empty());
  EXPECT_TRUE(scalar->fortranOrder);
  auto one = parse(npy("{'descr': '<i8', 'fortran_order': False, 'shape': "
                       "(5,), }"));
  ASSERT_TRUE(bool(one));
  EXPECT_EQ(one->shape, (std::vector<int64_t>{5}));
}

TEST(NpyHeaderTest, KeyNamesInsideValuesAreNotKeys) {
  // A structured dtype names a field 'shape': refused as a dtype, not read
  // as the shape.
  EXPECT_NE(errorOf(npy("{'descr': [('shape', '<f4')], 'fortran_order': "
                        "False, 'shape': (2,), }"))
                .find("offset 20: expected a quoted dtype string as 'descr'"),
            std::string::npos);
}

TEST(NpyHeaderTest, RefusesRepeatedAndUnknownKeys) {
  EXPECT_NE(errorOf(npy("{'descr': '<f4', 'fortran_order': False, 'shape': "
                        "(2,), 'shape': (3,), }"))
                .find("offset 66: expected each key once, got a second "
                      "'shape'"),
            std::string::npos);
  EXPECT_NE(errorOf(npy("{'descr': '<f4', 'fortran_order': False, 'shape': "
                        "(2,),  'extra' : 1}"))
                .find("offset 67: expected only 'descr', 'fortran_order' and "
                      "'shape' keys, got 'extra'"),
            std::string::npos);
  EXPECT_NE(errorOf(npy("{'descr': '<f4', 'shape': (2,), }"))
                .find("expected a header with 'descr', 'fortran_order' and "
                      "'shape' (no 'fortran_order')"),
            std::string::npos);
}

TEST(NpyHeaderTest, RefusesDimensionsPastInt64) {
  EXPECT_NE(errorOf(npy("{'descr': '<f4', 'fortran_order': False, 'shape': "
                        "(99999999999999999999,), }"))
                .find("expected a non-negative integer dimension below 2^63"),
            std::string::npos);
}

TEST(NestingLimitTest, BracketsAndAffineOperatorsCount) {
  auto nested = [](unsigned n) {
    return std::string(n, '[') + std::string(n, ']');
  };
  EXPECT_FALSE(findDeepNesting(nested(1000), 1000));
  EXPECT_EQ(findDeepNesting(nested(1001), 1000), std::optional<uint64_t>(1000));
  // A chain of additions is a tree as deep as the chain for MLIR.
  std::string sum = "affine_map<(d0) -> (d0";
  for (int i = 0; i < 2000; ++i)
    sum += " + d0";
  EXPECT_TRUE(findDeepNesting(sum + ")>", 1000));
  // So is a run of unary minus signs.
  EXPECT_TRUE(findDeepNesting("(" + std::string(2000, '-') + "d0)", 1000));
  EXPECT_TRUE(findDeepNesting("(" + std::string(2000, ' ') + "d0)", 1000) ==
              std::nullopt);
}

// The quick count that clears most texts must never clear one the full scan
// refuses: the limit is met exactly with each kind of level.
TEST(NestingLimitTest, QuickCountKeepsTheExactLimit) {
  for (llvm::StringRef op : {" floordiv", " ceildiv", " mod", " +", " *"}) {
    auto chain = [&](unsigned n) {
      std::string text = "(d0";
      for (unsigned i = 0; i < n; ++i)
        text += (op + " d0").str();
      return text + ")";
    };
    // One bracket and 999 operators: 1000 levels.
    EXPECT_FALSE(findDeepNesting(chain(999), 1000)) << op.str();
    EXPECT_TRUE(findDeepNesting(chain(1000), 1000)) << op.str();
  }
  // Below the limit in all: cleared without the full scan, which would
  // find nothing either.
  EXPECT_FALSE(findDeepNesting(std::string(1000, '('), 1000));
  EXPECT_TRUE(findDeepNesting(std::string(1001, '('), 1000));
}

TEST(NestingLimitTest, NumbersArrowsStringsAndCommentsDoNot) {
  std::string dense = "dense<[";
  for (int i = 0; i < 5000; ++i)
    dense += "-1.5e+10, ";
  EXPECT_FALSE(findDeepNesting(dense + "-2]>", 1000));
  std::string arrows;
  for (int i = 0; i < 5000; ++i)
    arrows += "(i32) -> (i32) ";
  EXPECT_FALSE(findDeepNesting(arrows, 1000));
  EXPECT_FALSE(findDeepNesting("\"" + std::string(5000, '[') + "\"", 1000));
  EXPECT_FALSE(findDeepNesting("// " + std::string(5000, '(') + "\n", 1000));
  EXPECT_FALSE(findDeepNesting("// -----\n// -----\n", 1000));
}

} // namespace
