//===- ByteCursorTest.cpp - Bounds-checked bytecode primitives ------------===//

#include "mlirscope/Bytecode/ByteCursor.h"

#include <gtest/gtest.h>

#include <vector>

using namespace mlirscope;

namespace {

/// Encodes `v` as MLIR's prefix varint (the writer's algorithm).
std::vector<uint8_t> encode(uint64_t v) {
  std::vector<uint8_t> out;
  for (unsigned n = 1; n <= 8; ++n) {
    if (v < (uint64_t(1) << (7 * n))) {
      uint64_t enc = (v << n) | (uint64_t(1) << (n - 1));
      for (unsigned i = 0; i < n; ++i)
        out.push_back(uint8_t(enc >> (8 * i)));
      return out;
    }
  }
  out.push_back(0);
  for (unsigned i = 0; i < 8; ++i)
    out.push_back(uint8_t(v >> (8 * i)));
  return out;
}

TEST(ByteCursorTest, VarIntRoundTripsEveryWidth) {
  for (uint64_t v : {uint64_t(0), uint64_t(1), uint64_t(127), uint64_t(128),
                     uint64_t(16383), uint64_t(16384), uint64_t(1) << 35,
                     (uint64_t(1) << 56) - 1, uint64_t(1) << 56, ~uint64_t(0)}) {
    std::vector<uint8_t> bytes = encode(v);
    ReadFailure failure;
    ByteCursor in(bytes.data(), 0, bytes.size(), failure);
    uint64_t got = 0;
    ASSERT_TRUE(in.readVarInt(got)) << v;
    EXPECT_EQ(got, v);
    EXPECT_TRUE(in.empty());
    EXPECT_FALSE(failure.failed());
  }
}

// With 8 bytes of window left a varint is read with one 8-byte load and
// masked: the bytes after it must not leak into its value or position.
TEST(ByteCursorTest, VarIntIgnoresTheBytesAfterIt) {
  for (uint64_t v : {uint64_t(0), uint64_t(127), uint64_t(128), uint64_t(16384),
                     uint64_t(1) << 35, (uint64_t(1) << 49) - 1,
                     (uint64_t(1) << 56) - 1, uint64_t(1) << 56, ~uint64_t(0)}) {
    std::vector<uint8_t> bytes = encode(v);
    size_t width = bytes.size();
    bytes.insert(bytes.end(), 9, 0xFF);
    ReadFailure failure;
    ByteCursor in(bytes.data(), 0, bytes.size(), failure);
    uint64_t got = 0;
    ASSERT_TRUE(in.readVarInt(got)) << v;
    EXPECT_EQ(got, v);
    EXPECT_EQ(in.offset(), width) << v;
  }
}

TEST(ByteCursorTest, SignedVarIntIsZigZag) {
  // zigzag: 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3.
  std::vector<uint8_t> bytes;
  for (uint64_t z : {0, 1, 2, 3})
    for (uint8_t b : encode(z))
      bytes.push_back(b);
  ReadFailure failure;
  ByteCursor in(bytes.data(), 0, bytes.size(), failure);
  int64_t v;
  for (int64_t want : {0, -1, 1, -2}) {
    ASSERT_TRUE(in.readSignedVarInt(v));
    EXPECT_EQ(v, want);
  }
}

TEST(ByteCursorTest, TruncatedVarIntFailsAtItsOffset) {
  std::vector<uint8_t> bytes = encode(uint64_t(1) << 40);
  bytes.pop_back();
  ReadFailure failure;
  ByteCursor in(bytes.data(), 0, bytes.size(), failure);
  uint64_t v;
  EXPECT_FALSE(in.readVarInt(v, "a size"));
  ASSERT_TRUE(failure.failed());
  EXPECT_EQ(*failure.offset, 0u);
  EXPECT_NE(failure.expected.find("a size"), std::string::npos);
}

TEST(ByteCursorTest, FirstFailureWins) {
  std::vector<uint8_t> bytes = {0x03};
  ReadFailure failure;
  ByteCursor in(bytes.data(), 0, bytes.size(), failure);
  uint8_t b;
  EXPECT_TRUE(in.readByte(b));
  EXPECT_FALSE(in.readByte(b, "first"));
  EXPECT_FALSE(in.readByte(b, "second"));
  EXPECT_EQ(*failure.offset, 1u);
  EXPECT_NE(failure.expected.find("first"), std::string::npos);
}

TEST(ByteCursorTest, AlignmentChecksPaddingAndPowerOfTwo) {
  std::vector<uint8_t> bytes = {0x01, 0xCB, 0xCB, 0xCB, 0x42};
  ReadFailure failure;
  ByteCursor in(bytes.data(), 1, bytes.size(), failure);
  EXPECT_TRUE(in.alignTo(4));
  EXPECT_EQ(in.offset(), 4u);

  std::vector<uint8_t> bad = {0x01, 0x00, 0x00, 0x00};
  ReadFailure failure2;
  ByteCursor in2(bad.data(), 1, bad.size(), failure2);
  EXPECT_FALSE(in2.alignTo(4));
  EXPECT_NE(failure2.expected.find("0xCB"), std::string::npos);

  ReadFailure failure3;
  ByteCursor in3(bad.data(), 0, bad.size(), failure3);
  EXPECT_FALSE(in3.alignTo(3));
}

TEST(ByteCursorTest, TakeNeverExceedsTheWindow) {
  std::vector<uint8_t> bytes(8, 0);
  ReadFailure failure;
  ByteCursor in(bytes.data(), 2, 6, failure);
  ByteCursor sub = in;
  EXPECT_FALSE(in.take(5, sub));
  EXPECT_TRUE(in.take(4, sub));
  EXPECT_EQ(sub.begin(), 2u);
  EXPECT_EQ(sub.end(), 6u);
  EXPECT_TRUE(in.empty());
}

} // namespace
