//===- VersionTest.cpp - Tests for getVersionString -----------------------===//
//
// Part of the mlirscope project.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Support/Version.h"

#include "gtest/gtest.h"

#include <cstring>
#include <string>

namespace {

TEST(VersionTest, IsNonEmpty) {
  const char *version = mlirscope::getVersionString();
  ASSERT_NE(version, nullptr);
  EXPECT_GT(std::strlen(version), 0u);
}

TEST(VersionTest, Is010) {
  EXPECT_EQ(std::string(mlirscope::getVersionString()), "0.1.0");
}

} // namespace
