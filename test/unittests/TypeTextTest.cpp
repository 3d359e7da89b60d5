//===- TypeTextTest.cpp - Builtin types from their spelling ---------------===//

#include "mlirscope/Index/Summary.h"
#include "mlirscope/Model/TypeText.h"

#include <gtest/gtest.h>

using namespace mlirscope;

TEST(TypeTextTest, ScalarTypes) {
  EXPECT_EQ(parseElementTypeText("f32").storageBits(), 32u);
  EXPECT_EQ(parseElementTypeText("bf16").kind, ElementType::Kind::Float);
  EXPECT_EQ(parseElementTypeText("i1").storageBits(), 8u); // one byte each
  EXPECT_EQ(parseElementTypeText("ui8").signedness,
            ElementType::Signedness::Unsigned);
  EXPECT_EQ(parseElementTypeText("si32").signedness,
            ElementType::Signedness::Signed);
  EXPECT_EQ(parseElementTypeText("index").storageBits(), 64u);
  EXPECT_EQ(parseElementTypeText("complex<f64>").storageBits(), 128u);
  EXPECT_EQ(parseElementTypeText("f8E4M3FN").storageBits(), 8u);
  EXPECT_FALSE(parseElementTypeText("!vhlo.f32_v1").isKnown());
  EXPECT_FALSE(parseElementTypeText("i0").isKnown());
}

TEST(TypeTextTest, ShapedTypes) {
  auto t = parseShapedTypeText("tensor<2x?x3xf16>");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->ranked);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{2, TensorType::kDynamic, 3}));
  EXPECT_EQ(t->element.name, "f16");
  EXPECT_EQ(t->text, "tensor<2x?x3xf16>");
  EXPECT_FALSE(t->numElements());

  auto c = parseShapedTypeText("tensor<4xcomplex<f32>>");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->shape, (std::vector<int64_t>{4}));
  EXPECT_EQ(expectedBlobSize(*c), 32u);

  auto u = parseShapedTypeText("tensor<*xi8>");
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->ranked);

  auto e = parseShapedTypeText("tensor<8xf32, #enc>");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->numElements(), 8u);

  auto s = parseShapedTypeText("tensor<f32>");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->numElements(), 1u);

  EXPECT_FALSE(parseShapedTypeText("i32"));
  EXPECT_FALSE(parseShapedTypeText("tensor<2x3xf32"));
}

TEST(TypeTextTest, NumElementsOverflowIsNotAnError) {
  auto t = parseShapedTypeText(
      "tensor<4294967296x4294967296x4294967296xf32>");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->numElements());
  EXPECT_FALSE(expectedBlobSize(*t));
}
