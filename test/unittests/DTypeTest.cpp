//===- DTypeTest.cpp - One element: decode, format, encode ----------------===//

#include "mlirscope/Blob/DType.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>

using namespace mlirscope;

namespace {

template <typename T> std::vector<uint8_t> bytesOf(T v) {
  std::vector<uint8_t> out(sizeof v);
  std::memcpy(out.data(), &v, sizeof v);
  return out;
}

std::string format(DType d, const std::vector<uint8_t> &bytes,
                   ElementStyle style) {
  EXPECT_EQ(bytes.size(), dtypeSize(d));
  return formatElement(d, bytes.data(), style);
}

TEST(DTypeTest, TheListGivesNamesSizesAndNumpy) {
  EXPECT_STREQ(dtypeName(DType::C64), "complex<f32>");
  EXPECT_EQ(dtypeSize(DType::C128), 16u);
  EXPECT_STREQ(dtypeNumpy(DType::U16), "<u2");
  EXPECT_STREQ(dtypeNumpy(DType::BF16), "");
  EXPECT_STREQ(dtypeName(DType::F8E4M3B11FNUZ), "f8E4M3B11FNUZ");
  EXPECT_EQ(dtypeSize(DType::F8E8M0FNU), 1u);
  EXPECT_EQ(dtypeSize(DType::Unsupported), 0u);
  int float8 = 0;
  for (unsigned d = 0; d < unsigned(DType::Unsupported); ++d)
    float8 += isFloat8(DType(d));
  EXPECT_EQ(float8, 8);
  // Every MLIR spelling maps back to its dtype.
  for (unsigned d = unsigned(DType::F16); d < unsigned(DType::Unsupported);
       ++d) {
    if (isComplex(DType(d)))
      continue;
    ElementType t;
    t.kind = ElementType::Kind::Float;
    t.name = dtypeName(DType(d));
    t.width = 8 * dtypeSize(DType(d));
    EXPECT_EQ(dtypeFor(t), DType(d)) << t.name;
  }
}

TEST(DTypeTest, StylesDifferOnlyInDigits) {
  auto pi32 = bytesOf(float(M_PI));
  EXPECT_EQ(format(DType::F32, pi32, ElementStyle::RoundTrip), "3.14159274");
  EXPECT_EQ(format(DType::F32, pi32, ElementStyle::Exact), "3.14159274");
  EXPECT_EQ(format(DType::F32, pi32, ElementStyle::Short), "3.14159");
  auto pi64 = bytesOf(M_PI);
  EXPECT_EQ(format(DType::F64, pi64, ElementStyle::RoundTrip),
            "3.1415926535897931");
  EXPECT_EQ(format(DType::F64, pi64, ElementStyle::Short), "3.14159");
  // bf16 needs 4 digits to round-trip; RoundTrip has always printed 5.
  auto third = bytesOf(floatToBFloat16(1.0f / 3));
  EXPECT_EQ(format(DType::BF16, third, ElementStyle::RoundTrip), "0.33398");
  EXPECT_EQ(format(DType::BF16, third, ElementStyle::Exact), "0.334");
  EXPECT_EQ(format(DType::BF16, third, ElementStyle::Short), "0.334");
  std::vector<uint8_t> c = bytesOf(float(1.5f));
  std::vector<uint8_t> im = bytesOf(float(-M_PI));
  c.insert(c.end(), im.begin(), im.end());
  EXPECT_EQ(format(DType::C64, c, ElementStyle::RoundTrip),
            "(1.5,-3.14159274)");
  EXPECT_EQ(format(DType::C64, c, ElementStyle::Short), "(1.5,-3.14159)");
}

TEST(DTypeTest, IntegersBoolsAndSpecials) {
  EXPECT_EQ(format(DType::I8, bytesOf(int8_t(-128)), ElementStyle::Short),
            "-128");
  EXPECT_EQ(format(DType::U64, bytesOf(UINT64_MAX), ElementStyle::Short),
            "18446744073709551615");
  EXPECT_EQ(format(DType::Bool, {1}, ElementStyle::RoundTrip), "true");
  EXPECT_EQ(format(DType::F32, bytesOf(-INFINITY), ElementStyle::Short),
            "-inf");
  EXPECT_EQ(format(DType::F16, bytesOf(uint16_t(0x7e00)), ElementStyle::Exact),
            "nan");
  // f8E8M0FNU is a scale up to 2^127: nine digits in every style.
  EXPECT_EQ(format(DType::F8E8M0FNU, {254}, ElementStyle::Short),
            "1.70141183e+38");
}

TEST(DTypeTest, DecodeGivesRealPartsAndComplexNumbers) {
  std::vector<uint8_t> c = bytesOf(double(2));
  std::vector<uint8_t> im = bytesOf(double(-3));
  c.insert(c.end(), im.begin(), im.end());
  EXPECT_EQ(decodeElement(DType::C128, c.data()), 2.0);
  EXPECT_EQ(decodeComplexElement(DType::C128, c.data()),
            std::complex<double>(2, -3));
  EXPECT_EQ(decodeElement(DType::I16, bytesOf(int16_t(-300)).data()), -300.0);
  EXPECT_EQ(decodeComplexElement(DType::U8, std::vector<uint8_t>{7}.data()),
            std::complex<double>(7, 0));
}

TEST(DTypeTest, EncodeRoundTripsWhatFormatWrites) {
  for (DType d : {DType::F16, DType::BF16, DType::F32, DType::F64,
                  DType::F8E4M3FN, DType::I32, DType::C64}) {
    std::vector<uint8_t> original(dtypeSize(d), 0);
    for (size_t i = 0; i < original.size(); ++i)
      original[i] = uint8_t(0x3a + 17 * i);
    if (d == DType::F8E4M3FN)
      original = {0x3a};
    std::string text = formatElement(d, original.data());
    auto encoded = encodeElement(d, text);
    ASSERT_TRUE(bool(encoded)) << dtypeName(d) << " " << text;
    EXPECT_EQ(*encoded, original) << dtypeName(d) << " " << text;
  }
  auto bad = encodeElement(DType::I8, "300");
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "300 is not representable as i8: out of range");
}

} // namespace
