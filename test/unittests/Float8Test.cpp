//===- Float8Test.cpp - One-byte floats against LLVM's APFloat ------------===//
//
// Every bit pattern of every f8 type WeightView reads, decoded by core and by
// APFloat (what MLIR itself uses for these types), must agree; and every
// value typed into a cell must encode to the bits APFloat gives.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Edit/Editor.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace mlirscope;

namespace {

struct Float8Case {
  DType dtype;
  const char *name;
  const llvm::fltSemantics &(*semantics)();
};

const Float8Case kCases[] = {
    {DType::F8E5M2, "f8E5M2", &llvm::APFloat::Float8E5M2},
    {DType::F8E4M3, "f8E4M3", &llvm::APFloat::Float8E4M3},
    {DType::F8E4M3FN, "f8E4M3FN", &llvm::APFloat::Float8E4M3FN},
    {DType::F8E5M2FNUZ, "f8E5M2FNUZ", &llvm::APFloat::Float8E5M2FNUZ},
    {DType::F8E4M3FNUZ, "f8E4M3FNUZ", &llvm::APFloat::Float8E4M3FNUZ},
    {DType::F8E4M3B11FNUZ, "f8E4M3B11FNUZ",
     &llvm::APFloat::Float8E4M3B11FNUZ},
    {DType::F8E3M4, "f8E3M4", &llvm::APFloat::Float8E3M4},
    {DType::F8E8M0FNU, "f8E8M0FNU", &llvm::APFloat::Float8E8M0FNU},
};

llvm::APFloat fromBits(const llvm::fltSemantics &sem, unsigned bits) {
  return llvm::APFloat(sem, llvm::APInt(8, bits));
}

TEST(Float8Test, EveryBitPatternDecodesAsAPFloat) {
  for (const Float8Case &c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(isFloat8(c.dtype));
    EXPECT_TRUE(isFloat(c.dtype));
    EXPECT_EQ(dtypeSize(c.dtype), 1u);
    EXPECT_STREQ(dtypeName(c.dtype), c.name);
    ElementType t;
    t.kind = ElementType::Kind::Float;
    t.width = 8;
    t.name = c.name;
    EXPECT_EQ(dtypeFor(t), c.dtype);
    for (unsigned b = 0; b < 256; ++b) {
      llvm::APFloat ref = fromBits(c.semantics(), b);
      float got = float8ToFloat(c.dtype, uint8_t(b));
      if (ref.isNaN()) {
        EXPECT_TRUE(std::isnan(got)) << "bits " << b;
        continue;
      }
      // Every f8 value is a float exactly, so compare the floats' bits
      // (which also tells -0 from +0).
      bool losesInfo = false;
      ref.convert(llvm::APFloat::IEEEsingle(),
                  llvm::APFloat::rmNearestTiesToEven, &losesInfo);
      EXPECT_FALSE(losesInfo);
      float want = ref.convertToFloat();
      uint32_t gotBits, wantBits;
      std::memcpy(&gotBits, &got, 4);
      std::memcpy(&wantBits, &want, 4);
      EXPECT_EQ(gotBits, wantBits)
          << "bits " << b << ": got " << got << ", APFloat " << want;
    }
  }
}

TEST(Float8Test, EveryValueEncodesToItsBits) {
  for (const Float8Case &c : kCases) {
    SCOPED_TRACE(c.name);
    for (unsigned b = 0; b < 256; ++b) {
      llvm::APFloat ref = fromBits(c.semantics(), b);
      if (ref.isNaN())
        continue;
      // The value as a user types it: the shortest text that reads back.
      llvm::SmallString<32> text;
      ref.toString(text, /*FormatPrecision=*/0, /*FormatMaxPadding=*/0);
      if (ref.isInfinity())
        text = ref.isNegative() ? "-inf" : "inf";
      auto bytes = encodeElement(c.dtype, text);
      if (c.dtype == DType::F8E8M0FNU || !ref.isZero() || !ref.isNegative()) {
        ASSERT_TRUE(bool(bytes)) << text.c_str() << ": "
                                 << llvm::toString(bytes.takeError());
        ASSERT_EQ(bytes->size(), 1u);
        EXPECT_EQ(unsigned((*bytes)[0]), b) << text.c_str();
      } else if (bytes) {
        // -0: its bits, or +0 where the type has no -0.
        EXPECT_EQ(unsigned((*bytes)[0]), b) << text.c_str();
      }
    }
  }
}

TEST(Float8Test, RoundsToNearestEvenAndRefusesWhatDoesNotFit) {
  // f8E4M3FN: 1.0625 lies halfway between 1 (0x38) and 1.125 (0x39): even.
  auto b = encodeElement(DType::F8E4M3FN, "1.0625");
  ASSERT_TRUE(bool(b));
  EXPECT_EQ((*b)[0], 0x38);
  // Its largest value is 448 (no Inf): 480 rounds past it.
  b = encodeElement(DType::F8E4M3FN, "448");
  ASSERT_TRUE(bool(b));
  EXPECT_EQ((*b)[0], 0x7e);
  for (auto [d, text] : {std::pair{DType::F8E4M3FN, "480"},
                         {DType::F8E4M3FN, "inf"},
                         {DType::F8E5M2, "1e6"},
                         {DType::F8E4M3FNUZ, "-inf"},
                         {DType::F8E8M0FNU, "0"},
                         {DType::F8E8M0FNU, "-2"}}) {
    auto r = encodeElement(d, text);
    EXPECT_FALSE(bool(r)) << dtypeName(d) << " " << text;
    if (!r)
      llvm::consumeError(r.takeError());
  }
  // f8E5M2 has Inf.
  b = encodeElement(DType::F8E5M2, "-inf");
  ASSERT_TRUE(bool(b));
  EXPECT_EQ((*b)[0], 0xfc);
}

} // namespace
