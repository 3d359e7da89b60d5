//===- NaturalOrderTest.cpp - Support/NaturalOrder.h ----------------------===//

#include "mlirscope/Support/NaturalOrder.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <string>
#include <vector>

using namespace mlirscope;

TEST(NaturalOrderTest, NumbersCompareByValue) {
  EXPECT_LT(naturalCompare("layer2", "layer10"), 0);
  EXPECT_GT(naturalCompare("layer10", "layer2"), 0);
  EXPECT_EQ(naturalCompare("layer10", "layer10"), 0);
  EXPECT_LT(naturalCompare("model.layers.9.mlp", "model.layers.10.attn"), 0);
  // Longer than any integer type.
  EXPECT_LT(
      naturalCompare("k99999999999999999999999", "k100000000000000000000000"),
      0);
}

TEST(NaturalOrderTest, TextComparesByBytes) {
  EXPECT_LT(naturalCompare("a", "b"), 0);
  EXPECT_LT(naturalCompare("layer", "layer0"), 0);
  EXPECT_LT(naturalCompare("", "a"), 0);
  EXPECT_EQ(naturalCompare("", ""), 0);
  // A digit and a letter compare as bytes.
  EXPECT_LT(naturalCompare("a1", "ab"), 0);
}

TEST(NaturalOrderTest, LeadingZerosStillOrderTotally) {
  EXPECT_EQ(naturalCompare("a007b", "a7c") < 0, true);
  int c = naturalCompare("a01", "a1");
  EXPECT_NE(c, 0);
  EXPECT_EQ(c, -naturalCompare("a1", "a01"));
}

TEST(NaturalOrderTest, SortsLayers) {
  std::vector<std::string> keys = {"layer10.w", "layer2.w", "embed",
                                   "layer1.w",  "layer2.b", "head"};
  std::sort(keys.begin(), keys.end(),
            [](const std::string &a, const std::string &b) {
              return naturalLess(a, b);
            });
  std::vector<std::string> want = {"embed",    "head",     "layer1.w",
                                   "layer2.b", "layer2.w", "layer10.w"};
  EXPECT_EQ(keys, want);
}
